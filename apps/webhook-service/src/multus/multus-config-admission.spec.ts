// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { CNI_TYPES, type SpiderMultusConfig, type SpiderMultusConfigSpec } from '@spiderpool/crds';
import { violationMessage, type AdmissionContext, type Violation } from '../admission/admission-types.ts';
import { admissionRequest, FakeAdmissionContext } from '../admission/testing/fake-context.ts';
import type { CniType } from './multus-config-blocks.ts';
import { multusConfigAdmission } from './multus-config-admission.ts';
import { MULTUS_CONFIG_LABEL } from './multus-keys.ts';
import { multusConfig } from './testing/multus-samples.ts';

async function admit(smc: SpiderMultusConfig, old?: SpiderMultusConfig, ctx: AdmissionContext = new FakeAdmissionContext()): Promise<{ stored: SpiderMultusConfig; violations: Violation[] }> {
  const op = old ? 'UPDATE' : 'CREATE';
  const stored = await multusConfigAdmission.mutate!(admissionRequest(op, structuredClone(smc), old), ctx);
  const violations = await multusConfigAdmission.validate(admissionRequest(op, stored, old), ctx);
  return { stored, violations };
}

const ids = (violations: Violation[]): string[] => violations.map((v) => v.id);

/** Replaces the cniType's own block with `block` merged over the sample's. */
function withBlock(type: CniType, block: Record<string, unknown>): SpiderMultusConfig {
  const key = ({ 'ib-sriov': 'ibsriov' } as Record<string, string>)[type] ?? type;
  const smc = multusConfig(type);
  const spec = smc.spec as Record<string, unknown>;
  spec[key] = { ...(spec[key] as object), ...block };
  return smc;
}

describe('multusConfigAdmission defaults', () => {
  it('defaults cniType to custom and turns the coordinator off for it', async () => {
    const smc = multusConfig('custom', { spec: { cniType: undefined, enableCoordinator: true } });
    const { stored } = await admit(smc);
    expect(stored.spec).toMatchObject({ cniType: 'custom', enableCoordinator: false, disableIPAM: false });
  });

  it('defaults enableCoordinator to true, and vlanID, mtu, bond options and empty pool lists for macvlan', async () => {
    const smc = multusConfig('macvlan', { spec: { macvlan: { master: ['eth1', 'eth2'], bond: { name: 'bond0', mode: 0 } } } });
    const { stored, violations } = await admit(smc);
    expect(violations).toEqual([]);
    expect(stored.spec?.enableCoordinator).toBe(true);
    expect(stored.spec?.macvlan).toEqual({ master: ['eth1', 'eth2'], bond: { name: 'bond0', mode: 0, options: '' }, vlanID: 0, mtu: 0, ippools: { ipv4: [], ipv6: [] } });
  });

  it('keeps enableCoordinator false when the user turned it off', async () => {
    const { stored } = await admit(multusConfig('ipvlan', { spec: { enableCoordinator: false } }));
    expect(stored.spec?.enableCoordinator).toBe(false);
  });

  it('defaults the SR-IOV, IB-SR-IOV, IPoIB and OVS blocks like upstream', async () => {
    const sriov = (await admit(multusConfig('sriov', { spec: { sriov: { resourceName: 'example.com/vf' } } }))).stored.spec?.sriov;
    expect(sriov).toEqual({ resourceName: 'example.com/vf', vlanID: 0, mtu: 0, minTxRateMbps: 0, maxTxRateMbps: 0, rdmaIsolation: false, ippools: { ipv4: [], ipv6: [] } });
    const ib = (await admit(multusConfig('ib-sriov', { spec: { ibsriov: { resourceName: 'example.com/ib' } } }))).stored.spec?.ibsriov;
    expect(ib).toEqual({ resourceName: 'example.com/ib', linkState: 'enable', rdmaIsolation: true, enableIbKubernetes: false, ippools: { ipv4: [], ipv6: [] } });
    expect((await admit(multusConfig('ipoib', { spec: { ipoib: { master: 'ib0' } } }))).stored.spec?.ipoib).toEqual({ master: 'ib0', ippools: { ipv4: [], ipv6: [] } });
    expect((await admit(multusConfig('ovs', { spec: { ovs: { bridge: 'br1' } } }))).stored.spec?.ovs).toEqual({ bridge: 'br1', ippools: { ipv4: [], ipv6: [] } });
  });

  it('defaults vlanMode to manual without inventing a vlanID', async () => {
    const { stored, violations } = await admit(multusConfig('vlan', { spec: { vlan: { master: ['eth1'] } } }));
    expect(stored.spec?.vlan).toMatchObject({ vlanMode: 'manual', mtu: 0 });
    expect(stored.spec?.vlan?.vlanID).toBeUndefined();
    expect(ids(violations)).toEqual(['vlan-id-required']);
  });

  it('adds no coordinator block, but defaults and normalises one that is present', async () => {
    expect((await admit(multusConfig('macvlan'))).stored.spec?.coordinator).toBeUndefined();
    const smc = multusConfig('macvlan', { spec: { coordinator: { hijackCIDR: ['198.51.100.53', '2001:db8::/64'], policyRoutes: [{ dst: '203.0.113.7', gw: '192.0.2.1' }] } } });
    const { stored, violations } = await admit(smc);
    expect(violations).toEqual([]);
    expect(stored.spec?.coordinator).toEqual({ mode: 'auto', tunePodRoutes: true, hijackCIDR: ['198.51.100.53/32', '2001:db8::/64'], policyRoutes: [{ dst: '203.0.113.7/32', gw: '192.0.2.1' }] });
  });

  it('copies the inject annotations to labels, and drops a copied label when its annotation goes', async () => {
    const annotations = { 'cni.spidernet.io/rdma-resource-inject': 'gpu-net' };
    const smc = multusConfig('macvlan', { annotations, spec: { macvlan: { master: ['eth1'], rdmaResourceName: 'example.com/hca', ippools: { ipv4: ['v4-pool'] } } } });
    const { stored, violations } = await admit(smc);
    expect(violations).toEqual([]);
    expect(stored.metadata?.labels).toEqual({ 'cni.spidernet.io/rdma-resource-inject': 'gpu-net' });
    const edited = structuredClone(stored);
    edited.metadata = { ...edited.metadata, annotations: {} };
    expect((await admit(edited, stored)).stored.metadata?.labels).toEqual({});
  });

  it('is a pure function of the request: the request object is not changed', async () => {
    const request = admissionRequest('CREATE', multusConfig('sriov'));
    await multusConfigAdmission.mutate!(request, new FakeAdmissionContext());
    expect(request.object).toEqual(multusConfig('sriov'));
  });
});

describe('multusConfigAdmission validation: valid configurations', () => {
  it.each(CNI_TYPES)('accepts the %s sample', async (type) => {
    expect((await admit(multusConfig(type))).violations).toEqual([]);
  });

  it('accepts vlanMode auto without vlanID, the disabled coordinator mode, and every supported cniVersion', async () => {
    expect((await admit(multusConfig('vlan', { spec: { vlan: { master: ['eth1'], vlanMode: 'auto' } } }))).violations).toEqual([]);
    expect((await admit(multusConfig('macvlan', { spec: { coordinator: { mode: 'disabled' } } }))).violations).toEqual([]);
    for (const v of ['0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0']) {
      expect((await admit(multusConfig('ipoib', { annotations: { 'multus.spidernet.io/cni-version': v } }))).violations).toEqual([]);
    }
  });

  it('allows DELETE of anything', async () => {
    const broken = multusConfig('macvlan', { spec: { macvlan: { master: [] } } });
    expect(await multusConfigAdmission.validate(admissionRequest('DELETE', undefined, broken), new FakeAdmissionContext())).toEqual([]);
  });
});

type Case = [description: string, smc: () => SpiderMultusConfig, id: string, field: string];

const spec = (type: CniType, s: Partial<SpiderMultusConfigSpec>): SpiderMultusConfig => multusConfig(type, { spec: s });

const INVALID: Case[] = [
  ['missing block for the cniType', () => spec('macvlan', { macvlan: undefined }), 'cni-config-missing', 'spec.macvlan'],
  ['block of another cniType', () => spec('ipvlan', { sriov: { resourceName: 'example.com/vf' } }), 'cni-config-mismatch', 'spec.sriov'],
  ['customCNI with a non-custom cniType', () => spec('sriov', { customCNI: '{}' }), 'cni-config-mismatch', 'spec.customCNI'],
  ['macvlan without master', () => withBlock('macvlan', { master: [] }), 'master-required', 'spec.macvlan.master'],
  ['macvlan master with a slash', () => withBlock('macvlan', { master: ['eth/1'] }), 'master-name-invalid', 'spec.macvlan.master[0]'],
  ['macvlan master longer than 15 bytes', () => withBlock('macvlan', { master: ['a-very-long-interface'] }), 'master-name-invalid', 'spec.macvlan.master[0]'],
  ['macvlan master listed twice', () => withBlock('macvlan', { master: ['eth1', 'eth1'], bond: { name: 'bond0', mode: 0 } }), 'master-duplicate', 'spec.macvlan.master[1]'],
  ['macvlan vlanID 4095', () => withBlock('macvlan', { vlanID: 4095 }), 'vlan-id-range', 'spec.macvlan.vlanID'],
  ['macvlan vlanID -1', () => withBlock('macvlan', { vlanID: -1 }), 'vlan-id-range', 'spec.macvlan.vlanID'],
  ['macvlan negative mtu', () => withBlock('macvlan', { mtu: -1 }), 'mtu-range', 'spec.macvlan.mtu'],
  ['macvlan VLAN interface name too long', () => withBlock('macvlan', { master: ['enp175s0f1np1'], vlanID: 100 }), 'vlan-ifname-too-long', 'spec.macvlan.vlanID'],
  ['macvlan matchMasterSubnet', () => withBlock('macvlan', { ippools: { ipv4: ['p'], matchMasterSubnet: true } }), 'match-master-subnet-sriov-only', 'spec.macvlan.ippools.matchMasterSubnet'],
  ['macvlan empty pool name', () => withBlock('macvlan', { ippools: { ipv4: [''] } }), 'ippool-name-invalid', 'spec.macvlan.ippools.ipv4[0]'],
  ['macvlan pool listed twice', () => withBlock('macvlan', { ippools: { ipv6: ['p6', 'p6'] } }), 'ippool-duplicate', 'spec.macvlan.ippools.ipv6[1]'],
  ['ipvlan two masters without bond', () => withBlock('ipvlan', { bond: undefined }), 'bond-required', 'spec.ipvlan.bond'],
  ['ipvlan bond over one master', () => withBlock('ipvlan', { master: ['eth1'] }), 'bond-needs-two-masters', 'spec.ipvlan.bond'],
  ['ipvlan bond mode 7', () => withBlock('ipvlan', { bond: { name: 'bond0', mode: 7 } }), 'bond-mode-invalid', 'spec.ipvlan.bond.mode'],
  ['ipvlan bond without name', () => withBlock('ipvlan', { bond: { name: '', mode: 1 } }), 'bond-name-invalid', 'spec.ipvlan.bond.name'],
  ['ipvlan bond named like a master', () => withBlock('ipvlan', { bond: { name: 'eth1', mode: 1 } }), 'bond-name-invalid', 'spec.ipvlan.bond.name'],
  ['ipvlan bond primary not a master', () => withBlock('ipvlan', { bond: { name: 'bond0', mode: 1, options: 'primary=eth9' } }), 'bond-options-invalid', 'spec.ipvlan.bond.options'],
  ['ipvlan bond option without value', () => withBlock('ipvlan', { bond: { name: 'bond0', mode: 1, options: 'miimon' } }), 'bond-options-invalid', 'spec.ipvlan.bond.options'],
  ['vlan manual without vlanID', () => withBlock('vlan', { vlanID: undefined }), 'vlan-id-required', 'spec.vlan.vlanID'],
  ['vlan auto with vlanID', () => withBlock('vlan', { vlanMode: 'auto' }), 'vlan-id-forbidden', 'spec.vlan.vlanID'],
  ['sriov without resourceName', () => withBlock('sriov', { resourceName: '' }), 'resource-name-required', 'spec.sriov.resourceName'],
  ['sriov resourceName without domain', () => withBlock('sriov', { resourceName: 'sriov_netdevice' }), 'resource-name-invalid', 'spec.sriov.resourceName'],
  ['sriov minTxRate above maxTxRate', () => withBlock('sriov', { minTxRateMbps: 200, maxTxRateMbps: 100 }), 'tx-rate-order', 'spec.sriov.minTxRateMbps'],
  ['sriov negative maxTxRate', () => withBlock('sriov', { maxTxRateMbps: -5 }), 'tx-rate-negative', 'spec.sriov.maxTxRateMbps'],
  ['sriov vlanID 5000', () => withBlock('sriov', { vlanID: 5000 }), 'vlan-id-range', 'spec.sriov.vlanID'],
  ['ib-sriov without resourceName', () => withBlock('ib-sriov', { resourceName: '' }), 'resource-name-required', 'spec.ibsriov.resourceName'],
  ['ib-sriov pkey not hex', () => withBlock('ib-sriov', { pkey: '32767' }), 'pkey-invalid', 'spec.ibsriov.pkey'],
  ['ib-sriov unknown linkState', () => withBlock('ib-sriov', { linkState: 'up' }), 'link-state-invalid', 'spec.ibsriov.linkState'],
  ['ipoib without master', () => withBlock('ipoib', { master: '' }), 'master-required', 'spec.ipoib.master'],
  ['ovs without bridge', () => withBlock('ovs', { bridge: '' }), 'bridge-required', 'spec.ovs.bridge'],
  ['ovs access vlan 4095', () => withBlock('ovs', { vlan: 4095 }), 'vlan-id-range', 'spec.ovs.vlan'],
  ['ovs trunk range reversed', () => withBlock('ovs', { trunk: [{ minID: 30, maxID: 20 }] }), 'trunk-range-order', 'spec.ovs.trunk[0]'],
  ['ovs trunk with id and range', () => withBlock('ovs', { trunk: [{ id: 5, minID: 1, maxID: 9 }] }), 'trunk-entry-invalid', 'spec.ovs.trunk[0]'],
  ['ovs trunk id 4095', () => withBlock('ovs', { trunk: [{ id: 4095 }] }), 'vlan-id-range', 'spec.ovs.trunk[0].id'],
  ['ovs deviceID not a PCI address', () => withBlock('ovs', { deviceID: 'vf0' }), 'device-id-invalid', 'spec.ovs.deviceID'],
  ['custom without customCNI', () => spec('custom', { customCNI: undefined }), 'custom-cni-required', 'spec.customCNI'],
  ['custom with broken JSON', () => spec('custom', { customCNI: '{"type": ' }), 'custom-cni-invalid', 'spec.customCNI'],
  ['custom conf without type', () => spec('custom', { customCNI: '{"cniVersion":"1.0.0","name":"x"}' }), 'custom-cni-invalid', 'spec.customCNI'],
  ['custom conflist with empty plugins', () => spec('custom', { customCNI: '{"cniVersion":"1.0.0","name":"x","plugins":[]}' }), 'custom-cni-invalid', 'spec.customCNI'],
  ['custom conf with unknown cniVersion', () => spec('custom', { customCNI: '{"cniVersion":"9.9.9","type":"bridge"}' }), 'custom-cni-invalid', 'spec.customCNI'],
  ['custom with chained plugins', () => spec('custom', { chainCNIJsonData: ['{"type":"tuning"}'] }), 'chain-with-custom', 'spec.chainCNIJsonData'],
  ['chained plugin that is not JSON', () => spec('macvlan', { chainCNIJsonData: ['{type: tuning}'] }), 'chain-cni-invalid', 'spec.chainCNIJsonData[0]'],
  ['chained plugin without type', () => spec('macvlan', { chainCNIJsonData: ['{"sysctl":{}}'] }), 'chain-cni-invalid', 'spec.chainCNIJsonData[0]'],
  ['coordinator mode unknown', () => spec('macvlan', { coordinator: { mode: 'bridge' as 'auto' } }), 'mode-enum', 'spec.coordinator.mode'],
  ['coordinator podCIDRType unknown', () => spec('macvlan', { coordinator: { podCIDRType: 'flannel' as 'auto' } }), 'pod-cidr-type-enum', 'spec.coordinator.podCIDRType'],
  ['coordinator hijackCIDR not a CIDR', () => spec('macvlan', { coordinator: { hijackCIDR: ['198.51.100.0/33'] } }), 'hijack-cidr-format', 'spec.coordinator.hijackCIDR[0]'],
  ['coordinator policy route of two families', () => spec('macvlan', { coordinator: { policyRoutes: [{ dst: '2001:db8::/64', gw: '192.0.2.1' }] } }), 'policy-route-family', 'spec.coordinator.policyRoutes[0]'],
  ['coordinator multicast MAC prefix', () => spec('macvlan', { coordinator: { podMACPrefix: '01:00' } }), 'pod-mac-prefix-unicast', 'spec.coordinator.podMACPrefix'],
  ['coordinator negative txQueueLen', () => spec('macvlan', { coordinator: { txQueueLen: -1 } }), 'tx-queue-len-non-negative', 'spec.coordinator.txQueueLen'],
  ['coordinator podRPFilter 3', () => spec('macvlan', { coordinator: { podRPFilter: 3 } }), 'pod-rp-filter-value', 'spec.coordinator.podRPFilter'],
  ['coordinator vethLinkAddress not an IP', () => spec('macvlan', { coordinator: { vethLinkAddress: 'veth0' } }), 'veth-link-address-ip', 'spec.coordinator.vethLinkAddress'],
  ['coordinator vethMTU 0', () => spec('macvlan', { coordinator: { vethMTU: 0 } }), 'veth-mtu-range', 'spec.coordinator.vethMTU'],
  ['NAD name annotation not DNS-1123', () => multusConfig('macvlan', { annotations: { 'multus.spidernet.io/cr-name': 'Macvlan_Net' } }), 'nad-name-invalid', 'metadata.annotations[multus.spidernet.io/cr-name]'],
  ['unsupported cniVersion', () => multusConfig('macvlan', { annotations: { 'multus.spidernet.io/cni-version': '0.2.0' } }), 'cni-version-unsupported', 'metadata.annotations[multus.spidernet.io/cni-version]'],
  ['conflist name with a space', () => multusConfig('macvlan', { annotations: { 'cni.spidernet.io/cniconfig-name': 'my net' } }), 'cni-config-name-invalid', 'metadata.annotations[cni.spidernet.io/cniconfig-name]'],
  ['inject group on ovs', () => multusConfig('ovs', { annotations: { 'cni.spidernet.io/network-resource-inject': 'g1' } }), 'inject-cni-type-unsupported', 'metadata.annotations[cni.spidernet.io/network-resource-inject]'],
  ['inject group that is no label value', () => multusConfig('sriov', { annotations: { 'cni.spidernet.io/network-resource-inject': 'a b' } }), 'inject-group-invalid', 'metadata.annotations[cni.spidernet.io/network-resource-inject]'],
  ['inject group without pools', () => multusConfig('sriov', { annotations: { 'cni.spidernet.io/network-resource-inject': 'g1' }, spec: { sriov: { resourceName: 'example.com/vf' } } }), 'inject-needs-ippools', 'metadata.annotations[cni.spidernet.io/network-resource-inject]'],
  ['rdma inject without RDMA resource', () => multusConfig('macvlan', { annotations: { 'cni.spidernet.io/rdma-resource-inject': 'g1' } }), 'inject-needs-resource', 'metadata.annotations[cni.spidernet.io/rdma-resource-inject]'],
];

describe('multusConfigAdmission validation: violations', () => {
  it('has at least 40 distinct invalid cases over every cniType', () => {
    expect(INVALID.length).toBeGreaterThanOrEqual(40);
    expect(new Set(INVALID.map(([, , id]) => id)).size).toBeGreaterThanOrEqual(40);
  });

  it.each(INVALID)('rejects %s', async (_description, make, id, field) => {
    const { violations } = await admit(make());
    expect(violations.map((v) => `${v.id} ${v.field}`)).toContain(`${id} ${field}`);
    const v = violations.find((x) => x.id === id) as Violation;
    // The one message format: field, value, rule, id.
    expect(violationMessage(v)).toMatch(new RegExp(`^${field.replace(/[[\]./]/g, '\\$&')}:.* \\[${id}\\]$`));
  });

  it('rejects an unknown cniType on its own', async () => {
    const { violations } = await admit(spec('macvlan', { cniType: 'bridge' as 'macvlan' }));
    expect(ids(violations)).toEqual(['cni-type-invalid']);
  });

  it('does not require podCIDRType or podRPFilter in the coordinator block (inherited from the SpiderCoordinator)', async () => {
    const { violations } = await admit(spec('macvlan', { coordinator: { mode: 'underlay' } }));
    expect(violations).toEqual([]);
  });
});

describe('multusConfigAdmission validation: the NAD name', () => {
  const crName = 'multus.spidernet.io/cr-name';

  it('refuses to change, add or remove the NAD name annotation on UPDATE', async () => {
    const stored = (await admit(multusConfig('macvlan', { annotations: { [crName]: 'net-a' } }))).stored;
    const renamed = structuredClone(stored);
    renamed.metadata!.annotations = { [crName]: 'net-b' };
    expect(ids((await admit(renamed, stored)).violations)).toEqual(['nad-name-immutable']);
    const removed = structuredClone(stored);
    removed.metadata!.annotations = {};
    expect(ids((await admit(removed, stored)).violations)).toEqual(['nad-name-immutable']);
    const plain = (await admit(multusConfig('macvlan'))).stored;
    const added = structuredClone(plain);
    added.metadata!.annotations = { [crName]: 'net-c' };
    expect(ids((await admit(added, plain)).violations)).toEqual(['nad-name-immutable']);
    expect(ids((await admit(structuredClone(stored), stored)).violations)).toEqual([]);
  });

  const nad = (name: string, owner?: { kind: string; name: string }, label?: string): object => ({
    apiVersion: 'k8s.cni.cncf.io/v1',
    kind: 'NetworkAttachmentDefinition',
    metadata: {
      name,
      namespace: 'team-a',
      ...(owner ? { ownerReferences: [{ apiVersion: owner.kind === 'SpiderMultusConfig' ? 'spiderpool.spidernet.io/v2beta1' : 'v1', kind: owner.kind, name: owner.name, uid: 'u', controller: true }] } : {}),
      ...(label ? { labels: { [MULTUS_CONFIG_LABEL]: label } } : {}),
    },
  });

  it('refuses a NAD name whose NAD belongs to another SpiderMultusConfig, to nobody, or to another controller', async () => {
    const smc = multusConfig('macvlan', { name: 'net-b', annotations: { [crName]: 'shared' } });
    for (const existing of [nad('shared', { kind: 'SpiderMultusConfig', name: 'net-a' }), nad('shared'), nad('shared', { kind: 'ConfigMap', name: 'x' })]) {
      const ctx = new FakeAdmissionContext().put('NetworkAttachmentDefinition', existing);
      const { violations } = await admit(smc, undefined, ctx);
      expect(ids(violations)).toEqual(['nad-name-taken']);
      expect(violations[0]?.field).toBe(`metadata.annotations[${crName}]`);
    }
  });

  it('accepts the NAD it generated itself (by owner reference or, after the reference was removed, by label)', async () => {
    const smc = multusConfig('macvlan', { name: 'net-a' });
    for (const existing of [nad('net-a', { kind: 'SpiderMultusConfig', name: 'net-a' }), nad('net-a', undefined, 'net-a')]) {
      const ctx = new FakeAdmissionContext().put('NetworkAttachmentDefinition', existing);
      expect((await admit(smc, undefined, ctx)).violations).toEqual([]);
    }
  });

  it('refuses a NAD name another SpiderMultusConfig of the namespace already generates', async () => {
    const ctx = new FakeAdmissionContext().put('SpiderMultusConfig', multusConfig('ipvlan', { name: 'net-a' }));
    const { violations } = await admit(multusConfig('macvlan', { name: 'net-b', annotations: { [crName]: 'net-a' } }), undefined, ctx);
    expect(ids(violations)).toEqual(['nad-name-taken']);
    const otherNamespace = new FakeAdmissionContext().put('SpiderMultusConfig', multusConfig('ipvlan', { name: 'net-a', namespace: 'team-b' }));
    expect((await admit(multusConfig('macvlan', { name: 'net-b', annotations: { [crName]: 'net-a' } }), undefined, otherNamespace)).violations).toEqual([]);
  });
});

describe('multusConfigAdmission on a config being deleted', () => {
  it('lets every UPDATE through, so finalizers can be removed', async () => {
    const stored = (await admit(multusConfig('macvlan'))).stored;
    const dying = structuredClone(stored);
    dying.metadata!.deletionTimestamp = new Date();
    dying.spec!.macvlan!.master = [];
    expect(await multusConfigAdmission.validate(admissionRequest('UPDATE', dying, stored), new FakeAdmissionContext())).toEqual([]);
    // The same change on a live object is refused.
    const live = structuredClone(stored);
    live.spec!.macvlan!.master = [];
    expect(ids(await multusConfigAdmission.validate(admissionRequest('UPDATE', live, stored), new FakeAdmissionContext()))).toEqual(['master-required']);
  });
});
