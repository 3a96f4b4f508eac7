// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { CNI_TYPES, type SpiderMultusConfig } from '@spiderpool/crds';
import { conflistProblems } from './cni-config-check.ts';
import type { CniType } from './multus-config-blocks.ts';
import { defaultMultusConfig } from './multus-config-defaults.ts';
import { multusConfigViolations } from './multus-config-rules.ts';
import { renderNetworkAttachmentDefinition } from './nad-render.ts';
import { multusConfig } from './testing/multus-samples.ts';

type Conflist = { cniVersion: string; name: string; plugins: Array<Record<string, unknown>> };

/** What the controller renders: the SMC as stored, i.e. after admission's defaults. */
const stored = (smc: SpiderMultusConfig): SpiderMultusConfig => {
  const out = defaultMultusConfig(smc);
  expect(multusConfigViolations(out)).toEqual([]);
  return out;
};
const conflistOf = (smc: SpiderMultusConfig): Conflist => JSON.parse(renderNetworkAttachmentDefinition(stored(smc)).spec?.config ?? '') as Conflist;
const types = (c: Conflist): unknown[] => c.plugins.map((p) => p['type']);

const EXPECTED_ORDER: Record<CniType, string[]> = {
  macvlan: ['ifacer', 'macvlan', 'coordinator'],
  ipvlan: ['ifacer', 'ipvlan', 'coordinator'],
  vlan: ['vlan', 'coordinator'],
  sriov: ['sriov', 'rdma', 'coordinator', 'tuning'],
  'ib-sriov': ['ib-sriov', 'coordinator'],
  ipoib: ['ipoib', 'coordinator'],
  ovs: ['ovs', 'coordinator'],
  custom: ['bridge'],
};

describe('renderNetworkAttachmentDefinition: every cniType', () => {
  it.each(CNI_TYPES)('%s renders a valid conflist with the expected plugin order', (type) => {
    const conflist = conflistOf(multusConfig(type));
    expect(conflistProblems(conflist, { uniqueTypes: true })).toEqual([]);
    expect(types(conflist)).toEqual(EXPECTED_ORDER[type]);
  });

  it('names the NAD and the conflist after the SMC, owned by it as controller, in its namespace', () => {
    const nad = renderNetworkAttachmentDefinition(stored(multusConfig('macvlan', { name: 'net-a', namespace: 'team-b' })));
    expect(nad.apiVersion).toBe('k8s.cni.cncf.io/v1');
    expect(nad.kind).toBe('NetworkAttachmentDefinition');
    expect(nad.metadata).toMatchObject({ name: 'net-a', namespace: 'team-b', labels: { 'spiderpool.spidernet.io/multus-config': 'net-a' } });
    expect(nad.metadata?.ownerReferences).toEqual([{ apiVersion: 'spiderpool.spidernet.io/v2beta1', kind: 'SpiderMultusConfig', name: 'net-a', uid: 'uid-net-a', controller: true, blockOwnerDeletion: true }]);
    expect(JSON.parse(nad.spec?.config ?? '')).toMatchObject({ name: 'net-a', cniVersion: '0.3.1' });
  });

  it('takes the NAD name, the conflist name and the version from the annotations', () => {
    const annotations = { 'multus.spidernet.io/cr-name': 'other-name', 'cni.spidernet.io/cniconfig-name': 'conf_name', 'multus.spidernet.io/cni-version': '1.0.0' };
    const nad = renderNetworkAttachmentDefinition(stored(multusConfig('ipoib', { annotations })));
    expect(nad.metadata?.name).toBe('other-name');
    expect(JSON.parse(nad.spec?.config ?? '')).toMatchObject({ name: 'conf_name', cniVersion: '1.0.0' });
    expect(nad.metadata?.annotations).toEqual(annotations);
  });

  it('copies the SMC annotations except kubectl\'s last-applied copy', () => {
    const nad = renderNetworkAttachmentDefinition(stored(multusConfig('ipoib', { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}', 'example.com/team': 'a' } })));
    expect(nad.metadata?.annotations).toEqual({ 'example.com/team': 'a' });
  });

  it('refuses to render an SMC that was never stored (no uid to own the NAD)', () => {
    const smc = stored(multusConfig('ipoib'));
    delete smc.metadata?.uid;
    expect(() => renderNetworkAttachmentDefinition(smc)).toThrow(/metadata.uid/);
  });

  it('names the missing block of an SMC that bypassed admission', () => {
    expect(() => renderNetworkAttachmentDefinition(multusConfig('sriov', { spec: { sriov: undefined } }))).toThrow(/spec.sriov/);
  });

  it('renders the same text for the same SMC (drift detection compares strings)', () => {
    const smc = stored(multusConfig('ovs'));
    expect(renderNetworkAttachmentDefinition(smc).spec?.config).toBe(renderNetworkAttachmentDefinition(structuredClone(smc)).spec?.config);
  });
});

describe('renderNetworkAttachmentDefinition: plugin fields', () => {
  it('macvlan: ifacer makes the VLAN, macvlan attaches to <master>.<vlan> in bridge mode with the pools', () => {
    const [ifacer, macvlan] = conflistOf(multusConfig('macvlan')).plugins;
    expect(ifacer).toEqual({ type: 'ifacer', interfaces: ['eth1'], vlanID: 100 });
    expect(macvlan).toEqual({ type: 'macvlan', master: 'eth1.100', mode: 'bridge', ipam: { type: 'spiderpool', default_ipv4_ippool: ['v4-pool'], default_ipv6_ippool: ['v6-pool'] } });
  });

  it('macvlan without VLAN or bond needs no ifacer; empty pools leave the IPAM section bare', () => {
    const conflist = conflistOf(multusConfig('macvlan', { spec: { macvlan: { master: ['eth1'] } } }));
    expect(types(conflist)).toEqual(['macvlan', 'coordinator']);
    expect(conflist.plugins[0]?.['ipam']).toEqual({ type: 'spiderpool' });
  });

  it('ipvlan over a bond: ifacer bonds the masters, ipvlan attaches to the bond with its MTU', () => {
    const [ifacer, ipvlan] = conflistOf(multusConfig('ipvlan')).plugins;
    expect(ifacer).toEqual({ type: 'ifacer', interfaces: ['eth1', 'eth2'], bond: { name: 'bond0', mode: 1, options: 'primary=eth1' } });
    expect(ipvlan).toEqual({ type: 'ipvlan', master: 'bond0', mtu: 1500, ipam: { type: 'spiderpool', default_ipv4_ippool: ['v4-pool'] } });
  });

  it('ipvlan over a bond with a VLAN: the VLAN sits on the bond', () => {
    const conflist = conflistOf(multusConfig('ipvlan', { spec: { ipvlan: { master: ['eth1', 'eth2'], bond: { name: 'bond0', mode: 4 }, vlanID: 7 } } }));
    expect(conflist.plugins[0]).toMatchObject({ type: 'ifacer', vlanID: 7, bond: { name: 'bond0', mode: 4 } });
    expect(conflist.plugins[1]).toMatchObject({ master: 'bond0.7' });
  });

  it('vlan: the vlan plugin makes the VLAN itself (ifacer only bonds); auto mode writes no ID', () => {
    expect(conflistOf(multusConfig('vlan')).plugins[0]).toEqual({ type: 'vlan', master: 'eth1', vlanId: 300, ipam: { type: 'spiderpool', default_ipv4_ippool: ['v4-pool'] } });
    const bonded = conflistOf(multusConfig('vlan', { spec: { vlan: { master: ['eth1', 'eth2'], bond: { name: 'bond1', mode: 1 }, vlanID: 5 } } }));
    expect(bonded.plugins[0]).toEqual({ type: 'ifacer', interfaces: ['eth1', 'eth2'], bond: { name: 'bond1', mode: 1 } });
    expect(bonded.plugins[1]).toMatchObject({ type: 'vlan', master: 'bond1', vlanId: 5 });
    const auto = conflistOf(multusConfig('vlan', { spec: { vlan: { master: ['eth1'], vlanMode: 'auto' } } }));
    expect(auto.plugins[0]).toEqual({ type: 'vlan', master: 'eth1', vlanMode: 'auto', ipam: { type: 'spiderpool' } });
  });

  it('sriov: VF settings, match_master_subnet, rdma after the VF, tuning for the MTU, and the resource for Multus', () => {
    const smc = multusConfig('sriov');
    const nad = renderNetworkAttachmentDefinition(stored(smc));
    const conflist = JSON.parse(nad.spec?.config ?? '') as Conflist;
    expect(conflist.plugins[0]).toEqual({ type: 'sriov', vlan: 200, minTxRate: 100, maxTxRate: 10_000, ipam: { type: 'spiderpool', default_ipv4_ippool: ['v4-pool'], match_master_subnet: true } });
    expect(conflist.plugins[1]).toEqual({ type: 'rdma' });
    expect(conflist.plugins[3]).toEqual({ type: 'tuning', mtu: 9000 });
    expect(nad.metadata?.annotations).toEqual({ 'k8s.v1.cni.cncf.io/resourceName': 'example.com/sriov_netdevice' });
  });

  it('sriov without rdmaIsolation or MTU: just the VF and the coordinator', () => {
    expect(types(conflistOf(multusConfig('sriov', { spec: { sriov: { resourceName: 'example.com/vf' } } })))).toEqual(['sriov', 'coordinator']);
  });

  it('ib-sriov: partition key, link state and isolation flags as ib-sriov-cni names them', () => {
    const nad = renderNetworkAttachmentDefinition(stored(multusConfig('ib-sriov')));
    expect((JSON.parse(nad.spec?.config ?? '') as Conflist).plugins[0]).toEqual({
      type: 'ib-sriov',
      pkey: '0x7fff',
      link_state: 'enable',
      rdmaIsolation: true,
      ibKubernetesEnabled: false,
      ipam: { type: 'spiderpool', default_ipv6_ippool: ['v6-pool'] },
    });
    expect(nad.metadata?.annotations).toEqual({ 'k8s.v1.cni.cncf.io/resourceName': 'example.com/ib_vf' });
  });

  it('ipoib and ovs: master, bridge, access VLAN and trunks', () => {
    expect(conflistOf(multusConfig('ipoib')).plugins[0]).toEqual({ type: 'ipoib', master: 'ib0', ipam: { type: 'spiderpool', default_ipv4_ippool: ['v4-pool'] } });
    expect(conflistOf(multusConfig('ovs')).plugins[0]).toEqual({ type: 'ovs', bridge: 'br1', vlan: 10, trunk: [{ minID: 20, maxID: 29 }, { id: 40 }], ipam: { type: 'spiderpool', default_ipv4_ippool: ['v4-pool'] } });
  });

  it('ovs with a VF (hardware offload) asks Multus for the bridge resource', () => {
    const nad = renderNetworkAttachmentDefinition(stored(multusConfig('ovs', { spec: { ovs: { bridge: 'br1', deviceID: '0000:3b:00.2' } } })));
    expect(nad.metadata?.annotations).toEqual({ 'k8s.v1.cni.cncf.io/resourceName': 'ovs-cni.network.kubevirt.io/br1' });
  });

  it('custom: a single config is wrapped into a list keeping its version; a list keeps its own name', () => {
    expect(conflistOf(multusConfig('custom'))).toEqual({ cniVersion: '0.4.0', name: 'custom-net', plugins: [{ type: 'bridge', bridge: 'br-custom', ipam: { type: 'spiderpool' } }] });
    const list = conflistOf(multusConfig('custom', { spec: { customCNI: '{"name":"mine","plugins":[{"type":"bridge"},{"type":"portmap"}]}' } }));
    expect(list).toEqual({ name: 'mine', plugins: [{ type: 'bridge' }, { type: 'portmap' }], cniVersion: '0.3.1' });
  });

  it('disableIPAM leaves the ipam section out; enableCoordinator false leaves the coordinator out', () => {
    const conflist = conflistOf(multusConfig('macvlan', { spec: { disableIPAM: true, enableCoordinator: false } }));
    expect(types(conflist)).toEqual(['ifacer', 'macvlan']);
    expect(conflist.plugins[1]).not.toHaveProperty('ipam');
  });

  it('chained plugins come after the main plugin (and rdma) and before the coordinator and tuning', () => {
    const smc = multusConfig('sriov', { spec: { chainCNIJsonData: ['{"type":"bandwidth","ingressRate":1000}', '{"type":"portmap","capabilities":{"portMappings":true}}'] } });
    expect(types(conflistOf(smc))).toEqual(['sriov', 'rdma', 'bandwidth', 'portmap', 'coordinator', 'tuning']);
  });

  it('coordinator: only the fields the block sets, under the plugin\'s names; disabled is written as disable', () => {
    const coordinator = {
      mode: 'disabled' as const,
      podDefaultRouteNIC: 'net1',
      podMACPrefix: '0a:1b',
      hijackCIDR: ['198.51.100.0/24'],
      policyRoutes: [{ dst: '203.0.113.0/24', gw: '192.0.2.1' }],
      txQueueLen: 1000,
      vethLinkAddress: '169.254.100.1',
      vethMTU: 1400,
    };
    const plugin = conflistOf(multusConfig('ipoib', { spec: { coordinator } })).plugins[1];
    expect(plugin).toEqual({ type: 'coordinator', mode: 'disable', tunePodRoutes: true, podDefaultRouteNic: 'net1', podMACPrefix: '0a:1b', hijackCIDR: ['198.51.100.0/24'], policyRoutes: [{ dst: '203.0.113.0/24', gw: '192.0.2.1' }], txQueueLen: 1000, vethLinkAddress: '169.254.100.1', vethMTU: 1400 });
    // Without a block everything comes from the SpiderCoordinator at pod start.
    expect(conflistOf(multusConfig('ipoib')).plugins[1]).toEqual({ type: 'coordinator' });
  });
});
