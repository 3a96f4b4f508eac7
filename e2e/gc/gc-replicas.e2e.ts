// SPDX-License-Identifier: Apache-2.0
// Two gc-service replicas on one Lease, each behind its own scoping proxy (see
// scoped-apiserver-proxy.ts), one real ipam-service: only the leader scans and releases;
// SIGKILLing the leader hands over within the lease duration, and every leaked address is
// released exactly once (counted by ipam-service's Release requests and both replicas' metrics).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Resources } from '@spiderpool/k8s';
import { createNode, createPod, deletePod, kube, startIpamServices, stopIpamServices, type IpamProcess, type PodObject } from '../ipam/ipam-harness.ts';
import { sleep } from '../testbed/index.ts';
import { sumSamples } from '../webhook/review-client.ts';
import { allocateIp, eventually, gcScope, holderOf, ippoolAnnotation, leaseHolder, startGcService, type GcProcess } from './gc-harness.ts';

const LEASE_DURATION = 4;

const scope = gcScope('ha');
let ipam: IpamProcess[] = [];
let replicas: GcProcess[] = [];
let ns: string;
let node: string;
let lease: { namespace: string; name: string };

beforeAll(async () => {
  ipam = await startIpamServices(1);
  ns = await scope.nextNamespace();
  node = await createNode();
  lease = { namespace: ns, name: `${scope.prefix}-gc` };
  const env = {
    SPIDERPOOL_GC_DEFAULT_INTERVAL_DURATION: '2',
    SPIDERPOOL_GC_TRACE_POD_GAP_DURATION: '1',
    SPIDERPOOL_GC_ADDITIONAL_GRACE_DELAY: '0',
    SPIDERPOOL_LEADER_DURATION: String(LEASE_DURATION),
    SPIDERPOOL_LEADER_RENEW_DEADLINE: '3',
    SPIDERPOOL_LEADER_RETRY_PERIOD: '1',
  };
  const ipamAddress = ipam[0]?.address ?? '';
  replicas = await Promise.all([startGcService({ scope, ipamAddress, lease, env }), startGcService({ scope, ipamAddress, lease, env })]);
}, 120_000);

afterAll(async () => {
  const k = await kube();
  await Promise.all(replicas.map((r) => r.stop()));
  await stopIpamServices(ipam);
  for (const r of replicas) expect(r.proxy.denied).toEqual([]);
  await k.delete(Resources.namespaces, ns).catch(() => undefined);
  await k.delete(Resources.nodes, node).catch(() => undefined);
}, 60_000);

const ipamReleases = async (): Promise<number> => sumSamples(await (await fetch(`http://127.0.0.1:${ipam[0]?.opsPort ?? 0}/metrics`)).text(), 'spiderpool_ipam_release_counts_total');
const leaderOf = async (): Promise<GcProcess | undefined> => {
  const holder = await leaseHolder(lease);
  return replicas.find((r) => holder?.startsWith(`${r.name}-`) && r.process.running);
};

describe('gc-service replicas', () => {
  it('only the leader acts; killing it hands over within the lease duration; no release is done twice', async () => {
    const leader = await eventually('a leader', leaderOf, 30_000);
    const follower = replicas.find((r) => r !== leader);
    if (!follower) throw new Error('no follower');
    await eventually('the leader’s start-up scan', async () => ((await leader.metric('spiderpool_gc_scan_duration_seconds_count')) ? true : undefined), 30_000);

    const pool = await scope.nextPool(8);
    const pods: PodObject[] = [];
    for (let i = 0; i < 6; i++) pods.push(await createPod({ namespace: ns, node, annotations: ippoolAnnotation(pool) }));
    const ips: string[] = [];
    for (const pod of pods) ips.push(await allocateIp(ipam[0]!.client, pod, node));
    const releasesBefore = await ipamReleases();

    // First batch: leaked while the first leader leads.
    for (const pod of pods.slice(0, 3)) await deletePod(ns, pod.metadata.name);
    await eventually('the first batch released', async () => {
      for (const ip of ips.slice(0, 3)) if ((await holderOf(pool, ip)) !== undefined) return undefined;
      return true;
    }, 15_000);
    await sleep(3_000); // a scan or two more
    expect(await leader.metric('spiderpool_gc_reclaimed_ips_total')).toBe(3);
    expect(await follower.metric('spiderpool_gc_reclaimed_ips_total')).toBe(0);
    expect(await follower.metric('spiderpool_gc_scan_duration_seconds_count')).toBe(0);
    expect(await follower.metric('spiderpool_gc_candidates_total')).toBe(0);
    expect(follower.proxy.forwarded.get('GET spiderippools') ?? 0).toBe(0);
    expect(await ipamReleases()).toBe(releasesBefore + 3);

    // Kill the leader without letting it release the Lease; leak the rest meanwhile.
    const killed = Date.now();
    process.kill(leader.process.pid ?? 0, 'SIGKILL');
    await leader.process.exited();
    for (const pod of pods.slice(3)) await deletePod(ns, pod.metadata.name);
    const newLeader = await eventually('the follower to take over', async () => ((await leaderOf()) === follower ? follower : undefined), (LEASE_DURATION + 10) * 1000, 100);
    expect(newLeader).toBe(follower);
    expect(Date.now() - killed).toBeLessThanOrEqual((LEASE_DURATION + 2) * 1000);

    await eventually('the second batch released by the new leader', async () => {
      for (const ip of ips.slice(3)) if ((await holderOf(pool, ip)) !== undefined) return undefined;
      return true;
    }, 20_000);
    await sleep(3_000);
    expect(await follower.metric('spiderpool_gc_reclaimed_ips_total')).toBe(3);
    // One Release per leaked pod, in all: nothing was released twice.
    expect(await ipamReleases()).toBe(releasesBefore + 6);
  }, 120_000);
});
