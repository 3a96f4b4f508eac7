// SPDX-License-Identifier: Apache-2.0
// Concurrency proof: three ipam-service replicas, 500 pods allocating at once across two
// dual-stack pool pairs, then all released — once with Redis up, once with Redis stopped in
// the middle. No address may ever be held by two pods, every request must be answered, and
// pool records, endpoints and answers must agree.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RedisServer } from '../testbed/redis-server.ts';
import { uniqueName } from '../testbed/index.ts';
import {
  addRequest, createNamespace, createNode, createPod, createPool, delRequest, deletePod, endpointOf, poolRecords,
  startIpamServices, stopIpamServices, type IpamProcess, type PodObject,
} from './ipam-harness.ts';

const PODS = 500;
const IN_FLIGHT = 64;
const dir = mkdtempSync(join(tmpdir(), 'ipam-concurrency-'));
const redis = new RedisServer(dir);
let svc: IpamProcess[];
let ns: string;
let nodes: string[];

beforeAll(async () => {
  await redis.start();
  svc = await startIpamServices(3, { redis: redis.url });
  ns = await createNamespace();
  nodes = await Promise.all(Array.from({ length: 10 }, () => createNode()));
}, 120_000);

afterAll(async () => {
  await stopIpamServices(svc);
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function bounded<T>(count: number, task: (i: number) => Promise<T>): Promise<Array<PromiseSettledResult<T>>> {
  const results: Array<PromiseSettledResult<T>> = new Array(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i).then((value) => ({ status: 'fulfilled', value }) as const, (reason: unknown) => ({ status: 'rejected', reason }) as const);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return results;
}

async function scenario(label: string, stopRedisAfter: number | undefined): Promise<void> {
  // 250 + 250 addresses per family: the first pool of each family fills up, the second takes the rest.
  const tag = uniqueName(label);
  const a4 = await createPool({ subnet: '192.0.2.0/24', ips: ['192.0.2.1-192.0.2.250'] }, `${tag}-a4`);
  const b4 = await createPool({ subnet: '198.51.100.0/24', ips: ['198.51.100.1-198.51.100.250'] }, `${tag}-b4`);
  const a6 = await createPool({ subnet: '2001:db8:a::/64', ips: ['2001:db8:a::1-2001:db8:a::fa'] }, `${tag}-a6`);
  const b6 = await createPool({ subnet: '2001:db8:b::/64', ips: ['2001:db8:b::1-2001:db8:b::fa'] }, `${tag}-b6`);
  const annotations = { 'ipam.spidernet.io/ippool': JSON.stringify({ ipv4: [a4, b4], ipv6: [a6, b6] }) };
  const pods: PodObject[] = [];
  for (const r of await bounded(PODS, (i) => createPod({ namespace: ns, name: `${tag}-${i}`, node: nodes[i % nodes.length] ?? '', annotations }))) {
    if (r.status === 'rejected') throw r.reason;
    pods.push(r.value);
  }

  let answered = 0;
  const results = await bounded(PODS, async (i) => {
    const pod = pods[i] as PodObject;
    const res = await (svc[i % svc.length] as IpamProcess).client.allocate(addRequest(pod, nodes[i % nodes.length] ?? ''));
    if (++answered === stopRedisAfter) await redis.stop();
    return res;
  });
  const failures = results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
  expect(failures).toEqual([]);

  // Answers: one v4 and one v6 address per pod, never the same address for two pods.
  const byPod = new Map<string, { v4: string; v6: string }>();
  results.forEach((r, i) => {
    const ips = (r as PromiseFulfilledResult<{ ips: Array<{ address: string; version: number }> }>).value.ips;
    byPod.set((pods[i] as PodObject).metadata.uid, { v4: ips.find((x) => x.version === 4)?.address ?? '', v6: ips.find((x) => x.version === 6)?.address ?? '' });
  });
  const v4 = [...byPod.values()].map((x) => x.v4);
  const v6 = [...byPod.values()].map((x) => x.v6);
  expect(new Set(v4).size).toBe(PODS);
  expect(new Set(v6).size).toBe(PODS);

  // Pool records == answers (every record owned by the pod that was told the address).
  const recorded = new Map<string, string>();
  for (const pool of [a4, b4, a6, b6]) {
    const { pool: obj, records } = await poolRecords(pool);
    expect(obj.status?.allocatedIPCount).toBe(records.size);
    for (const [ip, rec] of records) recorded.set(ip, rec.podUid);
  }
  expect(recorded.size).toBe(2 * PODS);
  for (const [uid, ips] of byPod) {
    expect(recorded.get(ips.v4.split('/')[0] ?? '')).toBe(uid);
    expect(recorded.get(ips.v6.split('/')[0] ?? '')).toBe(uid);
  }
  // Endpoints == answers.
  const sample = await Promise.all(pods.map((p) => endpointOf(ns, p.metadata.name)));
  sample.forEach((ep, i) => {
    const want = byPod.get((pods[i] as PodObject).metadata.uid);
    expect(ep?.status?.current.ips).toEqual([expect.objectContaining({ interface: 'eth0', ipv4: want?.v4, ipv6: want?.v6 })]);
  });

  // Release everything (pods gone first, as with a real deletion).
  await bounded(PODS, (i) => deletePod(ns, (pods[i] as PodObject).metadata.name));
  const released = await bounded(PODS, (i) => (svc[(i + 1) % svc.length] as IpamProcess).client.release(delRequest(pods[i] as PodObject, nodes[i % nodes.length] ?? '')));
  expect(released.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
  for (const pool of [a4, b4, a6, b6]) {
    const { pool: obj, records } = await poolRecords(pool);
    expect({ pool, records: records.size, count: obj.status?.allocatedIPCount }).toEqual({ pool, records: 0, count: 0 });
  }
  const leftovers = (await Promise.all(pods.map((p) => endpointOf(ns, p.metadata.name)))).filter(Boolean);
  expect(leftovers).toHaveLength(0);
}

describe('three replicas, 500 dual-stack pods at once', () => {
  it('with Redis up: unique addresses, records == endpoints == answers, all released', async () => {
    await scenario('rup', undefined);
  }, 300_000);

  it('with Redis stopped mid-run: the same guarantees on compare-and-swap alone', async () => {
    await scenario('rdown', PODS / 2);
    const degraded = await Promise.all(svc.map(async (s) => (await fetch(`http://127.0.0.1:${s.opsPort}/metrics`)).text()));
    expect(degraded.some((t) => /spiderpool_ipam_lock_degraded 1/.test(t))).toBe(true);
  }, 300_000);
});
