// SPDX-License-Identifier: Apache-2.0
// A full scan against the test bed's real kube-apiserver and a real ipam-service process:
// real watch caches, live re-checks, the Release RPC with reason GC, and endpoint deletion.
// The test bed is shared by parallel test files, so the scan sees only this file's pool and
// namespace (a filtering wrapper around the real reader); everything else is the production
// code path. (An app may not import the e2e package: the test bed is reached through the state
// file that the jest integration project publishes.)
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { API_VERSION, type SpiderEndpoint, type SpiderIPPool } from '@spiderpool/crds';
import { createGrpcClient } from '@spiderpool/grpc-kit';
import { decodeAllocatedIPs, encodeAllocatedIPs, GC_DEFAULTS } from '@spiderpool/ipam-domain';
import { KubeClient, Reflector, Resources, loadKubeConfig, systemClock, type KubeObject } from '@spiderpool/k8s';
import { createLogger, Registry } from '@spiderpool/observability';
import { IpamService } from '@spiderpool/proto';
import { DueQueue } from './due-queue.ts';
import { FactGatherer } from './fact-gatherer.ts';
import { grpcIpamReleaser } from './ipam-releaser.ts';
import { KubeClusterReader } from './k8s/kube-cluster-reader.ts';
import { createGcMetrics } from './metrics.ts';
import { OrphanLedger } from './orphan-ledger.ts';
import type { ClusterReader } from './ports.ts';
import { Reclaimer } from './reclaimer.ts';
import { Scanner } from './scanner.ts';
import { Tracer } from './tracer.ts';

const REPO_ROOT = join(import.meta.dirname, '..', '..', '..');
const unique = (prefix: string): string => `${prefix}-${randomBytes(4).toString('hex')}`;
const POOL = unique('gc-int');
const NS = unique('gc-int');
/** A /64 of this run inside 2001:db8::/32 that no other test file uses (their webhooks see this pool). */
const BLOCK = `2001:db8:9c:${Math.floor(Math.random() * 0xffff).toString(16)}`;
const NODE = unique('gc-node');

interface State {
  kubeconfig: string;
}

function testbedState(): State {
  const file = process.env['SPIDERPOOL_TESTBED_STATE'];
  if (!file) throw new Error('SPIDERPOOL_TESTBED_STATE is not set: run through the jest "integration" project');
  return JSON.parse(readFileSync(file, 'utf8')) as State;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('timed out');
}

let client: KubeClient;
let ipamProcess: ChildProcess;
let ipamClient: ReturnType<typeof createIpamClient>;
let caches: { pods: Reflector<V1Pod & KubeObject>; nodes: Reflector<V1Node & KubeObject>; endpoints: Reflector<SpiderEndpoint & KubeObject> };

const createIpamClient = (address: string) => createGrpcClient(IpamService, address, { defaultDeadlineMs: 30_000 });

beforeAll(async () => {
  const state = testbedState();
  client = await KubeClient.create(loadKubeConfig(state.kubeconfig));
  await client.create(Resources.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  await client.create(Resources.nodes, { apiVersion: 'v1', kind: 'Node', metadata: { name: NODE } });
  await client.create(Resources.ipPools, { apiVersion: API_VERSION, kind: 'SpiderIPPool', metadata: { name: POOL }, spec: { subnet: `${BLOCK}::/64`, ips: [`${BLOCK}::10-${BLOCK}::60`] } } as KubeObject);
  const [grpcPort, opsPort] = [await freePort(), await freePort()];
  const log = openSync(join(tmpdir(), `${POOL}-ipam-service.log`), 'a');
  ipamProcess = spawn(process.execPath, [join(REPO_ROOT, 'apps', 'ipam-service', 'src', 'main.ts')], {
    stdio: ['ignore', log, log],
    env: { ...process.env, KUBECONFIG: state.kubeconfig, SPIDERPOOL_GRPC_ADDRESS: `127.0.0.1:${grpcPort}`, SPIDERPOOL_OPS_HOST: '127.0.0.1', SPIDERPOOL_OPS_PORT: String(opsPort), SPIDERPOOL_LOG_LEVEL: 'warn', SPIDERPOOL_POD_NAME: POOL },
  });
  await waitFor(async () => (await fetch(`http://127.0.0.1:${opsPort}/readyz`)).ok, 60_000);
  ipamClient = createIpamClient(`127.0.0.1:${grpcPort}`);
  caches = {
    pods: new Reflector(client, Resources.pods, { namespace: NS }),
    nodes: new Reflector(client, Resources.nodes),
    endpoints: new Reflector(client, Resources.endpoints, { namespace: NS }),
  };
}, 90_000);

afterAll(async () => {
  for (const cache of Object.values(caches ?? {})) cache.stop();
  ipamClient?.close();
  if (ipamProcess && ipamProcess.exitCode === null) {
    const exited = new Promise((resolve) => ipamProcess.once('exit', resolve));
    ipamProcess.kill('SIGTERM');
    await exited;
  }
  await client?.delete(Resources.namespaces, NS).catch(() => undefined);
  await client?.delete(Resources.nodes, NODE).catch(() => undefined);
});

async function podWithAddress(name: string): Promise<V1Pod> {
  const pod = await client.create<V1Pod & KubeObject>(Resources.pods, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: NS, annotations: { 'ipam.spidernet.io/ippool': JSON.stringify({ ipv6: [POOL] }) } },
    spec: { nodeName: NODE, containers: [{ name: 'c', image: 'example.invalid/none' }], terminationGracePeriodSeconds: 0 },
  } as V1Pod & KubeObject);
  const uid = pod.metadata?.uid ?? '';
  await ipamClient.allocate({ pod: { namespace: NS, name, uid }, attachment: { containerId: `c-${uid.slice(0, 8)}`, interface: 'eth0', netns: '/var/run/netns/x' }, node: NODE });
  return pod;
}

async function records(): Promise<Map<string, { pod: string; podUid: string }>> {
  const pool = await client.get<SpiderIPPool & KubeObject>(Resources.ipPools, POOL);
  return decodeAllocatedIPs(pool.status?.allocatedIPs, POOL);
}

/** A record for a pod that never existed, written the way a crash would leave it. */
async function writeGhostRecord(ip: string): Promise<void> {
  for (;;) {
    const pool = await client.get<SpiderIPPool & KubeObject>(Resources.ipPools, POOL);
    const map = decodeAllocatedIPs(pool.status?.allocatedIPs, POOL);
    map.set(ip, { pod: `${NS}/ghost`, podUid: 'a6e5f3c0-0000-4000-8000-000000000001', node: NODE, nic: 'eth0' });
    const status = { ...pool.status, allocatedIPs: encodeAllocatedIPs(map), allocatedIPCount: map.size };
    try {
      await client.updateStatus(Resources.ipPools, { ...pool, status } as KubeObject);
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== 'CONFLICT') throw err;
    }
  }
}

function gcParts(): { scanner: Scanner; tracer: Tracer } {
  const real = new KubeClusterReader(client, caches);
  // Only this file's pool and namespace: other test files share the apiserver.
  const cluster: ClusterReader = {
    pools: async () => (await real.pools()).filter((p) => p.pool === POOL),
    endpoints: async () => (await real.endpoints()).filter((e) => e.metadata?.namespace === NS),
    pod: (ns, name, fresh) => real.pod(ns, name, fresh),
    endpoint: (ns, name, fresh) => real.endpoint(ns, name, fresh),
    node: (name) => real.node(name),
    workload: (kind, ns, name) => real.workload(kind, ns, name),
  };
  const logger = createLogger({ service: 'gc-int', level: 'silent' });
  const metrics = createGcMetrics(new Registry());
  const settings = { ...GC_DEFAULTS, orphanRecordGraceMs: 0 };
  const gatherer = new FactGatherer({ cluster, features: { statefulSet: true, kubevirt: true } });
  const orphans = new OrphanLedger();
  const context = { gatherer, orphans, settings, clock: systemClock, metrics, logger };
  const releaser = grpcIpamReleaser(ipamClient);
  const reclaimer = new Reclaimer({ ...context, releaser });
  const tracer = new Tracer({ ...context, cluster, reclaimer, queue: new DueQueue(100), gapMs: 1_000, maxRetries: 3, workers: 3 });
  return { scanner: new Scanner({ ...context, cluster, reclaimer, tracer, releaser, workers: 3, cleanEndpoints: true }), tracer };
}

describe('gc-service scan (real kube-apiserver, real ipam-service)', () => {
  it('reclaims a record without pod or endpoint and a deleted pod\'s record and endpoint, and keeps the live pod', async () => {
    const live = await podWithAddress('live');
    const doomed = await podWithAddress('doomed');
    await client.request('DELETE', `${client.path(Resources.pods, NS, 'doomed')}?gracePeriodSeconds=0`);
    await writeGhostRecord(`${BLOCK}::60`);
    await Promise.all(Object.values(caches).map((c) => c.start()));
    await waitFor(async () => caches.pods.get('doomed', NS) === undefined && caches.pods.get('live', NS) !== undefined, 10_000);

    const before = await records();
    expect([...before.values()].map((r) => r.podUid).sort()).toEqual([live.metadata?.uid, doomed.metadata?.uid, 'a6e5f3c0-0000-4000-8000-000000000001'].sort());

    expect((await client.find<SpiderEndpoint & KubeObject>(Resources.endpoints, 'doomed', NS))?.status?.current.uid).toBe(doomed.metadata?.uid);

    const summary = await gcParts().scanner.scan();

    const after = await records();
    expect([...after.values()].map((r) => r.podUid)).toEqual([live.metadata?.uid]);
    expect(summary.released).toBe(2);
    expect(await client.find(Resources.endpoints, 'doomed', NS)).toBeUndefined();
    expect((await client.find<SpiderEndpoint & KubeObject>(Resources.endpoints, 'live', NS))?.status?.current.uid).toBe(live.metadata?.uid);
  }, 60_000);

  it('reclaims a pod on its watched deletion event through the tracing loop', async () => {
    const { tracer } = gcParts();
    const watched = new Reflector<V1Pod & KubeObject>(client, Resources.pods, { namespace: NS, onEvent: (type, pod) => void tracer.onPodEvent(type, pod) });
    const abort = new AbortController();
    try {
      const pod = await podWithAddress('traced');
      const uid = pod.metadata?.uid ?? '';
      await watched.start();
      const loop = tracer.run(abort.signal);
      expect([...(await records()).values()].some((r) => r.podUid === uid)).toBe(true);
      await client.request('DELETE', `${client.path(Resources.pods, NS, 'traced')}?gracePeriodSeconds=0`);
      await waitFor(async () => ![...(await records()).values()].some((r) => r.podUid === uid), 20_000);
      await waitFor(async () => (await client.find(Resources.endpoints, 'traced', NS)) === undefined, 10_000);
      abort.abort();
      await loop;
    } finally {
      abort.abort();
      watched.stop();
    }
  }, 60_000);
});
