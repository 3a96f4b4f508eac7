// SPDX-License-Identifier: Apache-2.0
// One case per kind: a valid object, a spec change, a status change, and objects the schema
// must reject. Addresses come from documentation ranges only.
import { Kinds, Plurals, ThirdParty, API_VERSION } from '@spiderpool/crds';

export interface CrdCase {
  kind: string;
  apiVersion: string;
  group: string;
  version: string;
  plural: string;
  namespaced: boolean;
  /** Whether `status` is a subresource (written through /status, ignored on the main resource). */
  statusSubresource: boolean;
  valid: () => Record<string, unknown>;
  changeSpec: (obj: Record<string, unknown>) => void;
  /** Expected to be readable back under the same paths after the change. */
  status?: Record<string, unknown>;
  /** Each must be rejected; `field` must appear in the apiserver's message. */
  invalid: Array<{ why: string; field: string; patch: (obj: Record<string, unknown>) => void }>;
}

const spider = { apiVersion: API_VERSION, group: 'spiderpool.spidernet.io', version: 'v2beta1' };
const spec = (o: Record<string, unknown>): Record<string, unknown> => o['spec'] as Record<string, unknown>;

export const CRD_CASES: CrdCase[] = [
  {
    ...spider, kind: Kinds.SpiderIPPool, plural: Plurals.SpiderIPPool, namespaced: false, statusSubresource: true,
    valid: () => ({ spec: { ipVersion: 4, subnet: '192.0.2.0/24', ips: ['192.0.2.10-192.0.2.20'], gateway: '192.0.2.1' } }),
    changeSpec: (o) => { spec(o)['excludeIPs'] = ['192.0.2.20']; },
    status: { allocatedIPs: '{"192.0.2.10":{"pod":"default/web-0","podUid":"u1"}}', allocatedIPCount: 1, totalIPCount: 10 },
    invalid: [
      { why: 'wrong type', field: 'spec.ipVersion', patch: (o) => { spec(o)['ipVersion'] = 'four'; } },
      { why: 'bad enum', field: 'spec.ipVersion', patch: (o) => { spec(o)['ipVersion'] = 5; } },
      { why: 'missing required field', field: 'spec.subnet', patch: (o) => { delete spec(o)['subnet']; } },
      { why: 'route without gw', field: 'spec.routes[0].gw', patch: (o) => { spec(o)['routes'] = [{ dst: '198.51.100.0/24' }]; } },
    ],
  },
  {
    ...spider, kind: Kinds.SpiderSubnet, plural: Plurals.SpiderSubnet, namespaced: false, statusSubresource: true,
    valid: () => ({ spec: { ipVersion: 6, subnet: '2001:db8:1::/64', ips: ['2001:db8:1::10-2001:db8:1::20'] } }),
    changeSpec: (o) => { spec(o)['gateway'] = '2001:db8:1::1'; },
    status: { controlledIPPools: '{}', totalIPCount: 17, allocatedIPCount: 0 },
    invalid: [
      { why: 'wrong type', field: 'spec.ips', patch: (o) => { spec(o)['ips'] = '2001:db8:1::10'; } },
      { why: 'missing required field', field: 'spec.subnet', patch: (o) => { delete spec(o)['subnet']; } },
    ],
  },
  {
    ...spider, kind: Kinds.SpiderReservedIP, plural: Plurals.SpiderReservedIP, namespaced: false, statusSubresource: false,
    valid: () => ({ spec: { ipVersion: 4, ips: ['192.0.2.250-192.0.2.254'] } }),
    changeSpec: (o) => { spec(o)['ips'] = ['192.0.2.250']; },
    invalid: [
      { why: 'bad enum', field: 'spec.ipVersion', patch: (o) => { spec(o)['ipVersion'] = 7; } },
      { why: 'wrong type', field: 'spec.ips', patch: (o) => { spec(o)['ips'] = [42]; } },
    ],
  },
  {
    ...spider, kind: Kinds.SpiderEndpoint, plural: Plurals.SpiderEndpoint, namespaced: true, statusSubresource: false,
    valid: () => ({
      status: {
        current: { uid: 'uid-1', node: 'node-1', ips: [{ interface: 'eth0', ipv4: '192.0.2.10/24', ipv4Pool: 'p4', vlan: 0 }] },
        ownerControllerType: 'Pod',
        ownerControllerName: 'web-0',
      },
    }),
    changeSpec: (o) => {
      const current = (o['status'] as Record<string, Record<string, unknown>>)['current'] as Record<string, unknown>;
      current['node'] = 'node-2';
    },
    invalid: [
      { why: 'value above maximum', field: 'vlan', patch: (o) => {
        ((o['status'] as { current: { ips: Array<Record<string, unknown>> } }).current.ips[0] as Record<string, unknown>)['vlan'] = 5000;
      } },
      { why: 'wrong type', field: 'status.current.uid', patch: (o) => {
        (o['status'] as { current: Record<string, unknown> }).current['uid'] = 12;
      } },
    ],
  },
  {
    ...spider, kind: Kinds.SpiderCoordinator, plural: Plurals.SpiderCoordinator, namespaced: false, statusSubresource: true,
    valid: () => ({ spec: { mode: 'underlay', podCIDRType: 'auto', hijackCIDR: ['198.51.100.53/32'] } }),
    changeSpec: (o) => { spec(o)['podMACPrefix'] = '0a:1b'; },
    status: { phase: 'Synced', overlayPodCIDR: ['203.0.113.0/24'], serviceCIDR: ['198.51.100.0/24'] },
    invalid: [
      { why: 'bad enum', field: 'spec.mode', patch: (o) => { spec(o)['mode'] = 'bogus'; } },
      { why: 'wrong type', field: 'spec.txQueueLen', patch: (o) => { spec(o)['txQueueLen'] = 'long'; } },
    ],
  },
  {
    ...spider, kind: Kinds.SpiderMultusConfig, plural: Plurals.SpiderMultusConfig, namespaced: true, statusSubresource: false,
    valid: () => ({ spec: { cniType: 'macvlan', macvlan: { master: ['eth0'], ippools: { ipv4: ['p4'] } } } }),
    changeSpec: (o) => { (spec(o)['macvlan'] as Record<string, unknown>)['vlanID'] = 100; },
    invalid: [
      { why: 'bad enum', field: 'spec.cniType', patch: (o) => { spec(o)['cniType'] = 'flannel'; } },
      { why: 'value above maximum', field: 'spec.macvlan.vlanID', patch: (o) => { (spec(o)['macvlan'] as Record<string, unknown>)['vlanID'] = 4095; } },
    ],
  },
  {
    ...ThirdParty.NetworkAttachmentDefinition, namespaced: true, statusSubresource: false,
    valid: () => ({ spec: { config: '{"cniVersion":"1.0.0","type":"macvlan","master":"eth0","ipam":{"type":"spiderpool"}}' } }),
    changeSpec: (o) => { spec(o)['config'] = '{"cniVersion":"1.0.0","type":"macvlan","master":"eth1","ipam":{"type":"spiderpool"}}'; },
    invalid: [{ why: 'wrong type', field: 'spec.config', patch: (o) => { spec(o)['config'] = { type: 'macvlan' }; } }],
  },
  {
    ...ThirdParty.VirtualMachine, namespaced: true, statusSubresource: true,
    valid: () => ({ spec: { runStrategy: 'Always', template: { spec: { domain: { devices: {} } } } } }),
    changeSpec: (o) => { spec(o)['runStrategy'] = 'Halted'; },
    status: { printableStatus: 'Running', ready: true },
    invalid: [{ why: 'wrong type', field: 'spec', patch: (o) => { o['spec'] = 'not an object'; } }],
  },
  {
    ...ThirdParty.VirtualMachineInstance, namespaced: true, statusSubresource: true,
    valid: () => ({ spec: { domain: { devices: { interfaces: [{ name: 'default', bridge: {} }] } } } }),
    changeSpec: (o) => { spec(o)['hostname'] = 'vm1'; },
    status: { phase: 'Running', nodeName: 'node-1' },
    invalid: [{ why: 'wrong type', field: 'spec', patch: (o) => { o['spec'] = 42; } }],
  },
];
