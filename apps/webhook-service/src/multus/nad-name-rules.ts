// SPDX-License-Identifier: Apache-2.0
// The rule that needs other objects: the NAD a SpiderMultusConfig generates must not be one
// that belongs to someone else (another SpiderMultusConfig, or a NAD written by hand).
import type { NetworkAttachmentDefinition, SpiderMultusConfig } from '@spiderpool/crds';
import { Annotations } from '@spiderpool/crds';
import { isSpiderpoolError } from '@spiderpool/errors';
import type { AdmissionContext, Violation } from '../admission/admission-types.ts';
import { isDns1123Label, isDns1123Subdomain } from '../ippool/k8s-names.ts';
import { nadNameOf } from './multus-config-blocks.ts';
import { ownerOfNad } from './nad-ownership.ts';
import { violation } from './violation.ts';

function nadField(smc: SpiderMultusConfig): string {
  return smc.metadata?.annotations?.[Annotations.MULTUS_CR_NAME] ? `metadata.annotations[${Annotations.MULTUS_CR_NAME}]` : 'metadata.name';
}

async function existingNadRules(smc: SpiderMultusConfig, namespace: string, ctx: AdmissionContext): Promise<Violation[]> {
  const nadName = nadNameOf(smc);
  const nad = await ctx.get<NetworkAttachmentDefinition>('NetworkAttachmentDefinition', nadName, namespace).catch((err: unknown) => {
    // Without Multus' CRD there are no NADs to collide with (the controller will wait for it).
    if (isSpiderpoolError(err, 'NOT_FOUND')) return undefined;
    throw err;
  });
  if (!nad) return [];
  const owner = ownerOfNad(nad);
  if (owner.kind === 'multus-config' && owner.name === smc.metadata?.name) return [];
  const by = owner.kind === 'multus-config' ? `SpiderMultusConfig ${owner.name}` : owner.kind === 'other' ? owner.description : 'nobody (it was written by hand)';
  return [violation(nadField(smc), nadName, 'nad-name-taken', `names NetworkAttachmentDefinition ${namespace}/${nadName}, which exists and is owned by ${by}`)];
}

async function otherConfigRules(smc: SpiderMultusConfig, namespace: string, ctx: AdmissionContext): Promise<Violation[]> {
  const nadName = nadNameOf(smc);
  const others = await ctx.list<SpiderMultusConfig>('SpiderMultusConfig', { namespace });
  const rival = others.find((o) => o.metadata?.name !== smc.metadata?.name && nadNameOf(o) === nadName);
  return rival ? [violation(nadField(smc), nadName, 'nad-name-taken', `names NetworkAttachmentDefinition ${namespace}/${nadName}, which SpiderMultusConfig ${rival.metadata?.name} generates`)] : [];
}

/**
 * At most one violation: the first reason the NAD name cannot be used. Only a name and namespace
 * that can exist are looked up: the client would put anything else into the URL, where '' reads
 * the whole list and '..' another resource. An invalid name is refused elsewhere (the annotation's
 * `nad-name-invalid` rule, the API server's own name check), so nothing is lost.
 */
export async function nadNameViolations(smc: SpiderMultusConfig, namespace: unknown, ctx: AdmissionContext): Promise<Violation[]> {
  const nadName: unknown = nadNameOf(smc);
  if (typeof namespace !== 'string' || !isDns1123Label(namespace) || typeof nadName !== 'string' || !isDns1123Subdomain(nadName)) return [];
  const fromNad = await existingNadRules(smc, namespace, ctx);
  return fromNad.length ? fromNad : otherConfigRules(smc, namespace, ctx);
}
