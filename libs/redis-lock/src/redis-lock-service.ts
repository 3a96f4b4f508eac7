// SPDX-License-Identifier: Apache-2.0
import type { Redis } from 'ioredis';
import { SpiderpoolError, invalidInput } from '@spiderpool/errors';
import { pollDelay } from './backoff.ts';
import { describeError, withDeadline } from './deadline.ts';
import { HealthState } from './health-state.ts';
import { resolveLockOptions, type LockServiceOptions, type ResolvedLockOptions } from './lock-options.ts';
import type { AcquireOptions, AcquireResult } from './lock-types.ts';
import { ACQUIRE_SCRIPT, RELEASE_SCRIPT, RENEW_SCRIPT, parseAcquireReply } from './lua-scripts.ts';
import { createRedisClient } from './redis-client.ts';
import { RedisLease, type LeaseBackend } from './redis-lease.ts';
import { ReleaseNotifier, type ReleaseWatch } from './release-notifier.ts';

const FENCE_SUFFIX = ':fence';
/** While degraded by a slow or erroring (but connected) server, PING this often to notice recovery. */
const PROBE_INTERVAL_MS = 500;
const MAX_NAME_LENGTH = 512;

type Attempt = { kind: 'acquired'; lease: RedisLease } | { kind: 'held' } | { kind: 'failed'; reason: string };

interface WaitContext {
  readonly name: string;
  readonly watch: ReleaseWatch;
  /** The caller's signal or the service stopping: wakes a sleeping waiter. */
  readonly wake: AbortSignal;
  readonly callerSignal: AbortSignal | undefined;
  readonly startedAt: number;
  readonly deadline: number;
}

/**
 * Per-name Redis locks with a renewed lease and a fencing token, serialising writers of
 * one SpiderIPPool across ipam-service replicas.
 *
 * The lock is an optimisation, never the safety net: every pool write is a compare-and-swap
 * on the object's resourceVersion. Hence a lease that expires mid-write only costs a CAS
 * retry, and when Redis is unreachable acquire answers `degraded` at once so allocation goes
 * on unlocked instead of stalling. acquire() never throws for Redis trouble.
 *
 * Keys: `<prefix><name>` holds `<ownerId>:<token>` with a PX lease, `<prefix><name>:fence`
 * the token counter; releases are announced on channel `<prefix>released` (message = name).
 */
export class RedisLockService {
  readonly #options: ResolvedLockOptions;
  readonly #health: HealthState;
  readonly #notifier = new ReleaseNotifier();
  readonly #leases = new Set<RedisLease>();
  readonly #closing = new AbortController();
  readonly #channel: string;
  readonly #backend: LeaseBackend;
  #client: Redis | undefined;
  #subscriber: Redis | undefined;
  #probeTimer: NodeJS.Timeout | undefined;
  #subscribed: Promise<void> | undefined;
  #started: Promise<void> | undefined;
  #stopped: Promise<void> | undefined;

  constructor(options: LockServiceOptions) {
    this.#options = resolveLockOptions(options);
    this.#channel = `${this.#options.keyPrefix}released`;
    this.#health = new HealthState((degraded, reason) => this.#onHealthChange(degraded, reason));
    this.#backend = this.#leaseBackend();
  }

  /** True before the first successful contact with Redis and whenever it stops answering. */
  get degraded(): boolean {
    return this.#health.degraded;
  }

  /** Why the service is degraded; undefined while healthy. */
  get degradedReason(): string | undefined {
    return this.#health.reason;
  }

  /**
   * Connects both connections. Never rejects: with Redis down it resolves degraded (after at
   * most the connect timeout) and the clients keep reconnecting in the background.
   */
  start(): Promise<void> {
    this.#started ??= this.#startOnce();
    return this.#started;
  }

  /**
   * Stops waiters (they answer `degraded`), releases every held lease (aborting its `lost`)
   * and closes the connections. Idempotent; never rejects.
   */
  stop(): Promise<void> {
    this.#stopped ??= this.#stopOnce();
    return this.#stopped;
  }

  /**
   * Takes the lock `name`, waiting up to `waitTimeoutMs` (default: the ttl) while another
   * holder has it. Wakes on the holder's release announcement, with a jittered poll as a
   * fallback. Throws only for invalid arguments.
   */
  async acquire(name: string, options: AcquireOptions = {}): Promise<AcquireResult> {
    assertLockName(name);
    const waitTimeoutMs = options.waitTimeoutMs ?? this.#options.ttlMs;
    if (Number.isNaN(waitTimeoutMs) || waitTimeoutMs < 0) throw invalidInput('waitTimeoutMs', waitTimeoutMs, 'must be >= 0');
    const startedAt = performance.now();
    const callerSignal = options.signal;
    const wake = callerSignal ? AbortSignal.any([callerSignal, this.#closing.signal]) : this.#closing.signal;
    const watch = this.#notifier.watch(name);
    try {
      return await this.#acquireLoop({ name, watch, wake, callerSignal, startedAt, deadline: startedAt + waitTimeoutMs });
    } finally {
      watch.dispose();
    }
  }

  async #acquireLoop(ctx: WaitContext): Promise<AcquireResult> {
    // Bounded by ctx.deadline: every pass either returns or sleeps on the watch until a
    // release, the poll delay (never 0), the deadline or the wake signal.
    for (;;) {
      if (ctx.callerSignal?.aborted) return { kind: 'aborted', waitedMs: elapsed(ctx) };
      const unavailable = this.#unavailableReason();
      if (unavailable !== undefined) return { kind: 'degraded', reason: unavailable, waitedMs: elapsed(ctx) };
      const since = ctx.watch.generation;
      const attempt = await this.#tryAcquire(ctx.name);
      if (attempt.kind !== 'held') return this.#settle(attempt, ctx);
      const remaining = ctx.deadline - performance.now();
      if (remaining <= 0) return { kind: 'timeout', waitedMs: elapsed(ctx) };
      await ctx.watch.wait(since, Math.min(pollDelay(this.#options.pollIntervalMs), remaining), ctx.wake);
    }
  }

  async #settle(attempt: Exclude<Attempt, { kind: 'held' }>, ctx: WaitContext): Promise<AcquireResult> {
    if (attempt.kind === 'failed') return { kind: 'degraded', reason: attempt.reason, waitedMs: elapsed(ctx) };
    const { lease } = attempt;
    // Gave up while the script was in flight: hand the lock straight back rather than leak it.
    if (this.#closing.signal.aborted) {
      await lease.forfeit(new SpiderpoolError('UNAVAILABLE', 'lock service stopped'));
      return { kind: 'degraded', reason: 'lock service stopped', waitedMs: elapsed(ctx) };
    }
    if (ctx.callerSignal?.aborted) {
      await lease.release();
      return { kind: 'aborted', waitedMs: elapsed(ctx) };
    }
    return { kind: 'acquired', lease, waitedMs: elapsed(ctx) };
  }

  /** Why no command should even be tried; undefined when the connection is up. */
  #unavailableReason(): string | undefined {
    if (this.#closing.signal.aborted) return 'lock service stopped';
    const client = this.#client;
    if (!client) return 'lock service not started';
    if (client.status !== 'ready') return this.#health.reason ?? `redis connection is ${client.status}`;
    return undefined;
  }

  async #tryAcquire(name: string): Promise<Attempt> {
    const client = this.#client;
    if (!client) return { kind: 'failed', reason: 'lock service not started' };
    const { ownerId, ttlMs, commandTimeoutMs } = this.#options;
    const key = this.#lockKey(name);
    const sentAt = performance.now();
    const run = ACQUIRE_SCRIPT.run(client, [key, key + FENCE_SUFFIX], [ownerId, ttlMs]);
    try {
      const reply = await withDeadline(run, commandTimeoutMs, (late) => this.#releaseOrphan(key, name, late));
      const token = parseAcquireReply(reply);
      this.#health.markHealthy();
      if (token === undefined) return { kind: 'held' };
      return { kind: 'acquired', lease: this.#createLease({ name, key, token, sentAt }) };
    } catch (err) {
      const reason = `lock ${name}: ${describeError(err)}`;
      this.#health.markDegraded(reason);
      return { kind: 'failed', reason };
    }
  }

  #createLease(p: { name: string; key: string; token: bigint; sentAt: number }): RedisLease {
    const { ttlMs, ownerId } = this.#options;
    const lease = new RedisLease({
      name: p.name,
      key: p.key,
      value: `${ownerId}:${p.token}`,
      fencingToken: p.token,
      ttlMs,
      sentAt: p.sentAt,
      retryDelayMs: Math.min(Math.floor(ttlMs / 3), 100),
      backend: this.#backend,
    });
    this.#leases.add(lease);
    return lease;
  }

  /** The acquire script succeeded after we had already answered `degraded`: give the lock back. */
  #releaseOrphan(key: string, name: string, reply: unknown): void {
    const client = this.#client;
    if (!client || typeof reply !== 'string') return;
    const value = `${this.#options.ownerId}:${reply}`;
    RELEASE_SCRIPT.run(client, [key], [value, this.#channel, name]).catch(() => {
      // Best effort: the orphan expires with its ttl anyway.
    });
  }

  #leaseBackend(): LeaseBackend {
    const isConnected = (): boolean => this.#client?.status === 'ready';
    return {
      renew: (lease) => this.#renew(lease),
      release: (lease) => this.#release(lease),
      get connected(): boolean {
        return isConnected();
      },
      ended: (lease) => this.#leases.delete(lease),
    };
  }

  async #renew(lease: RedisLease): Promise<boolean> {
    const client = this.#client;
    if (!client) throw new SpiderpoolError('UNAVAILABLE', 'lock service not started');
    try {
      const reply = await withDeadline(RENEW_SCRIPT.run(client, [lease.key], [lease.value, this.#options.ttlMs]), this.#options.commandTimeoutMs);
      this.#health.markHealthy();
      return reply === 1;
    } catch (err) {
      this.#health.markDegraded(`renewing lock ${lease.name}: ${describeError(err)}`);
      throw err;
    }
  }

  async #release(lease: RedisLease): Promise<void> {
    const client = this.#client;
    if (!client || client.status !== 'ready') return; // the key expires with its ttl
    try {
      const run = RELEASE_SCRIPT.run(client, [lease.key], [lease.value, this.#channel, lease.name]);
      const released = await withDeadline(run, this.#options.commandTimeoutMs);
      this.#health.markHealthy();
      // Waiters in this process need not wait for the pub/sub round trip.
      if (released === 1) this.#notifier.notify(lease.name);
    } catch (err) {
      this.#health.markDegraded(`releasing lock ${lease.name}: ${describeError(err)}`);
    }
  }

  #lockKey(name: string): string {
    return `${this.#options.keyPrefix}${name}`;
  }

  async #startOnce(): Promise<void> {
    if (this.#closing.signal.aborted) return;
    const client = createRedisClient(this.#options, 'lock');
    const subscriber = createRedisClient(this.#options, 'subscriber');
    this.#client = client;
    this.#subscriber = subscriber;
    this.#watchClient(client);
    this.#watchSubscriber(subscriber);
    const [connected] = await Promise.allSettled([client.connect(), subscriber.connect()]);
    if (connected.status === 'rejected') this.#health.markDegraded(`connecting to redis: ${describeError(connected.reason)}`);
    // So that a waiter right after start() already hears releases.
    await this.#subscribed;
    this.#probeTimer = setInterval(() => void this.#probe(), PROBE_INTERVAL_MS).unref();
  }

  #watchClient(client: Redis): void {
    // ioredis emits 'error' for every failed (re)connect; without a listener it would crash the process.
    client.on('error', (err: unknown) => {
      if (client.status !== 'ready') this.#health.markDegraded(`redis: ${describeError(err)}`);
    });
    client.on('close', () => this.#health.markDegraded('redis connection closed'));
    client.on('ready', () => this.#health.markHealthy());
  }

  #watchSubscriber(subscriber: Redis): void {
    // The subscriber only speeds waiters up (polling is the fallback), so its trouble is not "degraded".
    subscriber.on('error', () => {});
    subscriber.on('ready', () => {
      // A failure is retried on the next 'ready'; waiters poll meanwhile.
      this.#subscribed = subscriber.subscribe(this.#channel).then(
        () => undefined,
        () => undefined,
      );
    });
    subscriber.on('message', (channel: string, name: string) => {
      if (channel === this.#channel) this.#notifier.notify(name);
    });
  }

  /** Notices recovery when degraded by timeouts or errors while the connection stayed up. */
  async #probe(): Promise<void> {
    const client = this.#client;
    if (!this.#health.degraded || !client || client.status !== 'ready') return;
    try {
      await withDeadline(client.ping(), this.#options.commandTimeoutMs);
      this.#health.markHealthy();
    } catch (err) {
      this.#health.markDegraded(`redis ping: ${describeError(err)}`);
    }
  }

  #onHealthChange(degraded: boolean, reason?: string): void {
    try {
      this.#options.onStateChange?.(degraded, reason);
    } catch {
      // A failing listener (e.g. a metrics bug) must not break locking.
    }
    // Find out promptly whether held leases survived; a renewal without a connection fails at once.
    if (degraded) for (const lease of [...this.#leases]) lease.renewNow();
  }

  async #stopOnce(): Promise<void> {
    this.#closing.abort();
    await this.#started;
    clearInterval(this.#probeTimer);
    const stopped = new SpiderpoolError('UNAVAILABLE', 'lock service stopped');
    await Promise.all([...this.#leases].map((lease) => lease.forfeit(stopped)));
    this.#health.freeze();
    await Promise.all([this.#close(this.#client), this.#close(this.#subscriber)]);
  }

  async #close(client: Redis | undefined): Promise<void> {
    if (!client) return;
    try {
      if (client.status === 'ready') await withDeadline(client.quit(), this.#options.commandTimeoutMs);
    } catch {
      // Closing anyway.
    } finally {
      client.disconnect();
    }
  }
}

function elapsed(ctx: WaitContext): number {
  return performance.now() - ctx.startedAt;
}

/**
 * `<name>:fence` would be the fence counter of lock `<name>`; any other non-empty name is a
 * valid key (pool names are Kubernetes object names).
 */
function assertLockName(name: string): void {
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_NAME_LENGTH) {
    throw invalidInput('name', name, `must be a string of 1..${MAX_NAME_LENGTH} characters`);
  }
  if (name.endsWith(FENCE_SUFFIX)) throw invalidInput('name', name, `must not end with "${FENCE_SUFFIX}"`);
}
