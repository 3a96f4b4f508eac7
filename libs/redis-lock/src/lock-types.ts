// SPDX-License-Identifier: Apache-2.0

/** How long to wait for a held lock, and a signal to give up early. */
export interface AcquireOptions {
  /** Default: the lease ttl (a holder that never releases has lost its lease by then). */
  waitTimeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * The outcome of {@link RedisLockService.acquire}. Only `acquired` hands out a lease; on
 * `degraded` the caller goes on without the lock (compare-and-swap on the pool keeps it correct).
 * `waitedMs` is the time spent inside acquire, for metrics.
 */
export type AcquireResult =
  | { kind: 'acquired'; lease: LockLease; waitedMs: number }
  | { kind: 'degraded'; reason: string; waitedMs: number }
  | { kind: 'timeout'; waitedMs: number }
  | { kind: 'aborted'; waitedMs: number };

/** A held lock. Holding it is advisory: a write must still be guarded by compare-and-swap. */
export interface LockLease {
  readonly name: string;
  /** Strictly increasing per lock name across all holders, also across a Redis data loss. */
  readonly fencingToken: bigint;
  /** Aborted when the lease could not be renewed, was taken over, or the service stopped; never after release(). */
  readonly lost: AbortSignal;
  /** Compare-and-delete: removes the key only while it still holds this lease; idempotent, never rejects. */
  release(): Promise<void>;
}
