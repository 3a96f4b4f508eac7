// SPDX-License-Identifier: Apache-2.0
// gc-service pod tracing end to end: a real gc-service (behind a scoping proxy, see
// scoped-apiserver-proxy.ts), a real ipam-service and the real apiserver / KCM / kwok. The full
// scan runs only at start-up here (long interval), so every release below comes from tracing
// pod watch events: deleted pods, terminating pods on a NotReady node, finished Job pods, and
// StatefulSet replicas (scaled away: reclaimed; restarted: kept).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Resources, type KubeObject } from '@spiderpool/k8s';
import { createNode, createPod, createStatefulSet, deletePod, endpointOf, kube, poolRecords, startIpamServices, stopIpamServices, type IpamProcess, type PodObject } from '../ipam/ipam-harness.ts';
import { sleep, uniqueName } from '../testbed/index.ts';
import { allocateIp, eventually, gcScope, holderOf, ippoolAnnotation, setNodeReady, startLeadingGcService, type GcProcess } from './gc-harness.ts';

const DELAY = 1; // SPIDERPOOL_GC_ADDITIONAL_GRACE_DELAY (s)
const GAP = 1; // SPIDERPOOL_GC_TRACE_POD_GAP_DURATION (s)

const scope = gcScope('trace');
let ipam: IpamProcess[] = [];
let gc: GcProcess | undefined;
let ns: string;
let node: string;
const nodes: string[] = [];

type PodStatus = KubeObject & { metadata: { uid: string; deletionTimestamp?: string; deletionGracePeriodSeconds?: number }; status?: { phase?: string; containerStatuses?: Array<{ state?: { terminated?: { finishedAt?: string } } }> } };

beforeAll(async () => {
  ipam = await startIpamServices(1);
  ns = await scope.nextNamespace();
  node = await createNode();
  nodes.push(node);
  const lease = { namespace: ns, name: `${scope.prefix}-gc` };
  gc = await startLeadingGcService({
    scope,
    ipamAddress: ipam[0]?.address ?? '',
    lease,
    env: {
      SPIDERPOOL_GC_DEFAULT_INTERVAL_DURATION: '600',
      SPIDERPOOL_GC_TRACE_POD_GAP_DURATION: String(GAP),
      SPIDERPOOL_GC_ADDITIONAL_GRACE_DELAY: String(DELAY),
    },
  });
}, 120_000);

afterAll(async () => {
  const k = await kube();
  const forceDelete = (namespace: string): Promise<unknown> =>
    k.request('DELETE', `${k.path(Resources.pods, namespace)}?gracePeriodSeconds=0`).catch(() => undefined);
  await gc?.stop();
  await stopIpamServices(ipam);
  expect(gc?.proxy.denied).toEqual([]);
  await forceDelete(ns);
  await k.delete(Resources.namespaces, ns).catch(() => undefined);
  await Promise.all(nodes.map((n) => k.delete(Resources.nodes, n).catch(() => undefined)));
}, 60_000);

async function podOn(onNode: string, pool: string, extra: { name?: string; grace?: number } = {}): Promise<PodObject> {
  const k = await kube();
  return k.create<PodObject>(Resources.pods, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: extra.name ?? uniqueName('pod'), namespace: ns, annotations: ippoolAnnotation(pool) },
    spec: { nodeName: onNode, restartPolicy: 'Never', containers: [{ name: 'c', image: 'example.invalid/none' }], terminationGracePeriodSeconds: extra.grace ?? 0 },
  } as unknown as PodObject);
}

async function kwokNode(): Promise<string> {
  const k = await kube();
  const name = uniqueName('kwok-gc');
  await k.create(Resources.nodes, { apiVersion: 'v1', kind: 'Node', metadata: { name, annotations: { 'kwok.x-k8s.io/node': 'fake' }, labels: { type: 'kwok' } } });
  nodes.push(name);
  await eventually(`kwok node ${name} Ready`, async () => {
    const n = await k.get<KubeObject & { status?: { conditions?: Array<{ type: string; status: string }> } }>(Resources.nodes, name);
    return n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? true : undefined;
  }, 30_000);
  return name;
}

const getPod = async (name: string): Promise<PodStatus | undefined> => (await kube()).find<PodStatus>(Resources.pods, name, ns);

describe('gc-service tracing', () => {
  it('reclaims a pod deleted without CNI DEL within grace + delay + 5 s, and removes its endpoint', async () => {
    const pool = await scope.nextPool(4);
    const pod = await createPod({ namespace: ns, node, annotations: ippoolAnnotation(pool) });
    const ip = await allocateIp(ipam[0]!.client, pod, node);
    await sleep(2 * (GAP + DELAY) * 1000);
    expect(await holderOf(pool, ip)).toBe(pod.metadata.uid); // a live pod keeps its address
    const traced = await gc!.metric('spiderpool_gc_candidates_total', { source: 'trace' });

    const deleted = Date.now();
    await deletePod(ns, pod.metadata.name); // terminationGracePeriodSeconds 0, no CNI DEL
    await eventually('the address back in the pool', async () => ((await holderOf(pool, ip)) === undefined ? true : undefined), (DELAY + 5) * 1000 + 2_000, 100);
    expect(Date.now() - deleted).toBeLessThanOrEqual((0 + DELAY + 5) * 1000);
    await eventually('the endpoint removed', async () => ((await endpointOf(ns, pod.metadata.name)) === undefined ? true : undefined), 10_000);
    expect(await gc!.metric('spiderpool_gc_candidates_total', { source: 'trace' })).toBeGreaterThan(traced);
  }, 60_000);

  it('reclaims a stateless pod terminating past its grace period on a NotReady node, not before', async () => {
    const notReady = await createNode();
    nodes.push(notReady);
    await setNodeReady(notReady, false);
    const pool = await scope.nextPool(4);
    const pod = await podOn(notReady, pool, { grace: 2 });
    const ip = await allocateIp(ipam[0]!.client, pod, notReady);
    const k = await kube();
    // No kubelet on the node: the pod stays Terminating.
    await k.request('DELETE', `${k.path(Resources.pods, ns, pod.metadata.name)}?gracePeriodSeconds=2`);
    const terminating = await getPod(pod.metadata.name);
    expect(terminating?.metadata.deletionTimestamp).toBeDefined();
    const deadline = new Date(terminating!.metadata.deletionTimestamp!).getTime() + (terminating!.metadata.deletionGracePeriodSeconds ?? 0) * 1000 + DELAY * 1000;

    const freedAt = await eventually('the terminating pod’s address back in the pool', async () => ((await holderOf(pool, ip)) === undefined ? Date.now() : undefined), deadline - Date.now() + 10_000, 100);
    // deletionTimestamp has a 1 s resolution.
    expect(freedAt).toBeGreaterThanOrEqual(deadline - 1_000);
    expect(freedAt).toBeLessThanOrEqual(deadline + (GAP + 4) * 1000);
    expect((await getPod(pod.metadata.name))?.metadata.uid).toBe(pod.metadata.uid); // still there, still terminating
  }, 60_000);

  it('reclaims a Job pod that Succeeded on a Ready (kwok) node after its termination grace period', async () => {
    const onNode = await kwokNode();
    const k = await kube();
    const job = await k.create<KubeObject & { metadata: { uid: string; name: string } }>(Resources.jobs, {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: uniqueName('job'), namespace: ns },
      spec: { suspend: true, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'example.invalid/none' }] } } },
    } as unknown as KubeObject & { metadata: { uid: string; name: string } });
    const pool = await scope.nextPool(4);
    const pod = await podOn(onNode, pool, { grace: 2 });
    // kwok runs the pod; the CNI ADD happens while it is alive.
    await eventually('the Job pod Running', async () => ((await getPod(pod.metadata.name))?.status?.phase === 'Running' ? true : undefined), 30_000);
    const ip = await allocateIp(ipam[0]!.client, pod, onNode);
    // Owned by the Job (not as its controller, so the suspended Job leaves it alone): kwok completes it.
    await k.mergePatch(Resources.pods, pod.metadata.name, { metadata: { ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: job.metadata.name, uid: job.metadata.uid }] } }, ns);
    const done = await eventually('the Job pod Succeeded', async () => {
      const p = await getPod(pod.metadata.name);
      return p?.status?.phase === 'Succeeded' ? p : undefined;
    }, 30_000, 100);
    const finishedAt = new Date(done.status?.containerStatuses?.[0]?.state?.terminated?.finishedAt ?? Date.now()).getTime();
    const deadline = finishedAt + 2_000 + DELAY * 1000;

    const freedAt = await eventually('the Job pod’s address back in the pool', async () => ((await holderOf(pool, ip)) === undefined ? Date.now() : undefined), deadline - Date.now() + 10_000, 100);
    expect(freedAt).toBeGreaterThanOrEqual(deadline - 1_000);
    expect(freedAt).toBeLessThanOrEqual(deadline + (GAP + 4) * 1000);
    expect((await getPod(pod.metadata.name))?.status?.phase).toBe('Succeeded');
  }, 90_000);

  it('reclaims the replica a StatefulSet scaled away; a restarted replica keeps its address', async () => {
    const onNode = await kwokNode();
    const k = await kube();
    const pool = await scope.nextPool(4);
    const name = await createStatefulSet({ namespace: ns, node: onNode, replicas: 2, annotations: ippoolAnnotation(pool), terminationGracePeriodSeconds: 1 });
    const running = (pod: string, notUid?: string) => eventually(`${pod} Running`, async () => {
      const p = await getPod(pod);
      return p?.status?.phase === 'Running' && p.metadata.uid !== notUid ? (p as unknown as PodObject) : undefined;
    }, 60_000);
    const [pod0, pod1] = await Promise.all([running(`${name}-0`), running(`${name}-1`)]);
    const ip0 = await allocateIp(ipam[0]!.client, pod0, onNode);
    const ip1 = await allocateIp(ipam[0]!.client, pod1, onNode);

    // Scale down: the controller deletes replica 1 (no CNI DEL); it is no longer a valid replica.
    await k.mergePatch(Resources.statefulSets, name, { spec: { replicas: 1 } }, ns);
    await eventually(`${name}-1 gone`, async () => ((await getPod(`${name}-1`)) === undefined ? true : undefined), 30_000);
    await eventually('replica 1’s address back in the pool', async () => ((await holderOf(pool, ip1)) === undefined ? true : undefined), (1 + DELAY + 5) * 1000 + 2_000, 100);
    expect(await holderOf(pool, ip0)).toBe(pod0.metadata.uid);

    // Restart replica 0: deleted, re-created by the controller under a new UID; GC keeps the address meanwhile.
    await k.request('DELETE', k.path(Resources.pods, ns, `${name}-0`));
    const restarted = await running(`${name}-0`, pod0.metadata.uid);
    await sleep((1 + DELAY + GAP + 2) * 1000);
    expect(await holderOf(pool, ip0)).toBe(pod0.metadata.uid);
    expect(await allocateIp(ipam[0]!.client, restarted, onNode)).toBe(ip0);
    await sleep((DELAY + 2 * GAP + 2) * 1000);
    expect(await holderOf(pool, ip0)).toBe(restarted.metadata.uid);
    expect((await poolRecords(pool)).records.size).toBe(1);
    await k.mergePatch(Resources.statefulSets, name, { spec: { replicas: 0 } }, ns);
  }, 120_000);
});
