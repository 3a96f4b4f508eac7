// SPDX-License-Identifier: Apache-2.0
import type { CrdDefinition } from './crd-definition.ts';
import { kubevirtVirtualMachineInstance } from './kubevirt-virtual-machine-instance.ts';
import { kubevirtVirtualMachine } from './kubevirt-virtual-machine.ts';
import { networkAttachmentDefinition } from './network-attachment-definition.ts';
import { spiderCoordinator } from './spider-coordinator.ts';
import { spiderEndpoint } from './spider-endpoint.ts';
import { spiderIPPool } from './spider-ippool.ts';
import { spiderMultusConfig } from './spider-multus-config.ts';
import { spiderReservedIP } from './spider-reserved-ip.ts';
import { spiderSubnet } from './spider-subnet.ts';

/** The CRDs Spiderpool ships. The order is the order of the generated types. */
export const SPIDERPOOL_CRD_DEFINITIONS: readonly CrdDefinition[] = [
  spiderIPPool,
  spiderSubnet,
  spiderReservedIP,
  spiderEndpoint,
  spiderCoordinator,
  spiderMultusConfig,
];

/** CRDs of other projects that tests install because Spiderpool reads or writes their objects. */
export const THIRD_PARTY_CRD_DEFINITIONS: readonly CrdDefinition[] = [
  networkAttachmentDefinition,
  kubevirtVirtualMachine,
  kubevirtVirtualMachineInstance,
];

export const ALL_CRD_DEFINITIONS: readonly CrdDefinition[] = [
  ...SPIDERPOOL_CRD_DEFINITIONS,
  ...THIRD_PARTY_CRD_DEFINITIONS,
];
