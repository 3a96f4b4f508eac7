// SPDX-License-Identifier: Apache-2.0
// Runs real gc-service processes (apps/gc-service/src/main.ts) against the test bed, each behind
// a scoping apiserver proxy (see scoped-apiserver-proxy.ts) so that it sees only the pools and
// namespaces of one test file, plus the helpers the GC scenarios share.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { SpiderIPPool } from '@spiderpool/crds';
import { encodeAllocatedIPs, decodeAllocatedIPs } from '@spiderpool/ipam-domain';
import { Resources, type KubeObject } from '@spiderpool/k8s';
import { eventually, freePort, ManagedProcess, REPO_ROOT, testbed } from '../testbed/index.ts';

export { eventually };
import { sumSamples } from '../webhook/review-client.ts';
import { addRequest, createPool, kube, poolRecords, type IpamClient, type PodObject } from '../ipam/ipam-harness.ts';
import { startScopedProxy, type ScopedProxy } from './scoped-apiserver-proxy.ts';

export const IPPOOL = 'ipam.spidernet.io/ippool';

/** One test file's scope: every namespace and pool it creates starts with `prefix`. */
export interface GcScope {
  prefix: string;
  /** A random /48 of 2001:db8::/32 for this run, e.g. `2001:db8:1a2b`. */
  v6: string;
  nextNamespace(): Promise<string>;
  /** A pool `<prefix>-p<n>` of `size` addresses in its own /64 of the run's /48. */
  nextPool(size: number): Promise<string>;
}

export function gcScope(tag: string): GcScope {
  const prefix = `gce2e-${tag}-${randomBytes(3).toString('hex')}`;
  // A hextet without leading zeros: addresses are compared in their canonical text.
  const v6 = `2001:db8:${(0x1000 + (randomBytes(2).readUInt16BE(0) % 0xf000)).toString(16)}`;
  let namespaces = 0;
  let pools = 0;
  return {
    prefix,
    v6,
    async nextNamespace() {
      const name = `${prefix}-ns${++namespaces}`;
      await (await kube()).create(Resources.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
      return name;
    },
    async nextPool(size) {
      const n = ++pools;
      const last = (0x10 + size - 1).toString(16);
      return createPool({ ipVersion: 6, subnet: `${v6}:${n.toString(16)}::/64`, ips: [`${v6}:${n.toString(16)}::10-${v6}:${n.toString(16)}::${last}`] }, `${prefix}-p${n}`);
    },
  };
}

export interface GcProcess {
  name: string;
  process: ManagedProcess;
  proxy: ScopedProxy;
  opsPort: number;
  metrics(): Promise<string>;
  /** Sum of a metric's samples matching the labels. */
  metric(name: string, match?: Record<string, string>): Promise<number>;
  stop(): Promise<void>;
}

export interface GcServiceOptions {
  scope: GcScope;
  ipamAddress: string;
  /** Namespace (in scope) and name of the Lease. */
  lease: { namespace: string; name: string };
  env?: Record<string, string>;
}

/** Starts a gc-service replica; it is ready once its ops server answers (leadership comes later). */
/** Short leader timings, so that tests see leadership within seconds. */
export const FAST_LEADER_ENV = { SPIDERPOOL_LEADER_DURATION: '6', SPIDERPOOL_LEADER_RENEW_DEADLINE: '4', SPIDERPOOL_LEADER_RETRY_PERIOD: '1' };

/** One gc-service with fast leader timings, returned once it holds the Lease and finished its start-up scan. */
export async function startLeadingGcService(o: GcServiceOptions): Promise<GcProcess> {
  const gc = await startGcService({ ...o, env: { ...FAST_LEADER_ENV, ...o.env } });
  await eventually('gc-service to lead', async () => ((await leaseHolder(o.lease))?.startsWith(gc.name) ? true : undefined), 30_000);
  await eventually('the start-up scan', async () => ((await gc.metric('spiderpool_gc_scan_duration_seconds_count')) ? true : undefined), 30_000);
  return gc;
}

export async function startGcService(o: GcServiceOptions): Promise<GcProcess> {
  const tb = testbed();
  const logs = join(tb.stateDir, 'logs');
  mkdirSync(logs, { recursive: true });
  const name = `${o.scope.prefix}-gc-${randomBytes(2).toString('hex')}`;
  const proxy = await startScopedProxy(o.scope.prefix, name);
  const opsPort = await freePort();
  const process_ = new ManagedProcess({
    name,
    command: process.execPath,
    args: [join(REPO_ROOT, 'apps', 'gc-service', 'src', 'main.ts')],
    logFile: join(logs, `${name}.log`),
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      KUBECONFIG: proxy.kubeconfig,
      SPIDERPOOL_IPAM_SERVICE_ADDRESS: o.ipamAddress,
      SPIDERPOOL_OPS_HOST: '127.0.0.1',
      SPIDERPOOL_OPS_PORT: String(opsPort),
      SPIDERPOOL_POD_NAME: name,
      SPIDERPOOL_LOG_LEVEL: 'debug',
      SPIDERPOOL_GC_LEASE_NAMESPACE: o.lease.namespace,
      SPIDERPOOL_GC_LEASE_NAME: o.lease.name,
      SPIDERPOOL_SHUTDOWN_TIMEOUT_MS: '5000',
      ...o.env,
    },
  });
  const metrics = async (): Promise<string> => (await fetch(`http://127.0.0.1:${opsPort}/metrics`)).text();
  const gc: GcProcess = {
    name,
    process: process_,
    proxy,
    opsPort,
    metrics,
    metric: async (metric, match = {}) => sumSamples(await metrics(), metric, match),
    async stop() {
      await process_.stop();
      await proxy.close();
    },
  };
  try {
    await process_.waitReady(async () => (await fetch(`http://127.0.0.1:${opsPort}/healthz`)).ok, 60_000);
  } catch (err) {
    await gc.stop();
    throw err;
  }
  return gc;
}

/** The replica name in the Lease's holderIdentity (undefined when nobody holds it). */
export async function leaseHolder(lease: { namespace: string; name: string }): Promise<string | undefined> {
  const k = await kube();
  const obj = await k.find<KubeObject & { spec?: { holderIdentity?: string } }>(Resources.leases, lease.name, lease.namespace);
  return obj?.spec?.holderIdentity || undefined;
}


/** Allocates the pod's eth0 through Allocate, as the CNI ADD would; answers the IP (no prefix). */
export async function allocateIp(svc: IpamClient, pod: PodObject, node: string): Promise<string> {
  const res = await svc.allocate(addRequest(pod, node));
  const ip = res.ips[0]?.address.split('/')[0];
  if (!ip) throw new Error(`no address allocated for ${pod.metadata.namespace}/${pod.metadata.name}`);
  return ip;
}

/** The UID the pool records for `ip`, undefined when the address is free. */
export async function holderOf(pool: string, ip: string): Promise<string | undefined> {
  return (await poolRecords(pool)).records.get(ip)?.podUid;
}

export const ippoolAnnotation = (pool: string): Record<string, string> => ({ [IPPOOL]: JSON.stringify({ ipv6: [pool] }) });

/** Writes a record straight into the pool status, as a crash between the pool and endpoint writes leaves it. */
export async function writeRecord(pool: string, ip: string, record: { pod: string; podUid: string; node: string; nic?: string }): Promise<void> {
  const k = await kube();
  for (let attempt = 0; attempt < 20; attempt++) {
    const obj = await k.get<SpiderIPPool & KubeObject>(Resources.ipPools, pool);
    const map = decodeAllocatedIPs(obj.status?.allocatedIPs, pool);
    map.set(ip, { nic: 'eth0', ...record });
    try {
      await k.updateStatus(Resources.ipPools, { ...obj, status: { ...obj.status, allocatedIPs: encodeAllocatedIPs(map), allocatedIPCount: map.size } } as KubeObject);
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== 'CONFLICT') throw err;
    }
  }
  throw new Error(`could not write a record into ${pool}`);
}

/** Sets the node's Ready condition, as a kubelet (or the node lifecycle controller) would. */
export async function setNodeReady(node: string, ready: boolean): Promise<void> {
  const k = await kube();
  // kwok and the node lifecycle controller write node status too: retry on a lost race.
  for (let attempt = 0; attempt < 20; attempt++) {
    const now = new Date().toISOString();
    const obj = await k.get<KubeObject & { status?: Record<string, unknown> }>(Resources.nodes, node);
    const condition = { type: 'Ready', status: ready ? 'True' : 'False', reason: ready ? 'KubeletReady' : 'KubeletNotReady', lastHeartbeatTime: now, lastTransitionTime: now, message: 'set by the gc e2e test' };
    try {
      await k.updateStatus(Resources.nodes, { ...obj, status: { ...obj.status, conditions: [condition] } } as KubeObject);
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== 'CONFLICT') throw err;
    }
  }
  throw new Error(`could not set the Ready condition of node ${node}`);
}
