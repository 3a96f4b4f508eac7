// SPDX-License-Identifier: Apache-2.0
import { SpiderpoolError } from '@spiderpool/errors';
import type { LockLease } from './lock-types.ts';

/** What a lease needs from its service; release() never rejects. */
export interface LeaseBackend {
  /** True when the key still held our value and was extended; rejects when Redis did not answer. */
  renew(lease: RedisLease): Promise<boolean>;
  release(lease: RedisLease): Promise<void>;
  /** Whether the connection is up: a renewal failure without one cannot be retried in time. */
  readonly connected: boolean;
  /** Called once when the lease stops being renewed (released, lost or forfeited). */
  ended(lease: RedisLease): void;
}

export interface RedisLeaseInit {
  name: string;
  key: string;
  value: string;
  fencingToken: bigint;
  ttlMs: number;
  /** Local monotonic time (performance.now()) just before the acquiring command was sent. */
  sentAt: number;
  /** Pause before retrying a renewal that failed while the connection stayed up. */
  retryDelayMs: number;
  backend: LeaseBackend;
}

/**
 * A held lease that renews itself every ttl/3 until released.
 *
 * Invariant: `lost` is aborted no later than the moment the key may have expired in Redis
 * as far as this process can know (send time of the last successful acquire/renew + ttl),
 * unless a renewal succeeded before. The send time is used, not the reply time, so the
 * local view never outlives the server's.
 */
export class RedisLease implements LockLease {
  readonly name: string;
  readonly fencingToken: bigint;
  readonly key: string;
  readonly value: string;
  readonly #ttlMs: number;
  readonly #retryDelayMs: number;
  readonly #backend: LeaseBackend;
  readonly #lost = new AbortController();
  #renewTimer: NodeJS.Timeout | undefined;
  #expiryTimer: NodeJS.Timeout | undefined;
  #renewing = false;
  #active = true;
  #released: Promise<void> | undefined;

  constructor(init: RedisLeaseInit) {
    this.name = init.name;
    this.key = init.key;
    this.value = init.value;
    this.fencingToken = init.fencingToken;
    this.#ttlMs = init.ttlMs;
    this.#retryDelayMs = init.retryDelayMs;
    this.#backend = init.backend;
    this.#extendUntil(init.sentAt + init.ttlMs);
    this.#scheduleRenewal(this.#renewEveryMs);
  }

  get lost(): AbortSignal {
    return this.#lost.signal;
  }

  /** Still renewing: neither released nor lost. */
  get active(): boolean {
    return this.#active;
  }

  release(): Promise<void> {
    this.#released ??= this.#releaseOnce();
    return this.#released;
  }

  /** Ends the lease on the holder's behalf (service stopping): releases the key and aborts `lost`. */
  forfeit(reason: SpiderpoolError): Promise<void> {
    const released = this.release();
    if (!this.#lost.signal.aborted) this.#lost.abort(reason);
    return released;
  }

  /** Renews now instead of at the next tick, e.g. to find out quickly whether a lost connection cost us the lease. */
  renewNow(): void {
    if (!this.#active || this.#renewing) return;
    clearTimeout(this.#renewTimer);
    void this.#renew();
  }

  get #renewEveryMs(): number {
    return Math.max(1, Math.floor(this.#ttlMs / 3));
  }

  async #releaseOnce(): Promise<void> {
    this.#deactivate();
    await this.#backend.release(this);
  }

  async #renew(): Promise<void> {
    if (!this.#active || this.#renewing) return;
    this.#renewing = true;
    const sentAt = performance.now();
    try {
      const held = await this.#backend.renew(this);
      if (!this.#active) return;
      if (!held) {
        this.#lose(new SpiderpoolError('CONFLICT', `lock ${this.name}: lease expired or was taken over`));
        return;
      }
      this.#extendUntil(sentAt + this.#ttlMs);
      this.#scheduleRenewal(this.#renewEveryMs);
    } catch (err) {
      this.#onRenewFailure(err);
    } finally {
      this.#renewing = false;
    }
  }

  #onRenewFailure(err: unknown): void {
    if (!this.#active) return;
    if (!this.#backend.connected) {
      // Without a connection the reconnect backoff decides when we could renew again: give up now.
      this.#lose(new SpiderpoolError('UNAVAILABLE', `lock ${this.name}: lease renewal failed, redis is unreachable`, { cause: err }));
      return;
    }
    // A slow or erroring server: keep trying until the expiry timer says the lease may be gone.
    this.#scheduleRenewal(this.#retryDelayMs);
  }

  #scheduleRenewal(ms: number): void {
    clearTimeout(this.#renewTimer);
    // unref: a forgotten lease must not keep a process alive.
    this.#renewTimer = setTimeout(() => void this.#renew(), ms).unref();
  }

  #extendUntil(deadline: number): void {
    clearTimeout(this.#expiryTimer);
    const expire = (): void => this.#lose(new SpiderpoolError('UNAVAILABLE', `lock ${this.name}: lease expired before it could be renewed`));
    this.#expiryTimer = setTimeout(expire, Math.max(0, deadline - performance.now())).unref();
  }

  #lose(reason: SpiderpoolError): void {
    if (!this.#active) return;
    this.#deactivate();
    this.#lost.abort(reason);
  }

  #deactivate(): void {
    if (!this.#active) return;
    this.#active = false;
    clearTimeout(this.#renewTimer);
    clearTimeout(this.#expiryTimer);
    this.#backend.ended(this);
  }
}
