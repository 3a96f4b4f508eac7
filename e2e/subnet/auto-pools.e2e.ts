// SPDX-License-Identifier: Apache-2.0
// SpiderSubnet auto-pools end to end: one ipam-service with the subnet controller enabled (the
// only one in the test bed: the controller acts on every application of the cluster), the real
// apiserver / kube-controller-manager / kwok, and applications of every kind the controller
// serves. Each scenario uses a subnet of its own, so that "the lowest free addresses" are known,
// and checks the subnet's status against its pools after each step.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Labels } from '@spiderpool/crds';
import { IpSet, type IpVersion } from '@spiderpool/ipam-domain';
import { apiStatusCode, Resources } from '@spiderpool/k8s';
import { addRequest, createNamespace, kube, startIpamServices, stopIpamServices, type IpamClient, type IpamProcess, type PodObject } from '../ipam/ipam-harness.ts';
import { SERVICES_NAMESPACE, ensureNamespace, sleep, uniqueName } from '../testbed/index.ts';
import { startWebhookHarness, type WebhookHarness } from '../webhook/webhook-harness.ts';
import {
  allocate, autoPoolNameOf, cleanupHarness, createApp, createIdleNode, createKwokNode, createManualPool, createReservedIPs, createSubnet, createWidget,
  createWidgetPod, deleteApp, deletePodNow, deletePoolsOf, eventually, findAutoPools, getPool, GV_LABEL, hasIp, installWidgetCrd, ipSet, lowest, noPodsOf, podsOf,
  poolIps, release, scale, subnetAnnotations, subnetRecords, waitAppGone, waitForAutoPool, waitPoolGone, waitPoolSize, waitSubnetConsistent,
  type App, type AppOptions, type Pool, type PoolKey, type SubnetHandle,
} from './subnet-harness.ts';

const RESYNC_MS = 3_000;
const DEFAULT_FLEXIBLE = 1;

let ipam: IpamProcess[] = [];
let svc: IpamClient;
let ns: string;
let kwokNode: string;
let idleNode: string;
const subnets: SubnetHandle[] = [];

beforeAll(async () => {
  const k = await kube();
  await ensureNamespace(k, SERVICES_NAMESPACE);
  ipam = await startIpamServices(1, {
    env: {
      SPIDERPOOL_ENABLE_SPIDER_SUBNET: 'true',
      SPIDERPOOL_NAMESPACE: SERVICES_NAMESPACE,
      SPIDERPOOL_SUBNET_CONTROLLER_LEASE_NAME: uniqueName('subnet-lease'),
      SPIDERPOOL_SUBNET_RESYNC_PERIOD_MS: String(RESYNC_MS),
      SPIDERPOOL_CLUSTER_SUBNET_DEFAULT_FLEXIBLE_IP_NUMBER: String(DEFAULT_FLEXIBLE),
      SPIDERPOOL_AUTO_POOL_WAIT_MS: '30000',
      SPIDERPOOL_LOG_LEVEL: 'info',
    },
  });
  svc = ipam[0]!.client;
  [ns, kwokNode] = await Promise.all([createNamespace(), createKwokNode(), installWidgetCrd()]);
}, 180_000);

afterAll(async () => {
  // The controller first, so that it does not re-create what is cleaned up below.
  await stopIpamServices(ipam);
  const k = await kube();
  if (ns) {
    await k.request('DELETE', `${k.path(Resources.pods, ns)}?gracePeriodSeconds=0`).catch(() => undefined);
    await k.delete(Resources.namespaces, ns).catch(() => undefined);
  }
  await Promise.all(subnets.map((s) => deletePoolsOf(s.name)));
  await cleanupHarness();
}, 120_000);

async function newSubnet(version: IpVersion, name?: string): Promise<SubnetHandle> {
  const s = await createSubnet(version, undefined, name);
  subnets.push(s);
  return s;
}

const v6 = (subnet: SubnetHandle, nic = 'eth0') => ({ interface: nic, ipv6: [subnet.name] });

function expectIdentity(pool: Pool, o: { app: App; subnet: SubnetHandle; nic?: string; reclaim?: boolean }): void {
  const nic = o.nic ?? 'eth0';
  expect(pool.metadata.name).toBe(autoPoolNameOf(o.subnet.version, o.app, nic));
  expect(pool.metadata.labels).toMatchObject({
    [Labels.OWNER_SPIDER_SUBNET]: o.subnet.name,
    [Labels.OWNER_APPLICATION_GV]: GV_LABEL[o.app.kind],
    [Labels.OWNER_APPLICATION_KIND]: o.app.kind,
    [Labels.OWNER_APPLICATION_NAMESPACE]: o.app.namespace,
    [Labels.OWNER_APPLICATION_NAME]: o.app.name,
    [Labels.OWNER_APPLICATION_UID]: o.app.uid,
    [Labels.INTERFACE]: nic,
    [Labels.IP_VERSION]: `IPv${o.subnet.version}`,
    [Labels.IPPOOL_RECLAIM]: String(o.reclaim ?? true),
  });
  expect(pool.spec.subnet).toBe(o.subnet.cidr);
}

const rangesOf = (set: IpSet): string[] => set.toRanges();

/** Every pool the controller made out of the subnet. */
async function poolNamesOf(subnet: SubnetHandle): Promise<string[]> {
  return (await findAutoPools(`${Labels.OWNER_SPIDER_SUBNET}=${subnet.name}`)).map((p) => p.metadata.name).sort();
}

/** Allocates eth0 (or `nic`) of every pod; each address must come from `pool`, all distinct. */
async function allocateAll(pods: PodObject[], pool: Pool, o: { node?: string; nic?: string } = {}): Promise<Map<string, string>> {
  const held = new Map<string, string>();
  for (const pod of pods) {
    const ips = await allocate(svc, pod, o.node ?? kwokNode, o.nic);
    const mine = ips.filter((ip) => ip.pool === pool.metadata.name);
    expect(mine).toHaveLength(1);
    const address = mine[0]!.address;
    expect(hasIp(poolIps(pool), address)).toBe(true);
    held.set(pod.metadata.uid, address);
  }
  expect(new Set(held.values()).size).toBe(pods.length);
  return held;
}

async function releaseAll(pods: PodObject[], o: { node?: string; nic?: string } = {}): Promise<void> {
  for (const pod of pods) await release(svc, pod, o.node ?? kwokNode, o.nic);
}

/**
 * Deletes the application (its pods go too) and checks the reclaim: the pool is marked for
 * deletion but stays while pods hold addresses, then goes once those are released, and leaves
 * the subnet's records.
 */
async function expectReclaimed(app: App, pools: Array<{ pool: Pool; subnet: SubnetHandle }>, holders: Array<{ pods: PodObject[]; node?: string; nic?: string }>): Promise<void> {
  await deleteApp(app);
  await noPodsOf(app.namespace, app.selector);
  for (const { pool } of pools) {
    await eventually(`pool ${pool.metadata.name} marked for deletion`, async () => {
      const p = await getPool(pool.metadata.name);
      if (!p) throw new Error('gone while pods still hold its addresses');
      return p.metadata.deletionTimestamp ? true : undefined;
    });
  }
  await sleep(RESYNC_MS + 500);
  for (const { pool } of pools) expect(await getPool(pool.metadata.name)).toBeDefined();
  for (const h of holders) await releaseAll(h.pods, h);
  for (const { pool, subnet } of pools) {
    await waitPoolGone(pool.metadata.name);
    await waitSubnetConsistent(subnet);
    expect((await subnetRecords(subnet.name)).records.has(pool.metadata.name)).toBe(false);
  }
}

interface ScalingCase {
  kind: 'Deployment' | 'ReplicaSet' | 'StatefulSet';
  replicas: number;
  /** Undefined: no annotation, the cluster default `+1` applies. */
  plus?: number;
  up: number;
  down: number;
}

/** Pool size, pod addresses, scale up, scale down, reclaim: for the kinds with `.spec.replicas`. */
async function scalingScenario(c: ScalingCase): Promise<void> {
  const subnet = await newSubnet(6);
  const flexible = c.plus ?? DEFAULT_FLEXIBLE;
  const annotations = subnetAnnotations({ subnet: v6(subnet), ...(c.plus === undefined ? {} : { ipNumber: `+${c.plus}` }) });
  const app = await createApp({ kind: c.kind, namespace: ns, node: kwokNode, replicas: c.replicas, annotations });
  const key: PoolKey = { app, version: 6 };

  let pool = await waitPoolSize(key, c.replicas + flexible);
  expectIdentity(pool, { app, subnet });
  expect(await poolNamesOf(subnet)).toEqual([pool.metadata.name]); // none for a Deployment's ReplicaSet
  expect(rangesOf(poolIps(pool))).toEqual(rangesOf(lowest(subnet.usable, c.replicas + flexible)));
  await waitSubnetConsistent(subnet);
  const first = await podsOf(ns, app.selector, c.replicas);
  const held = await allocateAll(first, pool);

  // Up: the pool grows by the next lowest addresses and keeps those it had.
  await scale(app, c.up);
  const before = poolIps(pool);
  pool = await waitPoolSize(key, c.up + flexible);
  expect(before.isSubsetOf(poolIps(pool))).toBe(true);
  expect(rangesOf(poolIps(pool))).toEqual(rangesOf(lowest(subnet.usable, c.up + flexible)));
  await waitSubnetConsistent(subnet);
  const upPods = await podsOf(ns, app.selector, c.up);
  for (const [uid, address] of await allocateAll(upPods, pool)) {
    if (held.has(uid)) expect(address).toBe(held.get(uid));
    held.set(uid, address);
  }

  // Down: the pods scaled away keep their addresses until their CNI DEL, so only free addresses go.
  await scale(app, c.down);
  const remaining = await podsOf(ns, app.selector, c.down);
  const gone = upPods.filter((p) => !remaining.some((r) => r.metadata.uid === p.metadata.uid));
  const heldSet = ipSet(6, [...held.values()]);
  pool = await waitPoolSize(key, Math.max(c.up, c.down + flexible), RESYNC_MS * 4 + 20_000);
  expect(heldSet.isSubsetOf(poolIps(pool))).toBe(true);
  await waitSubnetConsistent(subnet);

  await releaseAll(gone);
  const kept = ipSet(6, remaining.map((p) => held.get(p.metadata.uid) ?? ''));
  pool = await waitPoolSize(key, c.down + flexible, RESYNC_MS * 4 + 20_000);
  expect(kept.isSubsetOf(poolIps(pool))).toBe(true);
  await waitSubnetConsistent(subnet);

  await expectReclaimed(app, [{ pool, subnet }], [{ pods: remaining }]);
}

/** Pool size, pod addresses and reclaim for the kinds without a replica count to patch. */
async function fixedScenario(o: { app: Omit<AppOptions, 'annotations' | 'namespace'>; plus?: number; size: number; pods: number }): Promise<void> {
  const subnet = await newSubnet(6);
  const annotations = subnetAnnotations({ subnet: v6(subnet), ...(o.plus === undefined ? {} : { ipNumber: `+${o.plus}` }) });
  const app = await createApp({ ...o.app, namespace: ns, annotations });
  const pool = await waitPoolSize({ app, version: 6 }, o.size);
  expectIdentity(pool, { app, subnet });
  expect(await poolNamesOf(subnet)).toEqual([pool.metadata.name]); // none for a CronJob's Job
  expect(rangesOf(poolIps(pool))).toEqual(rangesOf(lowest(subnet.usable, o.size)));
  await waitSubnetConsistent(subnet);
  const pods = await podsOf(ns, app.selector, o.pods);
  await allocateAll(pods, pool, { node: o.app.node });
  await waitSubnetConsistent(subnet);
  await expectReclaimed(app, [{ pool, subnet }], [{ pods, node: o.app.node }]);
}

describe('auto-pools of applications with replicas', () => {
  it('Deployment (no ip-number: the cluster default +1): pool of replicas+1, grows and shrinks with the Deployment, reclaimed with it', async () => {
    await scalingScenario({ kind: 'Deployment', replicas: 1, up: 3, down: 1 });
  }, 300_000);

  it('ReplicaSet (standalone, +2)', async () => {
    await scalingScenario({ kind: 'ReplicaSet', replicas: 2, plus: 2, up: 4, down: 1 });
  }, 300_000);

  it('StatefulSet (+1)', async () => {
    await scalingScenario({ kind: 'StatefulSet', replicas: 2, plus: 1, up: 4, down: 1 });
  }, 300_000);

  it('StatefulSet with a full pool (ip-number = replicas): a re-created replica keeps its address at once', async () => {
    const subnet = await newSubnet(6);
    const app = await createApp({ kind: 'StatefulSet', namespace: ns, node: kwokNode, replicas: 2, annotations: subnetAnnotations({ subnet: v6(subnet), ipNumber: '2' }) });
    const pool = await waitPoolSize({ app, version: 6 }, 2);
    const pods = await podsOf(ns, app.selector, 2);
    const held = await allocateAll(pods, pool);
    const [first] = pods;
    await deletePodNow(first!);
    const again = await eventually(`replica ${first!.metadata.name} re-created`, async () =>
      (await podsOf(ns, app.selector, 2)).find((p) => p.metadata.name === first!.metadata.name && p.metadata.uid !== first!.metadata.uid));
    const started = Date.now();
    const [ip] = await allocate(svc, again, kwokNode);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(ip?.address).toBe(held.get(first!.metadata.uid));
    await waitSubnetConsistent(subnet);
    await expectReclaimed(app, [{ pool: (await getPool(pool.metadata.name))!, subnet }], [{ pods: [again, pods[1]!] }]);
  }, 300_000);
});

describe('auto-pools of DaemonSets, Jobs and CronJobs', () => {
  // Created here rather than with the file: an idle node turns NotReady after the node monitor
  // grace period, and its pods are evicted some minutes later.
  beforeAll(async () => {
    idleNode = await createIdleNode();
  }, 60_000);

  it('DaemonSet: desiredNumberScheduled (1) + the default 1', async () => {
    await fixedScenario({ app: { kind: 'DaemonSet', node: kwokNode }, size: 1 + DEFAULT_FLEXIBLE, pods: 1 });
  }, 240_000);

  it('Job: max(parallelism 2, completions 3) + 1', async () => {
    await fixedScenario({ app: { kind: 'Job', node: idleNode, parallelism: 2, completions: 3 }, plus: 1, size: 4, pods: 2 });
  }, 240_000);

  it('CronJob: the CronJob’s pool (not its Job’s), max(parallelism 2, completions 1) + 2', async () => {
    await fixedScenario({ app: { kind: 'CronJob', node: idleNode, parallelism: 2, completions: 1 }, plus: 2, size: 4, pods: 1 });
  }, 240_000);
});

describe('auto-pools of a third-party controller', () => {
  const widgetCase = async () => {
    const subnet = await newSubnet(6);
    const widget = await createWidget(ns);
    const ann = (ipNumber: string) => subnetAnnotations({ subnet: v6(subnet), ipNumber });
    return { subnet, widget, ann, key: { app: widget, version: 6 } as PoolKey };
  };

  /** Allocates each pod; the addresses must come from `pool`. */
  const allocateFrom = async (pool: Pool, pods: PodObject[]): Promise<string[]> => {
    const out: string[] = [];
    for (const pod of pods) {
      const [a] = await allocate(svc, pod, kwokNode);
      expect(a?.pool).toBe(pool.metadata.name);
      expect(hasIp(poolIps(pool), a!.address)).toBe(true);
      out.push(a!.address);
    }
    return out;
  };

  it('Widget pods: the ip-number annotation sizes the pool (+N means N); the pool goes with the Widget', async () => {
    const { subnet, widget, ann, key } = await widgetCase();
    const pods = [await createWidgetPod(widget, kwokNode, ann('+2')), await createWidgetPod(widget, kwokNode, ann('+2'))];
    const [a1] = await allocate(svc, pods[0]!, kwokNode);
    const pool = await waitPoolSize(key, 2);
    expectIdentity(pool, { app: widget, subnet });
    expect(rangesOf(poolIps(pool))).toEqual(rangesOf(lowest(subnet.usable, 2)));
    expect(a1?.pool).toBe(pool.metadata.name);
    const [a2] = await allocateFrom(pool, [pods[1]!]);
    expect(a2).not.toBe(a1?.address);
    await waitSubnetConsistent(subnet);
    await expectReclaimed(widget, [{ pool, subnet }], [{ pods }]);
  }, 240_000);

  it('Widget pods of a newer template re-size the pool: up by the next lowest addresses, down without a held address', async () => {
    const { subnet, widget, ann, key } = await widgetCase();
    const [p1, p2] = [await createWidgetPod(widget, kwokNode, ann('2')), await createWidgetPod(widget, kwokNode, ann('2'))];
    await allocate(svc, p1, kwokNode);
    let pool = await waitPoolSize(key, 2);
    await allocateFrom(pool, [p1, p2]);

    // A pod of a newer template (the older pods still running) asks for 4.
    const p3 = await createWidgetPod(widget, kwokNode, ann('4'));
    const [a3] = await allocate(svc, p3, kwokNode);
    pool = await waitPoolSize(key, 4);
    expect(rangesOf(poolIps(pool))).toEqual(rangesOf(lowest(subnet.usable, 4)));
    expect(a3?.pool).toBe(pool.metadata.name);
    expect(hasIp(poolIps(pool), a3!.address)).toBe(true);
    await waitSubnetConsistent(subnet);

    // Back to 2 once the first pods are gone and released: p3's address stays in the pool.
    for (const p of [p1, p2]) {
      await deletePodNow(p);
      await release(svc, p, kwokNode);
    }
    const p4 = await createWidgetPod(widget, kwokNode, ann('2'));
    const [a4] = await allocate(svc, p4, kwokNode);
    pool = await waitPoolSize(key, 2);
    expect(hasIp(poolIps(pool), a3!.address)).toBe(true);
    expect(a4?.pool).toBe(pool.metadata.name);
    expect(hasIp(poolIps(pool), a4!.address)).toBe(true);
    expect(a4!.address).not.toBe(a3!.address);
    await waitSubnetConsistent(subnet);
    await expectReclaimed(widget, [{ pool, subnet }], [{ pods: [p3, p4] }]);
  }, 240_000);

  it('a Widget pod without the ip-number annotation is refused at once, naming the annotation', async () => {
    const subnet = await newSubnet(6);
    const widget = await createWidget(ns);
    const pod = await createWidgetPod(widget, kwokNode, subnetAnnotations({ subnet: v6(subnet) }));
    const started = Date.now();
    await expect(allocate(svc, pod, kwokNode)).rejects.toThrow(/ipam\.spidernet\.io\/ippool-ip-number.*required/);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await poolNamesOf(subnet)).toEqual([]);
  }, 120_000);
});

describe('ippool-reclaim: false', () => {
  it('keeps the pool of a deleted Deployment for the next Deployment of that name; a StatefulSet of that name gets its own', async () => {
    const subnet = await newSubnet(6);
    const name = uniqueName('keep');
    const annotations = subnetAnnotations({ subnet: v6(subnet), ipNumber: '3', reclaim: false });
    const first = await createApp({ kind: 'Deployment', name, namespace: ns, node: kwokNode, replicas: 1, annotations });
    const kept = await waitPoolSize({ app: first, version: 6 }, 3); // fixed: replicas do not count
    expectIdentity(kept, { app: first, subnet, reclaim: false });
    expect(rangesOf(poolIps(kept))).toEqual(rangesOf(lowest(subnet.usable, 3)));
    const firstPods = await podsOf(ns, first.selector, 1);
    await allocateAll(firstPods, kept);
    await waitSubnetConsistent(subnet);

    await deleteApp(first);
    await waitAppGone(first);
    await noPodsOf(ns, first.selector);
    await releaseAll(firstPods);
    await sleep(2 * RESYNC_MS + 1_000); // a full re-check has run since
    const after = await getPool(kept.metadata.name);
    expect(after?.metadata.deletionTimestamp).toBeUndefined();
    expect(after && rangesOf(poolIps(after))).toEqual(rangesOf(poolIps(kept)));
    await waitSubnetConsistent(subnet);

    // Same name and kind, new UID: the same pool, relabelled.
    const second = await createApp({ kind: 'Deployment', name, namespace: ns, node: kwokNode, replicas: 1, annotations });
    const reused = await waitForAutoPool({ app: second, version: 6 }, (p) => p.metadata.labels?.[Labels.OWNER_APPLICATION_UID] === second.uid);
    expect(reused.metadata.name).toBe(kept.metadata.name);
    expect(reused.metadata.uid).toBe(kept.metadata.uid);
    expect(rangesOf(poolIps(reused))).toEqual(rangesOf(poolIps(kept)));
    await allocateAll(await podsOf(ns, second.selector, 1), reused);

    // Same name, another kind: a pool of its own, never the kept one.
    const sts = await createApp({ kind: 'StatefulSet', name, namespace: ns, node: kwokNode, replicas: 1, annotations: subnetAnnotations({ subnet: v6(subnet), ipNumber: '+1' }) });
    const own = await waitPoolSize({ app: sts, version: 6 }, 2);
    expectIdentity(own, { app: sts, subnet });
    expect(own.metadata.name).not.toBe(kept.metadata.name);
    expect(poolIps(own).overlaps(poolIps(kept))).toBe(false);
    const stsPods = await podsOf(ns, sts.selector, 1);
    await allocateAll(stsPods, own);
    await waitSubnetConsistent(subnet);
    expect((await getPool(kept.metadata.name))?.metadata.labels?.[Labels.OWNER_APPLICATION_KIND]).toBe('Deployment');

    await expectReclaimed(sts, [{ pool: own, subnet }], [{ pods: stsPods }]);
  }, 300_000);
});

describe('several families and NICs', () => {
  it('dual stack (ipam.spidernet.io/subnet with ipv4 and ipv6): one pool per family, one address of each per pod, asked for before the pools exist', async () => {
    const [s4, s6] = [await newSubnet(4), await newSubnet(6)];
    const app = await createApp({ kind: 'Deployment', namespace: ns, node: kwokNode, replicas: 2, annotations: subnetAnnotations({ subnet: { interface: 'eth0', ipv4: [s4.name], ipv6: [s6.name] } }) });
    // The CNI ADD comes as soon as the pod exists: Allocate waits for the pools itself.
    const pods = await podsOf(ns, app.selector, 2);
    const answers = await Promise.all(pods.map((pod) => allocate(svc, pod, kwokNode)));
    const size = 2 + DEFAULT_FLEXIBLE;
    const p4 = await waitPoolSize({ app, version: 4 }, size);
    const p6 = await waitPoolSize({ app, version: 6 }, size);
    expectIdentity(p4, { app, subnet: s4 });
    expectIdentity(p6, { app, subnet: s6 });
    expect(rangesOf(poolIps(p4))).toEqual(rangesOf(lowest(s4.usable, size)));
    expect(rangesOf(poolIps(p6))).toEqual(rangesOf(lowest(s6.usable, size)));
    for (const ips of answers) {
      expect(ips.map((ip) => ip.pool).sort()).toEqual([p4.metadata.name, p6.metadata.name].sort());
      for (const ip of ips) expect(hasIp(poolIps(ip.pool === p4.metadata.name ? p4 : p6), ip.address)).toBe(true);
    }
    expect(new Set(answers.flat().map((ip) => ip.address)).size).toBe(4);
    await waitSubnetConsistent(s4);
    await waitSubnetConsistent(s6);
    await expectReclaimed(app, [{ pool: p4, subnet: s4 }, { pool: p6, subnet: s6 }], [{ pods }]);
  }, 240_000);

  it('two NICs (ipam.spidernet.io/subnets): a pool per NIC from its own subnet', async () => {
    const [sA, sB] = [await newSubnet(6), await newSubnet(6)];
    const annotations = subnetAnnotations({ subnets: [v6(sA, 'eth0'), v6(sB, 'net1')], ipNumber: '+1' });
    const app = await createApp({ kind: 'Deployment', namespace: ns, node: kwokNode, replicas: 1, annotations });
    const eth0 = await waitPoolSize({ app, version: 6, nic: 'eth0' }, 2);
    const net1 = await waitPoolSize({ app, version: 6, nic: 'net1' }, 2);
    expectIdentity(eth0, { app, subnet: sA, nic: 'eth0' });
    expectIdentity(net1, { app, subnet: sB, nic: 'net1' });
    const pods = await podsOf(ns, app.selector, 1);
    await allocateAll(pods, eth0, { nic: 'eth0' });
    await allocateAll(pods, net1, { nic: 'net1' });
    await waitSubnetConsistent(sA);
    await waitSubnetConsistent(sB);
    await expectReclaimed(app, [{ pool: eth0, subnet: sA }, { pool: net1, subnet: sB }], [{ pods, nic: 'eth0' }, { pods, nic: 'net1' }]);
  }, 240_000);
});

describe('malformed annotations', () => {
  it('an application with a malformed subnet annotation gets no pool and refused allocations, and never stops the others', async () => {
    const bad = await createApp({ kind: 'Deployment', namespace: ns, node: kwokNode, replicas: 1, annotations: { 'ipam.spidernet.io/subnet': '{"ipv6":' } });
    const [badPod] = await podsOf(ns, bad.selector, 1);
    await expect(allocate(svc, badPod!, kwokNode)).rejects.toThrow(/ipam\.spidernet\.io\/subnet/);
    // A valid application whose subnet does not exist yet waits for it; the subnet's creation
    // starts a resync over every application, the broken one included, which must reach it.
    const name = uniqueName('subnet6-late');
    const good = await createApp({ kind: 'Deployment', namespace: ns, node: kwokNode, replicas: 1, annotations: subnetAnnotations({ subnet: { interface: 'eth0', ipv6: [name] } }) });
    await sleep(1_000);
    const subnet = await newSubnet(6, name);
    const pool = await waitPoolSize({ app: good, version: 6 }, 2, 15_000);
    expect(await poolNamesOf(subnet)).toEqual([pool.metadata.name]);
    await waitSubnetConsistent(subnet);
  }, 120_000);
});

describe('callers that give up', () => {
  it('an Allocate whose deadline passed while it waited for the pool allocates nothing once the pool appears', async () => {
    const name = uniqueName('subnet6-later');
    const app = await createApp({ kind: 'Deployment', namespace: ns, node: kwokNode, replicas: 1, annotations: subnetAnnotations({ subnet: { interface: 'eth0', ipv6: [name] } }) });
    const [pod] = await podsOf(ns, app.selector, 1);
    await expect(svc.allocate(addRequest(pod!, kwokNode), { deadlineMs: 1_500 })).rejects.toThrow();
    await newSubnet(6, name);
    const pool = await waitPoolSize({ app, version: 6 }, 2);
    await sleep(1_000);
    expect((await getPool(pool.metadata.name))?.status?.allocatedIPCount ?? 0).toBe(0);
    // The kubelet's retry gets its address.
    const [ip] = await allocate(svc, pod!, kwokNode);
    expect(ip?.pool).toBe(pool.metadata.name);
  }, 120_000);
});

describe('guards', () => {
  let webhook: WebhookHarness | undefined;
  afterAll(async () => webhook?.stop(), 60_000);

  it('pools of one subnet never share addresses, never take a reserved IP, the subnet adopts a manual pool, and a hand edit of an auto-pool’s ips is refused', async () => {
    const subnet = await newSubnet(6);
    const all = [...subnet.usable.values()]; // ::10, ::11, ...
    const at = (i: number): string => rangesOf(IpSet.fromIntervals(6, [[all[i]!, all[i]!]]))[0]!;
    await createReservedIPs(6, [at(0), at(2)]);
    const manual = await createManualPool(subnet, [`${at(3)}-${at(4)}`]);
    await sleep(1_000); // reserved IPs and pools reach ipam-service through its watches
    const taken = ipSet(6, [at(0), at(2), at(3), at(4)]);

    const [a, b] = await Promise.all([
      createApp({ kind: 'Deployment', namespace: ns, node: kwokNode, replicas: 2, annotations: subnetAnnotations({ subnet: v6(subnet), ipNumber: '+1' }) }),
      createApp({ kind: 'Deployment', namespace: ns, node: kwokNode, replicas: 1, annotations: subnetAnnotations({ subnet: v6(subnet), ipNumber: '+2' }) }),
    ]);
    const [pa, pb] = await Promise.all([waitPoolSize({ app: a, version: 6 }, 3), waitPoolSize({ app: b, version: 6 }, 3)]);
    expect(poolIps(pa).overlaps(poolIps(pb))).toBe(false);
    for (const p of [pa, pb]) expect(poolIps(p).overlaps(taken)).toBe(false);
    expect(rangesOf(poolIps(pa).union(poolIps(pb)))).toEqual(rangesOf(lowest(subnet.usable, 6, taken)));
    const podsA = await podsOf(ns, a.selector, 2);
    const podsB = await podsOf(ns, b.selector, 1);
    const held = [...(await allocateAll(podsA, pa)).values(), ...(await allocateAll(podsB, pb)).values()];
    expect(new Set(held).size).toBe(3);
    await waitSubnetConsistent(subnet);
    expect((await getPool(manual))?.spec.ips).toEqual([`${at(3)}-${at(4)}`]);
    // The subnet adopted the hand-made pool of its CIDR: owner label and reference, and a record.
    const adopted = await eventually(`manual pool ${manual} adopted by ${subnet.name}`, async () => {
      const p = await getPool(manual);
      return p?.metadata?.labels?.[Labels.OWNER_SPIDER_SUBNET] === subnet.name ? p : undefined;
    });
    expect(adopted.metadata?.ownerReferences).toContainEqual(expect.objectContaining({ kind: 'SpiderSubnet', name: subnet.name, controller: true }));
    expect((await subnetRecords(subnet.name)).records.get(manual)).toEqual({ ips: [`${at(3)}-${at(4)}`] });

    // Growing skips what the reserved IPs, the manual pool and the other application hold.
    await scale(b, 3);
    const grown = await waitPoolSize({ app: b, version: 6 }, 5);
    expect(poolIps(pb).isSubsetOf(poolIps(grown))).toBe(true);
    expect(rangesOf(poolIps(grown).difference(poolIps(pb)))).toEqual(rangesOf(lowest(subnet.usable, 2, taken.union(poolIps(pa)).union(poolIps(pb)))));
    await waitSubnetConsistent(subnet);

    // Through webhook-service: metadata edits pass, an edit of ips does not.
    webhook = await startWebhookHarness();
    const k = await kube();
    await k.mergePatch(Resources.ipPools, pa.metadata.name, { metadata: { labels: webhook.labels } });
    const edited = rangesOf(poolIps(pa).union(ipSet(6, [at(20)])));
    const refused = await k.mergePatch(Resources.ipPools, pa.metadata.name, { spec: { ips: edited } }).then(() => undefined, (err: unknown) => err as Error);
    expect(refused).toBeInstanceOf(Error);
    expect(apiStatusCode(refused?.cause)).toBeGreaterThanOrEqual(400);
    expect(apiStatusCode(refused?.cause)).toBeLessThan(500);
    expect(refused?.message).toContain('auto-pool-ips-mismatch');
    const unchanged = await getPool(pa.metadata.name);
    expect(unchanged && rangesOf(poolIps(unchanged))).toEqual(rangesOf(poolIps(pa)));
    await waitSubnetConsistent(subnet);
  }, 240_000);
});
