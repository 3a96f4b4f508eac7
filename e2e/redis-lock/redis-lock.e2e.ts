// SPDX-License-Identifier: Apache-2.0
// The per-pool Redis lock against a real redis-server of its own (never the machine's one on
// 6379, never the test bed's shared one): this file stops, freezes and restarts it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { isSpiderpoolError } from '@spiderpool/errors';
import { RedisLockService, type AcquireResult, type LockLease, type LockServiceOptions } from '@spiderpool/redis-lock';
import { RedisServer } from '../testbed/redis-server.ts';
import { sleep } from '../testbed/managed-process.ts';

let stateDir: string;
let server: RedisServer;
let admin: Redis;
const running: RedisLockService[] = [];
let prefixSeq = 0;

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'spiderpool-redis-lock-'));
  server = new RedisServer(stateDir);
  await server.start();
  admin = newAdmin();
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

afterAll(async () => {
  admin?.disconnect();
  await server?.stop();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

function newAdmin(): Redis {
  const client = new Redis(server.url, { maxRetriesPerRequest: 1, retryStrategy: () => 100 });
  client.on('error', () => {});
  return client;
}

/** Each test gets its own key prefix, so no state leaks between tests. */
function freshPrefix(): string {
  prefixSeq += 1;
  return `t${prefixSeq}:lock:`;
}

async function startService(options: Partial<LockServiceOptions> & { keyPrefix: string }): Promise<RedisLockService> {
  const service = new RedisLockService({ url: server.url, ownerId: `owner-${running.length}`, ttlMs: 1_000, commandTimeoutMs: 200, ...options });
  running.push(service);
  await service.start();
  return service;
}

function leaseOf(result: AcquireResult): LockLease {
  if (result.kind !== 'acquired') throw new Error(`expected the lock to be acquired, got ${JSON.stringify(result)}`);
  return result.lease;
}

/** Resolves with the ms from `since` until `signal` aborts; rejects after `timeoutMs`. */
function abortedWithin(signal: AbortSignal, since: number, timeoutMs: number): Promise<number> {
  if (signal.aborted) return Promise.resolve(performance.now() - since);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`signal not aborted within ${timeoutMs} ms`)), timeoutMs);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve(performance.now() - since);
    }, { once: true });
  });
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await sleep(20);
  }
}

async function evalshaCalls(): Promise<number> {
  const info = await admin.info('commandstats');
  return Number(/cmdstat_evalsha:calls=(\d+)/.exec(info)?.[1] ?? 0);
}

describe('RedisLockService with redis up', () => {
  it('serialises 3 services x 20 concurrent acquirers: exact count, one holder at a time, increasing tokens', async () => {
    const keyPrefix = freshPrefix();
    // A generous command timeout: this test is about exclusion, not about degrading under a loaded CI box.
    const services = await Promise.all([0, 1, 2].map(() => startService({ keyPrefix, ttlMs: 3_000, commandTimeoutMs: 1_000 })));
    const counterKey = `${keyPrefix}counter`;
    let inside = 0;
    let maxInside = 0;
    const tokens: bigint[] = [];
    const waited: number[] = [];

    const worker = async (service: RedisLockService): Promise<void> => {
      const result = await service.acquire('pool-a', { waitTimeoutMs: 20_000 });
      const lease = leaseOf(result);
      waited.push(result.waitedMs);
      inside += 1;
      maxInside = Math.max(maxInside, inside);
      tokens.push(lease.fencingToken);
      const value = Number((await admin.get(counterKey)) ?? '0');
      await sleep(3);
      await admin.set(counterKey, String(value + 1));
      inside -= 1;
      await lease.release();
    };
    await Promise.all(services.flatMap((s) => Array.from({ length: 20 }, () => worker(s))));

    expect(await admin.get(counterKey)).toBe('60');
    expect(maxInside).toBe(1);
    expect(tokens).toHaveLength(60);
    for (let i = 1; i < tokens.length; i++) expect(tokens[i]! > tokens[i - 1]!).toBe(true);
    expect(Math.max(...waited)).toBeGreaterThan(0);
    expect(await admin.exists(`${keyPrefix}pool-a`)).toBe(0);
  });

  it('hands out strictly increasing fencing tokens across services and lock holders', async () => {
    const keyPrefix = freshPrefix();
    const [a, b] = await Promise.all([startService({ keyPrefix }), startService({ keyPrefix })]);
    const tokens: bigint[] = [];
    for (let i = 0; i < 10; i++) {
      const lease = leaseOf(await (i % 2 === 0 ? a! : b!).acquire('pool-b', { waitTimeoutMs: 1_000 }));
      tokens.push(lease.fencingToken);
      await lease.release();
    }
    for (let i = 1; i < tokens.length; i++) expect(tokens[i]! > tokens[i - 1]!).toBe(true);
    // A different lock has its own counter, which is also never below the holders' clock floor.
    const other = leaseOf(await a!.acquire('pool-c'));
    expect(other.fencingToken).toBeGreaterThan(0n);
    await other.release();
  });

  it('renews a held lease well past its ttl', async () => {
    const keyPrefix = freshPrefix();
    const [holder, other] = await Promise.all([startService({ keyPrefix, ttlMs: 300 }), startService({ keyPrefix, ttlMs: 300 })]);
    const lease = leaseOf(await holder!.acquire('pool-renew'));
    await sleep(1_200); // four leases long
    expect(lease.lost.aborted).toBe(false);
    expect(await admin.get(`${keyPrefix}pool-renew`)).toBe(`owner-0:${lease.fencingToken}`);
    expect(await admin.pttl(`${keyPrefix}pool-renew`)).toBeGreaterThan(0);
    expect((await other!.acquire('pool-renew', { waitTimeoutMs: 0 })).kind).toBe('timeout');
    await lease.release();
    expect(await admin.exists(`${keyPrefix}pool-renew`)).toBe(0);
    await lease.release(); // idempotent
  });

  it('aborts `lost` quickly when the key is deleted or overwritten behind the holder', async () => {
    const keyPrefix = freshPrefix();
    const service = await startService({ keyPrefix, ttlMs: 600 }); // renews every 200 ms

    const deleted = leaseOf(await service.acquire('pool-del'));
    let since = performance.now();
    await admin.del(`${keyPrefix}pool-del`);
    expect(await abortedWithin(deleted.lost, since, 1_000)).toBeLessThan(400);
    expect(isSpiderpoolError(deleted.lost.reason, 'CONFLICT')).toBe(true);

    const overwritten = leaseOf(await service.acquire('pool-ovr'));
    since = performance.now();
    await admin.set(`${keyPrefix}pool-ovr`, 'intruder:1', 'PX', 5_000);
    expect(await abortedWithin(overwritten.lost, since, 1_000)).toBeLessThan(400);
    await overwritten.release(); // compare-and-delete: the intruder's key stays
    expect(await admin.get(`${keyPrefix}pool-ovr`)).toBe('intruder:1');
  });

  it('a stale lease released after a takeover does not delete the new holder key', async () => {
    const keyPrefix = freshPrefix();
    const [a, b] = await Promise.all([startService({ keyPrefix }), startService({ keyPrefix })]);
    const stale = leaseOf(await a!.acquire('pool-take'));
    await admin.del(`${keyPrefix}pool-take`); // as if the lease had expired during a long pause
    const fresh = leaseOf(await b!.acquire('pool-take', { waitTimeoutMs: 0 }));
    expect(fresh.fencingToken > stale.fencingToken).toBe(true);

    // Released before its renewal noticed the takeover: the compare-and-delete must spare the new key.
    await stale.release();
    expect(await admin.get(`${keyPrefix}pool-take`)).toBe(`owner-1:${fresh.fencingToken}`);
    await sleep(400); // more than one renewal period of the new holder
    expect(fresh.lost.aborted).toBe(false);
    await fresh.release();
    expect(await admin.exists(`${keyPrefix}pool-take`)).toBe(0);
  });

  it('wakes waiters promptly on release, across services and within one, without waiting for the poll', async () => {
    const keyPrefix = freshPrefix();
    // A slow fallback poll (200..1000 ms) makes a prompt handoff attributable to the release announcement.
    const [a, b] = await Promise.all([startService({ keyPrefix, pollIntervalMs: 1_000 }), startService({ keyPrefix, pollIntervalMs: 1_000 })]);
    const latencies: number[] = [];
    let holder = leaseOf(await a!.acquire('pool-wake'));
    // Holder on a, waiter on b (pub/sub), then b->b (in-process), b->a, a->a.
    for (const waiterService of [b!, b!, a!, a!]) {
      const waiting = waiterService.acquire('pool-wake', { waitTimeoutMs: 5_000 });
      await sleep(100); // the waiter has tried once and is now asleep (first poll >= 200 ms away)
      const releasedAt = performance.now();
      await holder.release();
      const next = await waiting;
      latencies.push(performance.now() - releasedAt);
      holder = leaseOf(next);
      expect(next.waitedMs).toBeGreaterThanOrEqual(90);
    }
    await holder.release();
    // The fallback poll would take 200..1000 ms; 5 x the default poll ceiling (50 ms) is the bar.
    expect(Math.max(...latencies)).toBeLessThan(100);
  });

  it('a waiter polls at a bounded rate instead of spinning', async () => {
    const keyPrefix = freshPrefix();
    const [holderService, waiterService] = await Promise.all([startService({ keyPrefix, ttlMs: 3_000 }), startService({ keyPrefix, ttlMs: 3_000 })]);
    const lease = leaseOf(await holderService!.acquire('pool-spin'));
    const before = await evalshaCalls();
    const result = await waiterService!.acquire('pool-spin', { waitTimeoutMs: 500 });
    const calls = (await evalshaCalls()) - before;
    expect(result.kind).toBe('timeout');
    // Polls sleep 10..50 ms: at most ~50 attempts in 500 ms (plus a renewal or two), at least ~10.
    expect(calls).toBeLessThanOrEqual(55);
    expect(calls).toBeGreaterThanOrEqual(8);
    await lease.release();
  });

  it('respects waitTimeoutMs and the AbortSignal', async () => {
    const keyPrefix = freshPrefix();
    const service = await startService({ keyPrefix });
    const lease = leaseOf(await service.acquire('pool-wait'));

    let started = performance.now();
    const timedOut = await service.acquire('pool-wait', { waitTimeoutMs: 200 });
    let took = performance.now() - started;
    expect(timedOut.kind).toBe('timeout');
    expect(timedOut.waitedMs).toBeGreaterThanOrEqual(199);
    expect(took).toBeLessThan(200 + 120);

    const controller = new AbortController();
    started = performance.now();
    setTimeout(() => controller.abort(), 100);
    const aborted = await service.acquire('pool-wait', { waitTimeoutMs: 5_000, signal: controller.signal });
    took = performance.now() - started;
    expect(aborted.kind).toBe('aborted');
    expect(took).toBeGreaterThanOrEqual(99);
    expect(took).toBeLessThan(100 + 80);

    const preAborted = await service.acquire('pool-wait', { signal: AbortSignal.abort() });
    expect(preAborted.kind).toBe('aborted');
    // Abort while free: still no lease is handed out.
    await lease.release();
    expect((await service.acquire('pool-wait', { signal: AbortSignal.abort() })).kind).toBe('aborted');
    expect(await admin.exists(`${keyPrefix}pool-wait`)).toBe(0);
  });

  it('stop() releases held leases, aborts their `lost` and ends waiters', async () => {
    const keyPrefix = freshPrefix();
    const [a, b] = await Promise.all([startService({ keyPrefix }), startService({ keyPrefix })]);
    const first = leaseOf(await a!.acquire('pool-s1'));
    const second = leaseOf(await a!.acquire('pool-s2'));
    const waiting = a!.acquire('pool-s1', { waitTimeoutMs: 5_000 });
    await sleep(50);

    const started = performance.now();
    await a!.stop();
    const waiter = await waiting;
    expect(performance.now() - started).toBeLessThan(500);
    expect(waiter).toMatchObject({ kind: 'degraded', reason: 'lock service stopped' });
    expect(first.lost.aborted && second.lost.aborted).toBe(true);
    expect(await admin.exists(`${keyPrefix}pool-s1`, `${keyPrefix}pool-s2`)).toBe(0);
    const next = leaseOf(await b!.acquire('pool-s1', { waitTimeoutMs: 0 }));
    await next.release();
    expect((await a!.acquire('pool-s1')).kind).toBe('degraded');
  });
});

describe('RedisLockService when redis fails', () => {
  it('answers degraded within the command timeout while redis is frozen, and recovers', async () => {
    const keyPrefix = freshPrefix();
    const events: [boolean, string | undefined][] = [];
    const service = await startService({ keyPrefix, ttlMs: 5_000, commandTimeoutMs: 150, onStateChange: (d, r) => events.push([d, r]) });
    expect(events).toEqual([[false, undefined]]);
    const pid = server.pid!;
    process.kill(pid, 'SIGSTOP');
    try {
      const started = performance.now();
      const result = await service.acquire('pool-frozen');
      expect(performance.now() - started).toBeLessThan(150 + 60);
      expect(result.kind).toBe('degraded');
      expect(service.degraded).toBe(true);
      expect(events.at(-1)?.[0]).toBe(true);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    // The acquire we gave up on still ran once redis woke; the service hands that lock back
    // instead of leaving it to block everybody for a whole ttl.
    await until('the late acquire script ran', async () => (await admin.exists(`${keyPrefix}pool-frozen:fence`)) === 1, 1_000);
    await until('the late acquisition is undone', async () => (await admin.exists(`${keyPrefix}pool-frozen`)) === 0, 1_000);
    await until('recovery after SIGCONT', () => !service.degraded, 3_000);
    expect(events.at(-1)).toEqual([false, undefined]);
    const lease = leaseOf(await service.acquire('pool-frozen', { waitTimeoutMs: 0 }));
    await lease.release();
  });

  it('starts, acquires and loses leases degraded while redis is down, then recovers after a restart', async () => {
    const keyPrefix = freshPrefix();
    const events: [boolean, string | undefined][] = [];
    const options = { keyPrefix, commandTimeoutMs: 200, maxReconnectDelayMs: 200 };
    const service = await startService({ ...options, onStateChange: (d, r) => events.push([d, r]) });
    const held = leaseOf(await service.acquire('pool-down'));

    await server.stop();
    // The held lease cannot be renewed any more: its holder hears at once, not after the ttl.
    await abortedWithin(held.lost, performance.now(), 800);
    expect(isSpiderpoolError(held.lost.reason, 'UNAVAILABLE')).toBe(true);
    await until('degraded', () => service.degraded, 1_000);
    expect(events.at(-1)?.[0]).toBe(true);
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      const result = await service.acquire('pool-down', { waitTimeoutMs: 1_000 });
      expect(performance.now() - started).toBeLessThan(200 + 50);
      expect(result.kind).toBe('degraded');
    }
    await held.release(); // no redis: resolves anyway

    // A service started while redis is down does not fail, and reports degraded.
    const lateEvents: boolean[] = [];
    const startedAt = performance.now();
    const late = await startService({ ...options, onStateChange: (d) => lateEvents.push(d) });
    expect(performance.now() - startedAt).toBeLessThan(1_500);
    expect(late.degraded).toBe(true);
    expect(lateEvents).toEqual([true]);
    expect((await late.acquire('pool-down')).kind).toBe('degraded');

    await server.start(); // same port, empty data set (no persistence)
    admin.disconnect();
    admin = newAdmin();
    await until('both services recover', () => !service.degraded && !late.degraded, 5_000);
    expect(events.at(-1)).toEqual([false, undefined]);
    expect(lateEvents).toEqual([true, false]);
    const flips = events.map(([d]) => d);
    for (let i = 1; i < flips.length; i++) expect(flips[i]).not.toBe(flips[i - 1]); // only real flips are reported

    const after = leaseOf(await late.acquire('pool-down', { waitTimeoutMs: 1_000 }));
    // Redis lost the fence counter, yet the token still went up.
    expect(after.fencingToken > held.fencingToken).toBe(true);
    await after.release();
    const again = leaseOf(await service.acquire('pool-down', { waitTimeoutMs: 1_000 }));
    expect(again.fencingToken > after.fencingToken).toBe(true);
    await again.release();
  });
});
