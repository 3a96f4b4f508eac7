// SPDX-License-Identifier: Apache-2.0
// Who a NetworkAttachmentDefinition belongs to. A SpiderMultusConfig owns the NAD it generated
// through a controller owner reference; the label MULTUS_CONFIG_LABEL still names it when
// someone removed that reference by hand.
import type { NetworkAttachmentDefinition } from '@spiderpool/crds';
import { MULTUS_CONFIG_LABEL, SMC_KIND } from './multus-keys.ts';

export type NadOwner =
  | { kind: 'multus-config'; name: string; uid: string | undefined }
  | { kind: 'other'; description: string }
  | { kind: 'none' };

export function ownerOfNad(nad: NetworkAttachmentDefinition): NadOwner {
  const controller = nad.metadata?.ownerReferences?.find((r) => r.controller);
  if (controller) {
    return controller.kind === SMC_KIND && controller.apiVersion.startsWith('spiderpool.spidernet.io/')
      ? { kind: 'multus-config', name: controller.name, uid: controller.uid }
      : { kind: 'other', description: `${controller.kind} ${controller.name}` };
  }
  const label = nad.metadata?.labels?.[MULTUS_CONFIG_LABEL];
  return label ? { kind: 'multus-config', name: label, uid: undefined } : { kind: 'none' };
}

/** The name of the SpiderMultusConfig the NAD belongs to, if it belongs to one. */
export function multusConfigOfNad(nad: NetworkAttachmentDefinition): string | undefined {
  const owner = ownerOfNad(nad);
  return owner.kind === 'multus-config' ? owner.name : undefined;
}

/** Whether the SpiderMultusConfig called `smcName` may write this NAD (it made it, or its label says so). */
export const isNadOf = (nad: NetworkAttachmentDefinition, smcName: string): boolean => multusConfigOfNad(nad) === smcName;
