// SPDX-License-Identifier: Apache-2.0
import { ThirdParty } from '../constants.ts';
import { openObj } from './builder.ts';
import { defineCrd } from './crd-definition.ts';

const { group, version, kind, plural } = ThirdParty.VirtualMachine;

/**
 * Schema-only stand-in for KubeVirt's CRD, so tests can create VMs without KubeVirt. Spiderpool
 * reads only names, UIDs and owner references of these objects, so their content stays open.
 */
export const kubevirtVirtualMachine = defineCrd({
  group,
  version,
  kind,
  plural,
  scope: 'Namespaced',
  shortNames: ['vm', 'vms'],
  categories: ['all'],
  description: 'A KubeVirt virtual machine; Spiderpool keeps its IPs across restarts and live migrations.',
  spec: openObj({ description: 'KubeVirt VirtualMachine spec, not checked here.', typeName: 'VirtualMachineSpec' }),
  status: openObj({ description: 'KubeVirt VirtualMachine status, not checked here.', typeName: 'VirtualMachineStatus' }),
  statusSubresource: true,
});
