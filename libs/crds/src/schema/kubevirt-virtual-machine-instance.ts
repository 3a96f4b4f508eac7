// SPDX-License-Identifier: Apache-2.0
import { ThirdParty } from '../constants.ts';
import { openObj } from './builder.ts';
import { defineCrd } from './crd-definition.ts';

const { group, version, kind, plural } = ThirdParty.VirtualMachineInstance;

/** Schema-only stand-in for KubeVirt's CRD; see `kubevirt-virtual-machine.ts`. */
export const kubevirtVirtualMachineInstance = defineCrd({
  group,
  version,
  kind,
  plural,
  scope: 'Namespaced',
  shortNames: ['vmi', 'vmis'],
  categories: ['all'],
  description: 'A running KubeVirt virtual machine; its launcher pod gets the IPs of the VM.',
  spec: openObj({
    description: 'KubeVirt VirtualMachineInstance spec, not checked here.',
    typeName: 'VirtualMachineInstanceSpec',
  }),
  status: openObj({
    description: 'KubeVirt VirtualMachineInstance status, not checked here.',
    typeName: 'VirtualMachineInstanceStatus',
  }),
  statusSubresource: true,
});
