// SPDX-License-Identifier: Apache-2.0
// Leader election against the test bed's real kube-apiserver: real Lease objects, real
// resourceVersion conflicts, real time. The test bed is reached through the state file that the
// jest integration project's global setup publishes (this library may not import the e2e package).
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { KubeClient, type KubeObject } from './kube-client.ts';
import { loadKubeConfig } from './kubeconfig.ts';
import { LeaderElector } from './leader-election.ts';
import { kubeLeasePort, type LeasePort } from './lease-port.ts';
import { Resources } from './resources.ts';

const TIMING = { leaseDurationMs: 5_000, renewDeadlineMs: 3_000, retryPeriodMs: 250 };

let client: KubeClient;
let namespace: string;
const electors: LeaderElector[] = [];

function testbedKubeconfig(): string {
  const file = process.env['SPIDERPOOL_TESTBED_STATE'];
  if (!file) throw new Error('SPIDERPOOL_TESTBED_STATE is not set: run through the jest "integration" project');
  return (JSON.parse(readFileSync(file, 'utf8')) as { kubeconfig: string }).kubeconfig;
}

const unique = (prefix: string): string => `${prefix}-${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  client = await KubeClient.create(loadKubeConfig(testbedKubeconfig()));
  namespace = unique('leader-election');
  await client.create(Resources.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
});

afterEach(async () => {
  await Promise.all(electors.splice(0).map((e) => e.stop({ release: false })));
});

afterAll(async () => {
  await client?.delete(Resources.namespaces, namespace);
});

/** One candidate plus what happened to it, in real (epoch) time. */
interface Candidate {
  identity: string;
  elector: LeaderElector;
  started: number[];
  stopped: number[];
}

function candidate(lease: string, identity: string, port?: LeasePort): Candidate {
  const c: Candidate = { identity, started: [], stopped: [], elector: undefined as unknown as LeaderElector };
  c.elector = new LeaderElector({
    ...(port ? { lease: port } : { client, namespace, name: lease }),
    identity,
    ...TIMING,
    onStartedLeading: () => {
      c.started.push(Date.now());
    },
    onStoppedLeading: () => {
      c.stopped.push(Date.now());
    },
    onError: () => {},
  });
  electors.push(c.elector);
  return c;
}

/** Samples isLeader() of every candidate every few milliseconds and counts instants with two leaders. */
function overlapMonitor(cs: Candidate[]): { overlaps: () => number; stop: () => void } {
  let overlaps = 0;
  const timer = setInterval(() => {
    if (cs.filter((c) => c.elector.isLeader()).length > 1) overlaps += 1;
  }, 5);
  return { overlaps: () => overlaps, stop: () => clearInterval(timer) };
}

async function waitFor(predicate: () => boolean, limitMs: number, what: string): Promise<number> {
  const begin = Date.now();
  while (!predicate()) {
    if (Date.now() - begin > limitMs) throw new Error(`${what}: not within ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return Date.now() - begin;
}

async function electedPair(lease: string): Promise<{ leader: Candidate; follower: Candidate }> {
  const a = candidate(lease, unique('a'));
  const b = candidate(lease, unique('b'));
  await a.elector.start();
  await b.elector.start();
  await waitFor(() => a.elector.isLeader() || b.elector.isLeader(), 10_000, 'a first leader');
  return a.elector.isLeader() ? { leader: a, follower: b } : { leader: b, follower: a };
}

async function holderOf(lease: string): Promise<string | undefined> {
  const object = await client.get<KubeObject & { spec?: { holderIdentity?: string } }>(Resources.leases, lease, namespace);
  return object.spec?.holderIdentity;
}

describe('LeaderElector on a real Lease', () => {
  it('elects one of two candidates and hands over at once when the leader stops', async () => {
    const lease = unique('release');
    const { leader, follower } = await electedPair(lease);
    const monitor = overlapMonitor([leader, follower]);
    // Several renewals go by with a single leader.
    await new Promise((resolve) => setTimeout(resolve, 2 * TIMING.retryPeriodMs * 4));
    expect(follower.elector.isLeader()).toBe(false);
    expect(await holderOf(lease)).toBe(leader.identity);

    const stoppedAt = Date.now();
    await leader.elector.stop();
    const handover = await waitFor(() => follower.elector.isLeader(), 10_000, 'handover after release');
    monitor.stop();

    expect(leader.stopped).toHaveLength(1);
    // A release lets the follower in at its next attempt, long before the lease would expire.
    expect(Date.now() - stoppedAt).toBeLessThan(TIMING.leaseDurationMs);
    expect(handover).toBeLessThan(TIMING.leaseDurationMs);
    expect(await holderOf(lease)).toBe(follower.identity);
    expect(monitor.overlaps()).toBe(0);
    expect(follower.started[0]).toBeGreaterThanOrEqual(leader.stopped[0] ?? Number.POSITIVE_INFINITY);
  });

  it('hands over within the lease duration when the leader dies without releasing', async () => {
    const lease = unique('kill');
    const { leader, follower } = await electedPair(lease);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const killedAt = Date.now();
    await leader.elector.stop({ release: false });
    expect(await holderOf(lease)).toBe(leader.identity);

    await waitFor(() => follower.elector.isLeader(), TIMING.leaseDurationMs + 5_000, 'takeover after expiry');
    const took = Date.now() - killedAt;
    // The last renewal happened at most one retry period (plus a request) before the kill, and
    // the follower waited a full lease from when it saw it.
    expect(took).toBeGreaterThanOrEqual(TIMING.leaseDurationMs - TIMING.retryPeriodMs - 500);
    expect(took).toBeLessThan(TIMING.leaseDurationMs + 3_000);
    expect(await holderOf(lease)).toBe(follower.identity);
  });

  it('never has two leaders when the leader is cut off from the API server', async () => {
    const lease = unique('partition');
    let partitioned = false;
    const real = kubeLeasePort(client, namespace, lease);
    // Requests of the cut-off candidate never get an answer, like a silent network partition.
    const blackhole = <T>(call: () => Promise<T>): Promise<T> => (partitioned ? new Promise<T>(() => {}) : call());
    const cutOff: LeasePort = {
      get: () => blackhole(() => real.get()),
      create: (record) => blackhole(() => real.create(record)),
      update: (record, rv) => blackhole(() => real.update(record, rv)),
    };
    const a = candidate(lease, unique('a'), cutOff);
    await a.elector.start();
    await waitFor(() => a.elector.isLeader(), 10_000, 'a leads');
    const b = candidate(lease, unique('b'));
    await b.elector.start();
    const monitor = overlapMonitor([a, b]);
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    partitioned = true;
    await waitFor(() => b.elector.isLeader(), TIMING.leaseDurationMs + 5_000, 'b takes over');
    monitor.stop();

    expect(monitor.overlaps()).toBe(0);
    expect(a.stopped).toHaveLength(1);
    expect(b.started[0]).toBeGreaterThan(a.stopped[0] ?? Number.POSITIVE_INFINITY);
    expect(await holderOf(lease)).toBe(b.identity);
  });
});
