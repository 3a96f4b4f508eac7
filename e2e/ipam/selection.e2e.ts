// SPDX-License-Identifier: Apache-2.0
// Pool selection end to end: which rule names the candidates (and which wins), wildcard
// expansion, every filter with the reason it gives, and the stable affinity sort.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { SpiderIPPoolSpec } from '@spiderpool/crds';
import { Resources, type KubeObject } from '@spiderpool/k8s';
import { API_VERSION } from '@spiderpool/crds';
import { uniqueName } from '../testbed/index.ts';
import {
  addRequest, createNamespace, createNode, createPod, createPool, delRequest, deletePod, kube, poolRecords,
  startIpamServices, stopIpamServices, type IpamClient, type IpamProcess, type PodObject, type PodOptions,
} from './ipam-harness.ts';

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 500));
const IPPOOL = 'ipam.spidernet.io/ippool';
const IPPOOLS = 'ipam.spidernet.io/ippools';
const NS_V4 = 'ipam.spidernet.io/default-ipv4-ippool';
const DEFAULT_NET = 'v1.multus-cni.io/default-network';
const NETWORKS = 'k8s.v1.cni.cncf.io/networks';

let services: IpamProcess[];
let svc: IpamClient;
/** A replica with IPv6 disabled (SPIDERPOOL_ENABLE_IPV6=false). */
let v4only: IpamClient;
let ns: string;
let node: string;

beforeAll(async () => {
  const [both, onlyV4] = await Promise.all([startIpamServices(1), startIpamServices(1, { env: { SPIDERPOOL_ENABLE_IPV6: 'false' } })]);
  services = [...both, ...onlyV4];
  svc = services[0]!.client;
  v4only = services[1]!.client;
  [ns, node] = await Promise.all([createNamespace(), createNode()]);
});
afterAll(async () => stopIpamServices(services));

// Every pool gets its own address so that the answer alone tells which pool it came from.
let lastOctet = 0;
const v4Pool = (extra: Partial<SpiderIPPoolSpec> = {}, name?: string): Promise<string> =>
  createPool({ subnet: '192.0.2.0/24', ips: [`192.0.2.${++lastOctet}`], ...extra }, name);
const v6Pool = (extra: Partial<SpiderIPPoolSpec> = {}): Promise<string> =>
  createPool({ ipVersion: 6, subnet: '2001:db8:5e1::/64', ips: [`2001:db8:5e1::${(++lastOctet).toString(16)}`], ...extra });

const ippool = (ipv4: string[], ipv6: string[] = []): Record<string, string> => ({ [IPPOOL]: JSON.stringify({ ipv4, ipv6 }) });
const podIn = (o: Partial<PodOptions>): Promise<PodObject> => createPod({ namespace: ns, node, ...o });

interface AddOptions {
  client?: IpamClient;
  nic?: string;
  node?: string;
  extra?: Record<string, unknown>;
}

/** The pool the NIC's IPv4 address came from. */
async function poolOf(pod: PodObject, o: AddOptions = {}): Promise<string | undefined> {
  const nic = o.nic ?? 'eth0';
  const res = await (o.client ?? svc).allocate(addRequest(pod, o.node ?? node, nic, o.extra ?? {}));
  return res.ips.find((ip) => ip.nic === nic && ip.address.includes('.'))?.pool;
}

/** Asserts NO_AVAILABLE_POOL whose message matches `message`. */
async function expectNoPool(pod: PodObject, message: RegExp, o: AddOptions = {}): Promise<void> {
  const err = await (o.client ?? svc).allocate(addRequest(pod, o.node ?? node, o.nic ?? 'eth0', o.extra ?? {})).catch((e: unknown) => e);
  expect(err).toMatchObject({ code: 'NO_AVAILABLE_POOL' });
  expect((err as Error).message).toMatch(message);
}

describe('selection rules, highest priority first', () => {
  it('ipam.spidernet.io/ippools beats ipam.spidernet.io/ippool', async () => {
    const [multi, single] = await Promise.all([v4Pool(), v4Pool()]);
    const pod = await podIn({ annotations: { [IPPOOLS]: JSON.stringify([{ interface: 'eth0', ipv4: [multi] }]), ...ippool([single]) } });
    expect(await poolOf(pod)).toBe(multi);
  });

  it('ipam.spidernet.io/ippool beats the namespace annotation, which beats netconf default pools', async () => {
    const [fromPod, fromNs, fromNetconf] = await Promise.all([v4Pool(), v4Pool(), v4Pool()]);
    const annotatedNs = await createNamespace({}, { [NS_V4]: JSON.stringify([fromNs]) });
    const withAnnotation = await createPod({ namespace: annotatedNs, node, annotations: ippool([fromPod]) });
    const plain = await createPod({ namespace: annotatedNs, node });
    const netconf = { defaultIpv4Pools: [fromNetconf] };
    expect(await poolOf(withAnnotation, { extra: netconf })).toBe(fromPod);
    expect(await poolOf(plain, { extra: netconf })).toBe(fromNs);
  });

  it('netconf default pools beat cluster default pools; the cluster default ranks this test’s affinity-rich pool first', async () => {
    // Other suites may own default pools too: ours only admit pods of this namespace carrying
    // this test's label, and the one with podAffinity must rank before the plain one.
    const label = { 'e2e.spidernet.io/default-pool': uniqueName('dp') };
    const plainDefault = await v4Pool({ default: true, namespaceName: [ns] }, uniqueName('dfa'));
    const richDefault = await v4Pool({ default: true, namespaceName: [ns], podAffinity: { matchLabels: label } }, uniqueName('dfb'));
    const fromNetconf = await v4Pool();
    try {
      const viaDefault = await podIn({ labels: label });
      const viaNetconf = await podIn({ labels: label });
      // IPv6 is disabled on this replica, so foreign IPv6 default pools cannot interfere.
      expect(await poolOf(viaDefault, { client: v4only })).toBe(richDefault);
      expect(await poolOf(viaNetconf, { client: v4only, extra: { defaultIpv4Pools: [fromNetconf] } })).toBe(fromNetconf);
      await deletePod(ns, viaDefault.metadata.name);
      await v4only.release(delRequest(viaDefault, node));
      expect((await poolRecords(richDefault)).records.size).toBe(0);
    } finally {
      const k = await kube();
      await Promise.all([plainDefault, richDefault].map((p) => k.delete(Resources.ipPools, p)));
    }
  });
});

describe('wildcards', () => {
  it('expand in name order and are filtered like plain names', async () => {
    const prefix = uniqueName('wc');
    await v4Pool({ disable: true }, `${prefix}-a`);
    const b = await v4Pool({}, `${prefix}-b`);
    const c = await v4Pool({}, `${prefix}-c`);
    expect(await poolOf(await podIn({ annotations: ippool([`${prefix}-*`]) }))).toBe(b);
    expect(await poolOf(await podIn({ annotations: ippool([`${prefix}-[c]`]) }))).toBe(c);
    await expectNoPool(await podIn({ annotations: ippool([`${prefix}-[!bc]`]) }), new RegExp(`all IPv4 IPPools \\[${prefix}-a\\] of eth0 filtered out: ${prefix}-a: is disabled`));
    await expectNoPool(await podIn({ annotations: ippool([`${prefix}-zz*`]) }), /match no SpiderIPPool for eth0/);
  });
});

/** A pool that stays Terminating: deleted while a foreign finalizer holds it. */
async function terminatingPool(): Promise<string> {
  const k = await kube();
  const name = uniqueName('term');
  await k.create(Resources.ipPools, {
    apiVersion: API_VERSION,
    kind: 'SpiderIPPool',
    metadata: { name, finalizers: ['e2e.spidernet.io/hold'] },
    spec: { subnet: '192.0.2.0/24', ips: [`192.0.2.${++lastOctet}`] },
  } as KubeObject);
  await k.delete(Resources.ipPools, name);
  return name;
}

describe('filters: one pod served from the filtered list, one rejected naming pool and reason', () => {
  it('spec.disable', async () => {
    const [off, on] = await Promise.all([v4Pool({ disable: true }), v4Pool()]);
    expect(await poolOf(await podIn({ annotations: ippool([off, on]) }))).toBe(on);
    await expectNoPool(await podIn({ annotations: ippool([off]) }), new RegExp(`${off}: is disabled \\(spec.disable is true\\)`));
  });

  it('a terminating pool', async () => {
    const [term, ok] = await Promise.all([terminatingPool(), v4Pool()]);
    try {
      await settle(); // the deletion reaches ipam-service through its watch
      expect(await poolOf(await podIn({ annotations: ippool([term, ok]) }))).toBe(ok);
      await expectNoPool(await podIn({ annotations: ippool([term]) }), new RegExp(`${term}: is terminating`));
      expect((await poolRecords(term)).records.size).toBe(0);
    } finally {
      await (await kube()).mergePatch(Resources.ipPools, term, { metadata: { finalizers: null } });
    }
  });

  it('the wrong IP family', async () => {
    const [six, four] = await Promise.all([v6Pool(), v4Pool()]);
    expect(await poolOf(await podIn({ annotations: ippool([six, four]) }))).toBe(four);
    await expectNoPool(await podIn({ annotations: ippool([six]) }), new RegExp(`${six}: is an IPv6 pool, not IPv4`));
  });

  it('a disabled IP family (SPIDERPOOL_ENABLE_IPV6=false)', async () => {
    const [four, six] = await Promise.all([v4Pool(), v6Pool()]);
    const dual = await podIn({ annotations: ippool([four], [six]) });
    const res = await v4only.allocate(addRequest(dual, node));
    expect(res.ips.map((ip) => ip.pool)).toEqual([four]);
    expect((await poolRecords(six)).records.size).toBe(0);
    await expectNoPool(await podIn({ annotations: ippool([], [six]) }), new RegExp(`IPv6 \\[${six}\\].*enableIPv6`), { client: v4only });
  });

  it('spec.nodeName', async () => {
    const other = await createNode();
    const pinned = await v4Pool({ nodeName: [node] });
    expect(await poolOf(await podIn({ annotations: ippool([pinned]) }))).toBe(pinned);
    const elsewhere = await createPod({ namespace: ns, node: other, annotations: ippool([pinned]) });
    await expectNoPool(elsewhere, new RegExp(`${pinned}: spec.nodeName \\[${node}\\] does not include node ${other}`), { node: other });
  });

  it('spec.nodeAffinity (node labels)', async () => {
    const rack = uniqueName('rack');
    const [labelled, unlabelled] = await Promise.all([createNode({ 'e2e.spidernet.io/rack': rack }), createNode()]);
    const pool = await v4Pool({ nodeAffinity: { matchLabels: { 'e2e.spidernet.io/rack': rack } } });
    const inRack = await createPod({ namespace: ns, node: labelled, annotations: ippool([pool]) });
    expect(await poolOf(inRack, { node: labelled })).toBe(pool);
    const outside = await createPod({ namespace: ns, node: unlabelled, annotations: ippool([pool]) });
    await expectNoPool(outside, new RegExp(`${pool}: spec.nodeAffinity does not match the labels of node ${unlabelled}`), { node: unlabelled });
  });

  it('spec.namespaceName', async () => {
    const other = await createNamespace();
    const pool = await v4Pool({ namespaceName: [ns] });
    expect(await poolOf(await podIn({ annotations: ippool([pool]) }))).toBe(pool);
    const stranger = await createPod({ namespace: other, node, annotations: ippool([pool]) });
    await expectNoPool(stranger, new RegExp(`${pool}: spec.namespaceName \\[${ns}\\] does not include namespace ${other}`));
  });

  it('spec.namespaceAffinity (namespace labels)', async () => {
    const team = uniqueName('team');
    const [labelled, unlabelled] = await Promise.all([createNamespace({ 'e2e.spidernet.io/team': team }), createNamespace()]);
    const pool = await v4Pool({ namespaceAffinity: { matchLabels: { 'e2e.spidernet.io/team': team } } });
    expect(await poolOf(await createPod({ namespace: labelled, node, annotations: ippool([pool]) }))).toBe(pool);
    const stranger = await createPod({ namespace: unlabelled, node, annotations: ippool([pool]) });
    await expectNoPool(stranger, new RegExp(`${pool}: spec.namespaceAffinity does not match the labels of namespace ${unlabelled}`));
  });

  it('spec.podAffinity (pod labels)', async () => {
    const app = uniqueName('app');
    const pool = await v4Pool({ podAffinity: { matchExpressions: [{ key: 'e2e.spidernet.io/app', operator: 'In', values: [app] }] } });
    expect(await poolOf(await podIn({ labels: { 'e2e.spidernet.io/app': app }, annotations: ippool([pool]) }))).toBe(pool);
    const stranger = await podIn({ labels: { 'e2e.spidernet.io/app': 'other' }, annotations: ippool([pool]) });
    await expectNoPool(stranger, new RegExp(`${pool}: spec.podAffinity does not match the labels of pod ${ns}/${stranger.metadata.name}`));
  });

  it('spec.multusName for eth0, from v1.multus-cni.io/default-network (bare names resolve in the install namespace)', async () => {
    const [qualified, bare] = await Promise.all([v4Pool({ multusName: [`${ns}/nad-a`] }), v4Pool({ multusName: ['nad-k'] })]);
    expect(await poolOf(await podIn({ annotations: { [DEFAULT_NET]: `${ns}/nad-a`, ...ippool([qualified]) } }))).toBe(qualified);
    expect(await poolOf(await podIn({ annotations: { [DEFAULT_NET]: 'nad-k', ...ippool([bare]) } }))).toBe(bare);
    const wrong = await podIn({ annotations: { [DEFAULT_NET]: `${ns}/nad-x`, ...ippool([qualified]) } });
    await expectNoPool(wrong, new RegExp(`${qualified}: spec.multusName \\[${ns}/nad-a\\] does not include ${ns}/nad-x, the Multus network of eth0`));
  });

  it('spec.multusName for net1, from k8s.v1.cni.cncf.io/networks (names resolve in the pod namespace)', async () => {
    const pool = await v4Pool({ multusName: [`${ns}/nad-b`] });
    const attached = await podIn({ annotations: { [NETWORKS]: 'nad-b', ...ippool([pool]) } });
    expect(await poolOf(attached, { nic: 'net1' })).toBe(pool);
    const wrong = await podIn({ annotations: { [NETWORKS]: JSON.stringify([{ name: 'nad-c' }]), ...ippool([pool]) } });
    await expectNoPool(wrong, new RegExp(`${pool}: spec.multusName \\[${ns}/nad-b\\] does not include ${ns}/nad-c, the Multus network of net1`), { nic: 'net1' });
  });

  it('spec.multusName from the request’s multus_network', async () => {
    const pool = await v4Pool({ multusName: [`${ns}/nad-r`] });
    expect(await poolOf(await podIn({ annotations: ippool([pool]) }), { extra: { multusNetwork: `${ns}/nad-r` } })).toBe(pool);
    await expectNoPool(await podIn({ annotations: ippool([pool]) }), new RegExp(`${pool}: spec.multusName \\[${ns}/nad-r\\] is set but the Multus network of eth0 is unknown`));
  });
});

describe('affinity sort', () => {
  it('keeps the annotation order among equally ranked pools', async () => {
    const [first, second] = await Promise.all([
      createPool({ subnet: '198.51.100.0/24', ips: ['198.51.100.10-198.51.100.11'] }),
      createPool({ subnet: '198.51.100.0/24', ips: ['198.51.100.20-198.51.100.21'] }),
    ]);
    expect(await poolOf(await podIn({ annotations: ippool([second, first]) }))).toBe(second);
    expect(await poolOf(await podIn({ annotations: ippool([first, second]) }))).toBe(first);
  });

  it('tries a pool with podAffinity before one without, and nodeName before namespaceName', async () => {
    const app = uniqueName('app');
    const plain = await v4Pool();
    const withPodAffinity = await v4Pool({ podAffinity: { matchLabels: { 'e2e.spidernet.io/app': app } } });
    expect(await poolOf(await podIn({ labels: { 'e2e.spidernet.io/app': app }, annotations: ippool([plain, withPodAffinity]) }))).toBe(withPodAffinity);
    const byNamespace = await v4Pool({ namespaceName: [ns] });
    const byNode = await v4Pool({ nodeName: [node] });
    expect(await poolOf(await podIn({ annotations: ippool([byNamespace, byNode]) }))).toBe(byNode);
  });
});
