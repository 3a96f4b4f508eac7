// SPDX-License-Identifier: Apache-2.0
// One valid SpiderMultusConfig per cniType, as a user would write it (before defaults), for
// unit tests. Addresses are documentation ranges only.
import type { SpiderMultusConfig, SpiderMultusConfigSpec } from '@spiderpool/crds';
import type { CniType } from '../multus-config-blocks.ts';

export const SPECS: Readonly<Record<CniType, SpiderMultusConfigSpec>> = {
  macvlan: { cniType: 'macvlan', macvlan: { master: ['eth1'], vlanID: 100, ippools: { ipv4: ['v4-pool'], ipv6: ['v6-pool'] } } },
  ipvlan: { cniType: 'ipvlan', ipvlan: { master: ['eth1', 'eth2'], bond: { name: 'bond0', mode: 1, options: 'primary=eth1' }, mtu: 1500, ippools: { ipv4: ['v4-pool'] } } },
  vlan: { cniType: 'vlan', vlan: { master: ['eth1'], vlanID: 300, ippools: { ipv4: ['v4-pool'] } } },
  sriov: { cniType: 'sriov', sriov: { resourceName: 'example.com/sriov_netdevice', vlanID: 200, minTxRateMbps: 100, maxTxRateMbps: 10_000, rdmaIsolation: true, mtu: 9000, ippools: { ipv4: ['v4-pool'], matchMasterSubnet: true } } },
  'ib-sriov': { cniType: 'ib-sriov', ibsriov: { resourceName: 'example.com/ib_vf', pkey: '0x7fff', ippools: { ipv6: ['v6-pool'] } } },
  ipoib: { cniType: 'ipoib', ipoib: { master: 'ib0', ippools: { ipv4: ['v4-pool'] } } },
  ovs: { cniType: 'ovs', ovs: { bridge: 'br1', vlan: 10, trunk: [{ minID: 20, maxID: 29 }, { id: 40 }], ippools: { ipv4: ['v4-pool'] } } },
  custom: { cniType: 'custom', customCNI: '{"cniVersion":"0.4.0","type":"bridge","bridge":"br-custom","ipam":{"type":"spiderpool"}}' },
};

export function multusConfig(type: CniType, overrides: { name?: string; namespace?: string; annotations?: Record<string, string>; labels?: Record<string, string>; spec?: Partial<SpiderMultusConfigSpec> } = {}): SpiderMultusConfig {
  return {
    apiVersion: 'spiderpool.spidernet.io/v2beta1',
    kind: 'SpiderMultusConfig',
    metadata: {
      name: overrides.name ?? `${type}-net`,
      namespace: overrides.namespace ?? 'team-a',
      uid: `uid-${overrides.name ?? `${type}-net`}`,
      ...(overrides.annotations ? { annotations: overrides.annotations } : {}),
      ...(overrides.labels ? { labels: overrides.labels } : {}),
    },
    spec: structuredClone({ ...SPECS[type], ...overrides.spec }),
  };
}
