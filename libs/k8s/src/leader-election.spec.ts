// SPDX-License-Identifier: Apache-2.0
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { SpiderpoolError } from '@spiderpool/errors';
import { ManualClock, settle } from './clock.ts';
import { LeaderElector, type LeaderElectorOptions } from './leader-election.ts';
import type { LeasePort, LeaseRecord, LeaseSnapshot } from './lease-port.ts';

/** One Lease object in memory, with the API server's compare-and-swap semantics. */
class LeaseStore {
  snapshot: LeaseSnapshot | undefined;
  #version = 0;

  write(record: LeaseRecord): LeaseSnapshot {
    this.#version += 1;
    this.snapshot = { record: { ...record }, resourceVersion: String(this.#version) };
    return this.snapshot;
  }
}

type Fault = 'none' | 'fail' | 'hang';

/** A candidate's view of the store; `fault` simulates a partition between it and the API server. */
class FakeLeasePort implements LeasePort {
  fault: Fault = 'none';
  conflictsToInject = 0;
  readonly #store: LeaseStore;

  constructor(store: LeaseStore) {
    this.#store = store;
  }

  async get(): Promise<LeaseSnapshot | undefined> {
    await this.#network();
    return this.#store.snapshot;
  }

  async create(record: LeaseRecord): Promise<LeaseSnapshot> {
    await this.#network();
    if (this.#store.snapshot) throw new SpiderpoolError('ALREADY_EXISTS', 'lease');
    return this.#store.write(record);
  }

  async update(record: LeaseRecord, resourceVersion: string): Promise<LeaseSnapshot> {
    await this.#network();
    if (this.conflictsToInject > 0) {
      this.conflictsToInject -= 1;
      throw new SpiderpoolError('CONFLICT', 'lease (injected)');
    }
    if (this.#store.snapshot?.resourceVersion !== resourceVersion) throw new SpiderpoolError('CONFLICT', 'lease');
    return this.#store.write(record);
  }

  async #network(): Promise<void> {
    await Promise.resolve();
    if (this.fault === 'fail') throw new SpiderpoolError('UNAVAILABLE', 'partitioned');
    if (this.fault === 'hang') await new Promise<never>(() => {});
  }
}

const TIMING = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };
const STEP = 100;

interface Candidate {
  elector: LeaderElector;
  port: FakeLeasePort;
  started: number[];
  stopped: number[];
  termSignals: AbortSignal[];
  errors: unknown[];
}

let clock: ManualClock;
let store: LeaseStore;
const electors: LeaderElector[] = [];

function candidate(identity: string, overrides: Partial<LeaderElectorOptions> = {}): Candidate {
  const port = new FakeLeasePort(store);
  const c: Candidate = { elector: undefined as unknown as LeaderElector, port, started: [], stopped: [], termSignals: [], errors: [] };
  c.elector = new LeaderElector({
    lease: port,
    identity,
    clock,
    ...TIMING,
    onStartedLeading: (signal) => {
      c.started.push(clock.now());
      c.termSignals.push(signal);
    },
    onStoppedLeading: () => c.stopped.push(clock.now()),
    onError: (err) => c.errors.push(err),
    ...overrides,
  } as LeaderElectorOptions);
  electors.push(c.elector);
  return c;
}

async function startAll(...cs: Candidate[]): Promise<void> {
  for (const c of cs) await c.elector.start();
  await settle();
}

/** Runs virtual time until `predicate` holds; fails after `limitMs`. Returns the elapsed time. */
async function until(predicate: () => boolean, limitMs: number, each?: () => void): Promise<number> {
  const begin = clock.now();
  while (!predicate()) {
    if (clock.now() - begin > limitMs) throw new Error(`condition not met within ${limitMs} ms of virtual time`);
    await clock.run(STEP, STEP, each);
  }
  return clock.now() - begin;
}

function noOverlap(a: Candidate, b: Candidate): () => void {
  return () => {
    if (a.elector.isLeader() && b.elector.isLeader()) throw new Error(`two leaders at ${clock.now()}`);
  };
}

/** Stops an elector while letting virtual time pass (a stop may wait for work to settle). */
async function stopInVirtualTime(c: Candidate, options?: { release?: boolean }): Promise<void> {
  let done = false;
  const stopping = c.elector.stop(options).then(() => {
    done = true;
  });
  await until(() => done, 60_000);
  await stopping;
}

beforeEach(() => {
  clock = new ManualClock();
  store = new LeaseStore();
});

afterEach(async () => {
  // Like a crash: no release, so nothing depends on the order in which tests stop electors.
  for (const e of electors.splice(0)) {
    const stopping = e.stop({ release: false });
    clock.advance(TIMING.renewDeadlineMs);
    await stopping;
  }
});

describe('LeaderElector', () => {
  it('takes a free lease at once and records itself as holder', async () => {
    const a = candidate('a');
    const leaders: string[] = [];
    const withObserver = candidate('observer', { onNewLeader: (id: string) => leaders.push(id) });
    await startAll(a);
    expect(a.elector.isLeader()).toBe(true);
    expect(a.started).toEqual([clock.now()]);
    expect(store.snapshot?.record).toMatchObject({ holderIdentity: 'a', leaseDurationSeconds: 15, leaseTransitions: 0, renewTime: clock.now() });
    await startAll(withObserver);
    expect(withObserver.elector.isLeader()).toBe(false);
    expect(withObserver.elector.leader()).toBe('a');
    expect(leaders).toEqual(['a']);
  });

  it('lets exactly one of two candidates lead, at every instant of a long run', async () => {
    const a = candidate('a');
    const b = candidate('b');
    await startAll(a, b);
    await clock.run(120_000, STEP, () => {
      noOverlap(a, b)();
      expect(a.elector.isLeader() || b.elector.isLeader()).toBe(true);
    });
    expect(a.started.length + b.started.length).toBe(1);
    expect(store.snapshot?.record.leaseTransitions).toBe(0);
  });

  it('renews through an injected conflict without ending the term', async () => {
    const a = candidate('a');
    await startAll(a);
    a.port.conflictsToInject = 2;
    await clock.run(30_000, STEP, () => expect(a.elector.isLeader()).toBe(true));
    expect(a.stopped).toEqual([]);
    expect(a.errors).toEqual([]);
    expect(store.snapshot?.record.holderIdentity).toBe('a');
  });

  it('hands over within one retry period when the leader stops and releases', async () => {
    const a = candidate('a');
    const b = candidate('b');
    await startAll(a, b);
    await clock.run(10_000, STEP, noOverlap(a, b));
    await stopInVirtualTime(a);
    expect(a.stopped).toHaveLength(1);
    expect(a.termSignals[0]?.aborted).toBe(true);
    expect(store.snapshot?.record.holderIdentity).toBe('');
    const took = await until(() => b.elector.isLeader(), 60_000);
    expect(took).toBeLessThanOrEqual(TIMING.retryPeriodMs + STEP);
    expect(store.snapshot?.record).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
  });

  it('makes the others wait out the lease after a leader dies without releasing', async () => {
    const a = candidate('a');
    const b = candidate('b');
    await startAll(a, b);
    await clock.run(10_000, STEP, noOverlap(a, b));
    const lastRenewal = store.snapshot?.record.renewTime ?? 0;
    await stopInVirtualTime(a, { release: false });
    expect(store.snapshot?.record.holderIdentity).toBe('a');
    await until(() => b.elector.isLeader(), 60_000);
    // b first saw a's last renewal at or after it was written, and waited a full lease from then.
    expect(clock.now()).toBeGreaterThanOrEqual(lastRenewal + TIMING.leaseDurationMs);
    expect(clock.now()).toBeLessThanOrEqual(lastRenewal + TIMING.leaseDurationMs + 2 * TIMING.retryPeriodMs);
    expect(store.snapshot?.record).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1, acquireTime: store.snapshot?.record.renewTime });
  });

  it.each(['fail', 'hang'] as const)('steps a partitioned leader down before anyone else takes over (%s)', async (fault) => {
    const a = candidate('a');
    const b = candidate('b');
    await startAll(a, b);
    await clock.run(5_000, STEP, noOverlap(a, b));
    const partitionedAt = clock.now();
    a.port.fault = fault;
    let aStoppedAt: number | undefined;
    await until(() => b.elector.isLeader(), 60_000, () => {
      noOverlap(a, b)();
      if (aStoppedAt === undefined && !a.elector.isLeader()) aStoppedAt = clock.now();
    });
    expect(aStoppedAt).toBeDefined();
    expect(aStoppedAt).toBeLessThanOrEqual(partitionedAt + TIMING.renewDeadlineMs);
    expect(a.stopped).toHaveLength(1);
    expect(a.termSignals[0]?.aborted).toBe(true);
    expect(b.started).toHaveLength(1);
    expect(b.started[0]).toBeGreaterThan(a.stopped[0] ?? Number.POSITIVE_INFINITY);

    // Healed, the former leader campaigns again but never overlaps with the new one.
    a.port.fault = 'none';
    await clock.run(60_000, STEP, () => {
      noOverlap(a, b)();
      expect(b.elector.isLeader()).toBe(true);
    });
    expect(a.started).toHaveLength(1);
  });

  it('honours the holder’s own, longer lease duration', async () => {
    store.write({ holderIdentity: 'other', leaseDurationSeconds: 60, acquireTime: clock.now(), renewTime: clock.now(), leaseTransitions: 3 });
    const a = candidate('a');
    await startAll(a);
    const waited = await until(() => a.elector.isLeader(), 120_000);
    expect(waited).toBeGreaterThanOrEqual(60_000);
    expect(store.snapshot?.record).toMatchObject({ holderIdentity: 'a', leaseTransitions: 4 });
  });

  it('measures expiry on its own clock, never from the holder’s renewTime', async () => {
    // The holder's clock may be an hour behind (or the holder long dead): either way a
    // candidate waits a full lease from when it first saw this version of the record.
    store.write({ holderIdentity: 'other', leaseDurationSeconds: 15, acquireTime: clock.now() - 3_600_000, renewTime: clock.now() - 3_600_000, leaseTransitions: 0 });
    const a = candidate('a');
    await startAll(a);
    const waited = await until(() => a.elector.isLeader(), 60_000);
    expect(waited).toBeGreaterThanOrEqual(TIMING.leaseDurationMs);
  });

  it('steps down at its next renewal when the lease shows another holder', async () => {
    const a = candidate('a');
    await startAll(a);
    await clock.run(3_000, STEP);
    store.write({ holderIdentity: 'intruder', leaseDurationSeconds: 15, acquireTime: clock.now(), renewTime: clock.now(), leaseTransitions: 1 });
    const took = await until(() => !a.elector.isLeader(), TIMING.renewDeadlineMs);
    expect(took).toBeLessThanOrEqual(TIMING.retryPeriodMs + STEP);
    expect(a.stopped).toHaveLength(1);
    expect(a.elector.leader()).toBe('intruder');
  });

  it('keeps acquireTime and the transition count across its own renewals', async () => {
    const a = candidate('a');
    await startAll(a);
    const acquiredAt = clock.now();
    await clock.run(20_000, STEP);
    expect(store.snapshot?.record).toMatchObject({ holderIdentity: 'a', acquireTime: acquiredAt, leaseTransitions: 0 });
    expect(store.snapshot?.record.renewTime).toBeGreaterThan(acquiredAt);
  });

  it('waits for the term’s work before releasing', async () => {
    let finish: () => void = () => {};
    const a = candidate('a', {
      onStartedLeading: (signal: AbortSignal) =>
        new Promise<void>((resolve) => {
          finish = resolve;
          void signal;
        }),
    });
    await startAll(a);
    let stopped = false;
    const stopping = a.elector.stop().then(() => {
      stopped = true;
    });
    await clock.run(1_000, STEP);
    expect(stopped).toBe(false);
    expect(store.snapshot?.record.holderIdentity).toBe('a');
    finish();
    await stopping;
    expect(store.snapshot?.record.holderIdentity).toBe('');
  });

  it('leaves the lease to expire when the work ignores the end of its term', async () => {
    const a = candidate('a', { onStartedLeading: () => new Promise<void>(() => {}) });
    await startAll(a);
    await stopInVirtualTime(a);
    expect(a.stopped).toHaveLength(1);
    expect(store.snapshot?.record.holderIdentity).toBe('a');
  });

  it('stops and releases when its signal aborts', async () => {
    const abort = new AbortController();
    const a = candidate('a', { signal: abort.signal });
    await startAll(a);
    abort.abort();
    await a.elector.stop();
    expect(a.stopped).toHaveLength(1);
    expect(store.snapshot?.record.holderIdentity).toBe('');
  });

  it('reports API failures and keeps campaigning', async () => {
    const a = candidate('a');
    a.port.fault = 'fail';
    await startAll(a);
    await clock.run(5_000, STEP);
    expect(a.elector.isLeader()).toBe(false);
    expect(a.errors.length).toBeGreaterThan(0);
    a.port.fault = 'none';
    await until(() => a.elector.isLeader(), TIMING.retryPeriodMs + STEP);
  });

  it('rejects timing that cannot keep a single leader', () => {
    const base = { lease: new FakeLeasePort(store), identity: 'a', onStartedLeading: () => {} };
    expect(() => new LeaderElector({ ...base, leaseDurationMs: 10_000, renewDeadlineMs: 10_000 })).toThrow(SpiderpoolError);
    expect(() => new LeaderElector({ ...base, renewDeadlineMs: 2_000, retryPeriodMs: 2_000 })).toThrow(/renewDeadline/);
    expect(() => new LeaderElector({ ...base, identity: '' })).toThrow(/identity/);
  });
});
