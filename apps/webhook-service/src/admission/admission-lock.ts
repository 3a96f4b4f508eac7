// SPDX-License-Identifier: Apache-2.0
// `exclusive` of the admission context: an in-process mutex per key, always, and inside it the
// Redis lock of the same name when Redis is configured, so that replicas see each other too.
import { SpiderpoolError } from '@spiderpool/errors';
import type { AcquireResult } from '@spiderpool/redis-lock';
import { admissionSignal } from './admission-deadline.ts';
import { KeyedMutex } from './keyed-mutex.ts';

/** What the Redis lock service offers (RedisLockService implements it). */
export interface LockPort {
  acquire(name: string, options: { waitTimeoutMs: number; signal?: AbortSignal }): Promise<AcquireResult>;
}

export interface AdmissionLockOptions {
  /** Absent: one replica, or Redis not configured; the in-process mutex alone serialises. */
  lock?: LockPort;
  /** How long to wait for another replica's hold before denying (below the admission timeout). */
  waitTimeoutMs: number;
  /** Told when the lock could not be used and the task ran under the in-process mutex only. */
  onDegraded?: (key: string, reason: string) => void;
}

export class AdmissionLock {
  readonly #mutex = new KeyedMutex();
  readonly #options: AdmissionLockOptions;

  constructor(options: AdmissionLockOptions) {
    this.#options = options;
  }

  async run<R>(key: string, task: () => Promise<R>): Promise<R> {
    if (typeof key !== 'string' || key.length === 0) throw new SpiderpoolError('INVALID_INPUT', 'exclusive() needs a non-empty key', { field: 'key' });
    const signal = admissionSignal();
    // Waiters of this replica queue here, so only one of them at a time contends in Redis. A
    // waiter whose request timed out meanwhile gives its turn away without running.
    return this.#mutex.run(key, () => {
      signal?.throwIfAborted();
      return this.#underRedisLock(key, task, signal);
    });
  }

  async #underRedisLock<R>(key: string, task: () => Promise<R>, signal: AbortSignal | undefined): Promise<R> {
    const lock = this.#options.lock;
    if (!lock) return task();
    const result = await lock.acquire(key, { waitTimeoutMs: this.#options.waitTimeoutMs, ...(signal ? { signal } : {}) });
    if (result.kind === 'aborted') signal?.throwIfAborted();
    if (result.kind === 'degraded') {
      // Redis is down: admission goes on, serialised per replica only (and the API server's own
      // compare-and-swap on every object still guards each write).
      this.#options.onDegraded?.(key, result.reason);
      return task();
    }
    if (result.kind !== 'acquired') {
      throw new SpiderpoolError('DEADLINE_EXCEEDED', `admission lock "${key}" stayed held by another replica for ${Math.round(result.waitedMs)} ms; retry`);
    }
    try {
      return await task();
    } finally {
      await result.lease.release();
    }
  }
}
