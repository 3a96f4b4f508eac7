// SPDX-License-Identifier: Apache-2.0

export interface FuzzKind {
  kind: string;
  /** API group; '' for the core group. */
  group: string;
  namespaced: boolean;
  /** spec fields a generator fills with odd values */
  fields: readonly string[];
}

/** Kinds the webhook is sent, with the spec fields its admission logic reads, plus kinds it has no logic for. */
export const FUZZ_KINDS: readonly FuzzKind[] = [
  { kind: 'SpiderIPPool', group: 'spiderpool.spidernet.io', namespaced: false, fields: ['ipVersion', 'subnet', 'ips', 'excludeIPs', 'gateway', 'routes', 'podAffinity', 'namespaceName', 'nodeName', 'multusName', 'default', 'disable', 'vlan'] },
  { kind: 'SpiderSubnet', group: 'spiderpool.spidernet.io', namespaced: false, fields: ['ipVersion', 'subnet', 'ips', 'excludeIPs', 'gateway', 'routes', 'vlan'] },
  { kind: 'SpiderReservedIP', group: 'spiderpool.spidernet.io', namespaced: false, fields: ['ipVersion', 'ips'] },
  { kind: 'SpiderMultusConfig', group: 'spiderpool.spidernet.io', namespaced: true, fields: ['cniType', 'macvlan', 'ipvlan', 'sriov', 'ovs', 'customCNI', 'coordinator', 'enableCoordinator', 'disableIPAM'] },
  { kind: 'SpiderCoordinator', group: 'spiderpool.spidernet.io', namespaced: false, fields: ['mode', 'podCIDRType', 'hijackCIDR', 'podMACPrefix', 'tunePodRoutes', 'podDefaultRouteNIC', 'hostRuleTable', 'vethLinkAddress', 'detectGateway', 'detectIPConflict', 'txQueueLen', 'policyRoutes', 'podRPFilter', 'vethMTU'] },
  { kind: 'SpiderEndpoint', group: 'spiderpool.spidernet.io', namespaced: true, fields: [] },
  { kind: 'Pod', group: '', namespaced: true, fields: ['containers', 'nodeName'] },
  { kind: 'SomethingElse', group: 'example.com', namespaced: false, fields: ['x'] },
];
