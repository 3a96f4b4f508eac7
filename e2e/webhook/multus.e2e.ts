// SPDX-License-Identifier: Apache-2.0
// SpiderMultusConfig end to end: the real kube-apiserver sends SpiderMultusConfigs to the real
// webhook-service process (defaults written back, invalid ones refused with their rule id);
// the process's SpiderMultusConfig controller (leader of its own Lease) keeps a
// NetworkAttachmentDefinition per config; kube-controller-manager's garbage collector removes
// it with its owner; annotated pods get networks and device resources injected.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Annotations, API_VERSION, type NetworkAttachmentDefinition, type SpiderMultusConfig, type SpiderMultusConfigSpec } from '@spiderpool/crds';
import { isSpiderpoolError } from '@spiderpool/errors';
import { KubeClient, Resources, type KubeObject, type ResourceRef } from '@spiderpool/k8s';
import type { V1Pod } from '@kubernetes/client-node';
import { adminKubeConfig, sleep, uniqueName } from '../testbed/index.ts';
import { startWebhookHarness, type WebhookHarness } from './webhook-harness.ts';

const MUTATING: ResourceRef = { base: '/apis/admissionregistration.k8s.io/v1', plural: 'mutatingwebhookconfigurations', namespaced: false };
const NAMESPACES = Resources.namespaces;
const SMCS = Resources.multusConfigs;
const NADS = Resources.networkAttachmentDefinitions;
const MANAGED_LABEL = 'spiderpool.spidernet.io/multus-config';
const RDMA_INJECT = Annotations.RDMA_RESOURCE_INJECT;

let wh: WebhookHarness;
let kube: KubeClient;
let ns: string;
/** Pods in here are never sent to the pod webhook (its namespaceSelector excludes it). */
let excludedNs: string;
let podWebhook: string;

type Conflist = { cniVersion: string; name: string; plugins: Array<Record<string, unknown>> };

beforeAll(async () => {
  kube = await KubeClient.create(adminKubeConfig());
  ns = uniqueName('smc');
  excludedNs = uniqueName('smc-excluded');
  for (const name of [ns, excludedNs]) await kube.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  // Its own Lease: this process leads at once, whatever other webhook processes are running.
  wh = await startWebhookHarness({ env: { SPIDERPOOL_MULTUS_LEASE_NAMESPACE: ns, SPIDERPOOL_MULTUS_LEASE_NAME: 'multus-e2e', SPIDERPOOL_MULTUS_RESYNC_MS: '600000' } });
  podWebhook = await registerPodWebhook();
});

afterAll(async () => {
  if (podWebhook) await kube.delete(MUTATING, podWebhook).catch(() => undefined);
  await wh?.stop();
  for (const name of [ns, excludedNs]) if (name) await kube.delete(NAMESPACES, name).catch(() => undefined);
});

/**
 * The pod webhook as pod-injection-webhook.ts describes it (namespaceSelector without
 * kube-system and the service's namespace, CEL matchConditions on the two annotations, fail
 * open), plus this harness's objectSelector so that no other test's pod reaches it.
 */
async function registerPodWebhook(): Promise<string> {
  const name = `${wh.instance}-pods.spiderpool.spidernet.io`;
  const has = (key: string): string => `has(object.metadata.annotations) && '${key}' in object.metadata.annotations`;
  await kube.create(MUTATING, {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name, labels: wh.labels },
    webhooks: [{
      name: 'pod-resource-inject.spiderpool.spidernet.io',
      admissionReviewVersions: ['v1'],
      sideEffects: 'None',
      failurePolicy: 'Ignore',
      timeoutSeconds: 5,
      reinvocationPolicy: 'Never',
      matchPolicy: 'Equivalent',
      clientConfig: { url: `${wh.url}/mutate`, caBundle: Buffer.from(wh.caPem).toString('base64') },
      rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], scope: 'Namespaced' }],
      namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', excludedNs] }] },
      objectSelector: { matchLabels: wh.labels },
      matchConditions: [{ name: 'has-resource-inject-annotation', expression: `(${has(RDMA_INJECT)}) || (${has(Annotations.NETWORK_RESOURCE_INJECT)})` }],
    }],
  } as KubeObject);
  return name;
}

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms\n${wh.process.logTail()}`);
    await sleep(100);
  }
}

function smcObject(name: string, spec: SpiderMultusConfigSpec, annotations?: Record<string, string>): SpiderMultusConfig {
  return {
    apiVersion: API_VERSION,
    kind: 'SpiderMultusConfig',
    metadata: { name, namespace: ns, labels: wh.labels, ...(annotations ? { annotations } : {}) },
    spec,
  };
}

const createSmc = (smc: SpiderMultusConfig): Promise<SpiderMultusConfig> => kube.create<SpiderMultusConfig>(SMCS, smc);

/** The rule ids of the denial, e.g. ['master-required']; fails the test when the create is accepted. */
async function refusal(smc: SpiderMultusConfig): Promise<string[]> {
  try {
    await createSmc(smc);
  } catch (err) {
    if (!isSpiderpoolError(err)) throw err;
    expect(err.message).toContain('denied the request');
    return [...err.message.matchAll(/\[([a-z0-9-]+)\]/g)].map((m) => m[1] as string);
  }
  throw new Error(`SpiderMultusConfig ${smc.metadata?.name} was accepted`);
}

const findNad = (name: string): Promise<NetworkAttachmentDefinition | undefined> => kube.find<NetworkAttachmentDefinition>(NADS, name, ns);

/** What a CNI runtime needs of a conflist (CNI SPEC "Network configuration lists"). */
function checkConflist(text: string | undefined): Conflist {
  const conf = JSON.parse(text ?? '') as Conflist;
  expect(['0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0']).toContain(conf.cniVersion);
  expect(conf.name).toMatch(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/);
  expect(conf.plugins.length).toBeGreaterThan(0);
  for (const plugin of conf.plugins) expect(plugin['type']).toMatch(/^[^/]+$/);
  const types = conf.plugins.map((p) => p['type']);
  expect(new Set(types).size).toBe(types.length);
  return conf;
}

async function nadOf(smcName: string, nadName = smcName): Promise<{ nad: NetworkAttachmentDefinition; conflist: Conflist }> {
  const nad = await eventually(`NetworkAttachmentDefinition ${ns}/${nadName}`, () => findNad(nadName));
  return { nad, conflist: checkConflist(nad.spec?.config) };
}

const VALID: Array<[string, SpiderMultusConfigSpec, string[], Partial<SpiderMultusConfigSpec>]> = [
  ['macvlan', { cniType: 'macvlan', macvlan: { master: ['eth1'], vlanID: 100, ippools: { ipv4: ['v4-pool'] } } }, ['ifacer', 'macvlan', 'coordinator'], { enableCoordinator: true, disableIPAM: false, macvlan: { master: ['eth1'], vlanID: 100, mtu: 0, ippools: { ipv4: ['v4-pool'], ipv6: [] } } }],
  ['ipvlan', { cniType: 'ipvlan', ipvlan: { master: ['eth1', 'eth2'], bond: { name: 'bond0', mode: 1 } } }, ['ifacer', 'ipvlan', 'coordinator'], { ipvlan: { master: ['eth1', 'eth2'], bond: { name: 'bond0', mode: 1, options: '' }, vlanID: 0, mtu: 0, ippools: { ipv4: [], ipv6: [] } } }],
  ['vlan', { cniType: 'vlan', vlan: { master: ['eth1'], vlanID: 300 } }, ['vlan', 'coordinator'], { vlan: { master: ['eth1'], vlanID: 300, vlanMode: 'manual', mtu: 0, ippools: { ipv4: [], ipv6: [] } } }],
  ['sriov', { cniType: 'sriov', sriov: { resourceName: 'example.com/sriov_netdevice', rdmaIsolation: true, mtu: 9000 } }, ['sriov', 'rdma', 'coordinator', 'tuning'], { sriov: { resourceName: 'example.com/sriov_netdevice', rdmaIsolation: true, mtu: 9000, vlanID: 0, minTxRateMbps: 0, maxTxRateMbps: 0, ippools: { ipv4: [], ipv6: [] } } }],
  ['ib-sriov', { cniType: 'ib-sriov', ibsriov: { resourceName: 'example.com/ib_vf' } }, ['ib-sriov', 'coordinator'], { ibsriov: { resourceName: 'example.com/ib_vf', linkState: 'enable', rdmaIsolation: true, enableIbKubernetes: false, ippools: { ipv4: [], ipv6: [] } } }],
  ['ipoib', { cniType: 'ipoib', ipoib: { master: 'ib0' } }, ['ipoib', 'coordinator'], { ipoib: { master: 'ib0', ippools: { ipv4: [], ipv6: [] } } }],
  ['ovs', { cniType: 'ovs', ovs: { bridge: 'br1', trunk: [{ minID: 20, maxID: 29 }] } }, ['ovs', 'coordinator'], { ovs: { bridge: 'br1', trunk: [{ minID: 20, maxID: 29 }], ippools: { ipv4: [], ipv6: [] } } }],
  ['custom', { customCNI: '{"cniVersion":"1.0.0","type":"bridge","bridge":"br-x"}' }, ['bridge'], { cniType: 'custom', enableCoordinator: false }],
];

describe('SpiderMultusConfig admission and NetworkAttachmentDefinitions', () => {
  it.each(VALID)('accepts a valid %s config, stores the defaults and generates a valid conflist', async (type, spec, plugins, defaults) => {
    const name = `valid-${type}`;
    const stored = await createSmc(smcObject(name, spec));
    expect(stored.spec).toMatchObject(defaults);
    const { nad, conflist } = await nadOf(name);
    expect(conflist.plugins.map((p) => p['type'])).toEqual(plugins);
    expect(conflist.name).toBe(name);
    expect(nad.metadata?.labels?.[MANAGED_LABEL]).toBe(name);
    expect(nad.metadata?.ownerReferences).toEqual([expect.objectContaining({ kind: 'SpiderMultusConfig', name, uid: stored.metadata?.uid, controller: true, blockOwnerDeletion: true })]);
  });

  it('puts the IPAM pools, the VLAN master and the SR-IOV resource where the plugins read them', async () => {
    const macvlan = (await nadOf('valid-macvlan')).conflist.plugins[1];
    expect(macvlan).toEqual({ type: 'macvlan', master: 'eth1.100', mode: 'bridge', ipam: { type: 'spiderpool', default_ipv4_ippool: ['v4-pool'] } });
    const sriov = await nadOf('valid-sriov');
    expect(sriov.nad.metadata?.annotations?.[Annotations.MULTUS_RESOURCE_NAME]).toBe('example.com/sriov_netdevice');
    expect(sriov.conflist.plugins[3]).toEqual({ type: 'tuning', mtu: 9000 });
    expect((await nadOf('valid-custom')).conflist).toEqual({ cniVersion: '1.0.0', name: 'valid-custom', plugins: [{ type: 'bridge', bridge: 'br-x' }] });
  });

  it('names the NAD, the conflist and its version after the annotations', async () => {
    const annotations = { [Annotations.MULTUS_CR_NAME]: 'renamed-nad', [Annotations.CNI_CONFIG_NAME]: 'conf_name', [Annotations.MULTUS_CNI_VERSION]: '1.0.0' };
    await createSmc(smcObject('annotated', { cniType: 'ipoib', ipoib: { master: 'ib1' } }, annotations));
    const { conflist } = await nadOf('annotated', 'renamed-nad');
    expect(conflist).toMatchObject({ name: 'conf_name', cniVersion: '1.0.0' });
    expect(await findNad('annotated')).toBeUndefined();
  });

  const macvlan = (block: Record<string, unknown>): SpiderMultusConfigSpec => ({ cniType: 'macvlan', macvlan: { master: ['eth1'], ...block } });
  const INVALID: Array<[string, SpiderMultusConfigSpec, string, Record<string, string>?]> = [
    ['cni-config-missing', { cniType: 'macvlan' }, 'cni-config-missing'],
    ['cni-config-mismatch', { cniType: 'ipvlan', ipvlan: { master: ['eth1'] }, sriov: { resourceName: 'example.com/vf' } }, 'cni-config-mismatch'],
    ['master-required', macvlan({ master: [] }), 'master-required'],
    ['master-name-invalid', macvlan({ master: ['eth/1'] }), 'master-name-invalid'],
    ['vlan-ifname-too-long', macvlan({ master: ['enp175s0f1np1'], vlanID: 100 }), 'vlan-ifname-too-long'],
    ['match-master-subnet', macvlan({ ippools: { ipv4: ['p'], matchMasterSubnet: true } }), 'match-master-subnet-sriov-only'],
    ['bond-required', { cniType: 'ipvlan', ipvlan: { master: ['eth1', 'eth2'] } }, 'bond-required'],
    ['bond-single-master', { cniType: 'ipvlan', ipvlan: { master: ['eth1'], bond: { name: 'bond0', mode: 1 } } }, 'bond-needs-two-masters'],
    ['bond-options', { cniType: 'ipvlan', ipvlan: { master: ['eth1', 'eth2'], bond: { name: 'bond0', mode: 1, options: 'primary=eth9' } } }, 'bond-options-invalid'],
    ['vlan-manual', { cniType: 'vlan', vlan: { master: ['eth1'] } }, 'vlan-id-required'],
    ['vlan-auto', { cniType: 'vlan', vlan: { master: ['eth1'], vlanMode: 'auto', vlanID: 5 } }, 'vlan-id-forbidden'],
    ['sriov-resource', { cniType: 'sriov', sriov: { resourceName: '' } }, 'resource-name-required'],
    ['sriov-rates', { cniType: 'sriov', sriov: { resourceName: 'example.com/vf', minTxRateMbps: 200, maxTxRateMbps: 100 } }, 'tx-rate-order'],
    ['ib-pkey', { cniType: 'ib-sriov', ibsriov: { resourceName: 'example.com/ib', pkey: '32767' } }, 'pkey-invalid'],
    ['ipoib-master', { cniType: 'ipoib', ipoib: { master: '' } }, 'master-required'],
    ['ovs-bridge', { cniType: 'ovs', ovs: { bridge: '' } }, 'bridge-required'],
    ['ovs-trunk', { cniType: 'ovs', ovs: { bridge: 'br1', trunk: [{ minID: 30, maxID: 20 }] } }, 'trunk-range-order'],
    ['ovs-device', { cniType: 'ovs', ovs: { bridge: 'br1', deviceID: 'vf0' } }, 'device-id-invalid'],
    ['custom-missing', { cniType: 'custom' }, 'custom-cni-required'],
    ['custom-json', { cniType: 'custom', customCNI: '{"type": ' }, 'custom-cni-invalid'],
    ['chain-json', { ...macvlan({}), chainCNIJsonData: ['{"sysctl":{}}'] }, 'chain-cni-invalid'],
    ['coordinator-hijack', { ...macvlan({}), coordinator: { hijackCIDR: ['198.51.100.0/33'] } }, 'hijack-cidr-format'],
    ['coordinator-routes', { ...macvlan({}), coordinator: { policyRoutes: [{ dst: '2001:db8::/64', gw: '192.0.2.1' }] } }, 'policy-route-family'],
    ['coordinator-mac', { ...macvlan({}), coordinator: { podMACPrefix: '01:00' } }, 'pod-mac-prefix-unicast'],
    ['coordinator-rp-filter', { ...macvlan({}), coordinator: { podRPFilter: 3 } }, 'pod-rp-filter-value'],
    ['nad-name', macvlan({}), 'nad-name-invalid', { [Annotations.MULTUS_CR_NAME]: 'Not_A_Name' }],
    ['cni-version', macvlan({}), 'cni-version-unsupported', { [Annotations.MULTUS_CNI_VERSION]: '0.2.0' }],
    ['inject-ovs', { cniType: 'ovs', ovs: { bridge: 'br1', ippools: { ipv4: ['p'] } } }, 'inject-cni-type-unsupported', { [RDMA_INJECT]: 'g1' }],
    ['inject-resource', macvlan({ ippools: { ipv4: ['p'] } }), 'inject-needs-resource', { [RDMA_INJECT]: 'g1' }],
  ];

  it('has at least 15 invalid cases across the cni types', () => {
    expect(INVALID.length).toBeGreaterThanOrEqual(15);
  });

  // Every row gets its four values: jest takes a test function with more parameters than the row for a done-callback test.
  it.each(INVALID.map(([name, spec, id, annotations]) => [name, spec, id, annotations ?? {}] as const))('refuses %s with its rule id, storing nothing', async (name, spec, id, annotations) => {
    expect(await refusal(smcObject(`bad-${name}`, spec, annotations))).toContain(id);
    expect(await kube.find(SMCS, `bad-${name}`, ns)).toBeUndefined();
  });

  it('refuses a second config that would generate the same NAD, and a change of the NAD name', async () => {
    expect(await refusal(smcObject('steals-macvlan', { cniType: 'ipoib', ipoib: { master: 'ib2' } }, { [Annotations.MULTUS_CR_NAME]: 'valid-macvlan' }))).toEqual(['nad-name-taken']);
    const current = await kube.get<SpiderMultusConfig>(SMCS, 'annotated', ns);
    current.metadata!.annotations = { ...current.metadata?.annotations, [Annotations.MULTUS_CR_NAME]: 'another-name' };
    await expect(kube.update(SMCS, current)).rejects.toThrow(/\[nad-name-immutable\]/);
  });
});

describe('the NetworkAttachmentDefinition follows its SpiderMultusConfig', () => {
  const name = 'lifecycle';
  let uid: string | undefined;

  beforeAll(async () => {
    uid = (await createSmc(smcObject(name, { cniType: 'macvlan', macvlan: { master: ['eth1'], vlanID: 10 } }))).metadata?.uid;
    await nadOf(name);
  });

  it('comes back when deleted', async () => {
    const before = await nadOf(name);
    await kube.delete(NADS, name, ns);
    const after = await eventually('re-created NAD', async () => {
      const nad = await findNad(name);
      return nad && nad.metadata?.uid !== before.nad.metadata?.uid ? nad : undefined;
    });
    expect(after.spec?.config).toBe(before.nad.spec?.config);
  });

  it('is put back when edited by hand (config, label, owner reference)', async () => {
    const { nad, conflist } = await nadOf(name);
    await kube.update(NADS, { ...nad, metadata: { ...nad.metadata, ownerReferences: [] }, spec: { config: '{"cniVersion":"0.3.1","name":"x","plugins":[{"type":"bridge"}]}' } });
    const restored = await eventually('restored NAD', async () => {
      const current = await findNad(name);
      return current?.spec?.config === nad.spec?.config ? current : undefined;
    });
    expect(checkConflist(restored.spec?.config)).toEqual(conflist);
    expect(restored.metadata?.ownerReferences).toEqual([expect.objectContaining({ uid, controller: true })]);
    expect(restored.metadata?.uid).toBe(nad.metadata?.uid);
  });

  it('is updated when the SpiderMultusConfig changes', async () => {
    const smc = await kube.get<SpiderMultusConfig>(SMCS, name, ns);
    smc.spec!.macvlan!.vlanID = 20;
    smc.spec!.chainCNIJsonData = ['{"type":"bandwidth","ingressRate":1000}'];
    await kube.update(SMCS, smc);
    const conflist = await eventually('updated NAD', async () => {
      const nad = await findNad(name);
      const conf = nad && checkConflist(nad.spec?.config);
      return conf?.plugins[1]?.['master'] === 'eth1.20' ? conf : undefined;
    });
    expect(conflist.plugins.map((p) => p['type'])).toEqual(['ifacer', 'macvlan', 'bandwidth', 'coordinator']);
    expect(conflist.plugins[0]).toEqual({ type: 'ifacer', interfaces: ['eth1'], vlanID: 20 });
  });

  it('goes with the SpiderMultusConfig', async () => {
    await kube.delete(SMCS, name, ns);
    await eventually('NAD deleted with its SpiderMultusConfig', async () => ((await findNad(name)) ? undefined : true));
  });

  it("is removed by kube-controller-manager's garbage collector before its owner on foreground deletion", async () => {
    // The controller leaves a terminating SpiderMultusConfig alone, so only the garbage
    // collector can delete the NAD; the owner is only finalized once its blocking dependents are gone.
    const gcName = 'gc-owner';
    await createSmc(smcObject(gcName, { cniType: 'ipoib', ipoib: { master: 'ib3' } }));
    await nadOf(gcName);
    await kube.request('DELETE', kube.path(SMCS, ns, gcName), { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: 'Foreground' });
    const terminating = await kube.find<SpiderMultusConfig>(SMCS, gcName, ns);
    if (terminating) expect(terminating.metadata?.finalizers).toContain('foregroundDeletion');
    await eventually('NAD removed by the garbage collector', async () => ((await findNad(gcName)) ? undefined : true), 60_000);
    await eventually('owner finalized', async () => ((await kube.find(SMCS, gcName, ns)) ? undefined : true), 60_000);
  });
});

describe('pod resource injection', () => {
  const group = uniqueName('gpu');

  beforeAll(async () => {
    const spec: SpiderMultusConfigSpec = { cniType: 'sriov', sriov: { resourceName: 'example.com/sriov_vf', ippools: { ipv4: ['v4-pool'] } } };
    await createSmc(smcObject('inject-sriov', spec, { [RDMA_INJECT]: group, [Annotations.MULTUS_CR_NAME]: 'inject-vf' }));
    await createSmc(smcObject('inject-macvlan', { cniType: 'macvlan', macvlan: { master: ['eth1'], rdmaResourceName: 'example.com/hca_shared', ippools: { ipv4: ['v4-pool'] } } }, { [RDMA_INJECT]: group }));
    // Pods need the namespace's default ServiceAccount, made by kube-controller-manager.
    for (const namespace of [ns, excludedNs]) {
      await eventually(`ServiceAccount ${namespace}/default`, () => kube.find({ base: '/api/v1', plural: 'serviceaccounts', namespaced: true }, 'default', namespace));
    }
  });

  function pod(namespace: string, annotations: Record<string, string>): V1Pod & KubeObject {
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: uniqueName('pod'), namespace, labels: wh.labels, annotations },
      spec: { containers: [{ name: 'app', image: 'registry.example/app:1' }, { name: 'side', image: 'registry.example/side:1' }] },
    };
  }

  /** The pod as the API server would store it (dry run: nothing is stored, no kubelet involved). */
  const dryRun = (p: V1Pod & KubeObject): Promise<V1Pod> => kube.request<V1Pod>('POST', `${kube.path(Resources.pods, p.metadata?.namespace)}?dryRun=All`, p);

  it('adds the group\'s networks and device resources to an annotated pod', async () => {
    const injected = await eventually('pod webhook in effect', async () => {
      const out = await dryRun(pod(ns, { [RDMA_INJECT]: group }));
      return out.metadata?.annotations?.[Annotations.MULTUS_NETWORKS] ? out : undefined;
    });
    expect(injected.metadata?.annotations?.[Annotations.MULTUS_NETWORKS]).toBe(`${ns}/inject-macvlan,${ns}/inject-vf`);
    expect(injected.spec?.containers[0]?.resources).toEqual({
      limits: { 'example.com/hca_shared': '1', 'example.com/sriov_vf': '1' },
      requests: { 'example.com/hca_shared': '1', 'example.com/sriov_vf': '1' },
    });
    expect(injected.spec?.containers[1]?.resources ?? {}).toEqual({});
    const stored = await kube.create<V1Pod & KubeObject>(Resources.pods, pod(ns, { [RDMA_INJECT]: group, [Annotations.MULTUS_NETWORKS]: 'kube-system/other' }));
    expect(stored.metadata?.annotations?.[Annotations.MULTUS_NETWORKS]).toBe(`kube-system/other,${ns}/inject-macvlan,${ns}/inject-vf`);
    await kube.delete(Resources.pods, stored.metadata?.name ?? '', ns);
  });

  it('never sees pods without the annotations, nor pods of an excluded namespace', async () => {
    await dryRun(pod(ns, { [RDMA_INJECT]: group }));
    const before = await wh.admissions({ kind: 'Pod' });
    const plain = await dryRun(pod(ns, { unrelated: 'x' }));
    const excluded = await dryRun(pod(excludedNs, { [RDMA_INJECT]: group }));
    expect(plain.metadata?.annotations?.[Annotations.MULTUS_NETWORKS]).toBeUndefined();
    expect(excluded.metadata?.annotations?.[Annotations.MULTUS_NETWORKS]).toBeUndefined();
    expect(await wh.admissions({ kind: 'Pod' })).toBe(before);
  });

  it('lets the pod through unchanged when the group selects nothing or its networks annotation is malformed', async () => {
    const none = await dryRun(pod(ns, { [RDMA_INJECT]: 'no-such-group' }));
    expect(none.metadata?.annotations?.[Annotations.MULTUS_NETWORKS]).toBeUndefined();
    const before = await wh.admissions({ kind: 'Pod' });
    const malformed = await dryRun(pod(ns, { [RDMA_INJECT]: group, [Annotations.MULTUS_NETWORKS]: '[{"name": ' }));
    expect(malformed.metadata?.annotations?.[Annotations.MULTUS_NETWORKS]).toBe('[{"name": ');
    expect(malformed.spec?.containers[0]?.resources ?? {}).toEqual({});
    expect(await wh.admissions({ kind: 'Pod' })).toBe(before + 1);
  });
});
