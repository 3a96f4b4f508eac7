// SPDX-License-Identifier: Apache-2.0
/**
 * Names of the Spiderpool API and of the third-party APIs it works with. The CRD definitions
 * in `schema/` are built from these, so a rename here changes the CRDs, the generated types
 * and every client at once.
 */
export const GROUP = 'spiderpool.spidernet.io';
export const VERSION = 'v2beta1';
export const API_VERSION = `${GROUP}/${VERSION}` as const;

/**
 * Upstream puts this one finalizer on pools, subnets and endpoints; it is the group name,
 * not a `<group>/<purpose>` path, and must stay that way to interoperate with existing objects.
 */
export const FINALIZER = 'spiderpool.spidernet.io';

export const Kinds = {
  SpiderIPPool: 'SpiderIPPool',
  SpiderSubnet: 'SpiderSubnet',
  SpiderReservedIP: 'SpiderReservedIP',
  SpiderEndpoint: 'SpiderEndpoint',
  SpiderCoordinator: 'SpiderCoordinator',
  SpiderMultusConfig: 'SpiderMultusConfig',
} as const;

export type SpiderKind = keyof typeof Kinds;

/** REST resource names (`/apis/<group>/<version>/<plural>`), keyed by kind. */
export const Plurals = {
  SpiderIPPool: 'spiderippools',
  SpiderSubnet: 'spidersubnets',
  SpiderReservedIP: 'spiderreservedips',
  SpiderEndpoint: 'spiderendpoints',
  SpiderCoordinator: 'spidercoordinators',
  SpiderMultusConfig: 'spidermultusconfigs',
} as const satisfies Record<SpiderKind, string>;

/**
 * APIs owned by other projects that Spiderpool reads or writes. Production clusters get their
 * CRDs from Multus and KubeVirt; ours exist only so that tests can run without those projects.
 */
export const ThirdParty = {
  NetworkAttachmentDefinition: {
    group: 'k8s.cni.cncf.io',
    version: 'v1',
    apiVersion: 'k8s.cni.cncf.io/v1',
    kind: 'NetworkAttachmentDefinition',
    plural: 'network-attachment-definitions',
  },
  VirtualMachine: {
    group: 'kubevirt.io',
    version: 'v1',
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachine',
    plural: 'virtualmachines',
  },
  VirtualMachineInstance: {
    group: 'kubevirt.io',
    version: 'v1',
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachineInstance',
    plural: 'virtualmachineinstances',
  },
} as const;

export type ThirdPartyKind = keyof typeof ThirdParty;
