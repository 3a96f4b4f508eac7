// SPDX-License-Identifier: Apache-2.0
import type { SpiderIPPool } from '@spiderpool/crds';
import { SpiderpoolError, isSpiderpoolError } from '@spiderpool/errors';
import { PoolLedger, type IpSet } from '@spiderpool/ipam-domain';
import type { Logger } from '@spiderpool/observability';
import { applyBatch } from './apply-batch.ts';
import type { PoolOp, PoolOpResult } from './pool-ops.ts';

/** Reads and writes pool objects; `writeStatus` is a compare-and-swap on resourceVersion. */
export interface PoolStorePort {
  cached(name: string): SpiderIPPool | undefined;
  fetch(name: string): Promise<SpiderIPPool>;
  writeStatus(pool: SpiderIPPool): Promise<SpiderIPPool>;
}

export interface PoolLease {
  readonly fencingToken: bigint;
  readonly lost: AbortSignal;
  release(): Promise<void>;
}

/** Serialises writers of one pool across replicas; never required for correctness. */
export interface PoolLockPort {
  acquire(name: string, options: { waitTimeoutMs: number; signal?: AbortSignal }): Promise<
    { kind: 'acquired'; lease: PoolLease; waitedMs?: number } | { kind: 'degraded'; reason: string } | { kind: 'timeout' }
  >;
}

export interface CommitterObserver {
  queueWait(seconds: number): void;
  conflict(pool: string): void;
  statusWrite(pool: string, ops: number): void;
  lockDegraded(reason: string): void;
}

export interface PoolCommitterOptions {
  store: PoolStorePort;
  lock: PoolLockPort;
  reservedFor: (version: 4 | 6) => IpSet;
  maxRecordsPerPool: number;
  logger: Logger;
  observer: CommitterObserver;
  /** Operations committed in one status write at most. */
  maxBatch?: number;
  /** Compare-and-swap attempts per batch before giving up with RETRIES_EXHAUSTED. */
  maxAttempts?: number;
  lockWaitMs?: number;
  random?: () => number;
}

interface Pending {
  op: PoolOp;
  enqueued: number;
  resolve: (r: PoolOpResult) => void;
  reject: (e: unknown) => void;
}

/**
 * Group commit per pool. Requests for one pool queue up; one drain loop per pool (and, across
 * replicas, the holder of the pool's Redis lock) takes the whole queue, applies it to the
 * freshest pool object and commits it in a single status write. A lost compare-and-swap
 * re-reads the pool and re-applies the batch (bounded, jittered), so a stale cache, an expired
 * lock or Redis being down costs retries but never a duplicate address.
 */
export class PoolCommitter {
  readonly #o: Required<Omit<PoolCommitterOptions, 'random'>> & { random: () => number };
  readonly #queues = new Map<string, Pending[]>();
  readonly #draining = new Set<string>();
  /** The ledger of each pool as of our last successful write, keyed by that resourceVersion. */
  readonly #ledgers = new Map<string, { resourceVersion: string; ledger: PoolLedger }>();

  constructor(options: PoolCommitterOptions) {
    this.#o = { maxBatch: 500, maxAttempts: 12, lockWaitMs: 5_000, random: Math.random, ...options };
  }

  submit(pool: string, op: PoolOp): Promise<PoolOpResult> {
    return new Promise((resolve, reject) => {
      const queue = this.#queues.get(pool) ?? [];
      queue.push({ op, enqueued: performance.now(), resolve, reject });
      this.#queues.set(pool, queue);
      if (!this.#draining.has(pool)) void this.#drain(pool);
    });
  }

  async #drain(pool: string): Promise<void> {
    this.#draining.add(pool);
    try {
      for (;;) {
        const queue = this.#queues.get(pool);
        if (!queue || queue.length === 0) break;
        const lock = await this.#o.lock
          .acquire(pool, { waitTimeoutMs: this.#o.lockWaitMs })
          .catch((err: unknown) => ({ kind: 'degraded' as const, reason: String(err) }));
        if (lock.kind === 'degraded') this.#o.observer.lockDegraded(lock.reason);
        // Taken after the lock wait: everything that queued meanwhile rides in this commit.
        const batch = queue.splice(0, this.#o.maxBatch);
        const now = performance.now();
        batch.forEach((p) => this.#o.observer.queueWait((now - p.enqueued) / 1_000));
        await this.#commit(pool, batch);
        if (lock.kind === 'acquired') await lock.lease.release().catch(() => undefined);
      }
    } finally {
      this.#draining.delete(pool);
      this.#queues.delete(pool);
    }
  }

  async #commit(pool: string, batch: Pending[]): Promise<void> {
    const ops = batch.map((p) => p.op);
    try {
      settle(batch, await this.#commitWithRetry(pool, ops));
    } catch (err) {
      this.#o.logger.warn({ err, pool, ops: ops.length }, 'pool commit failed');
      for (const p of batch) p.reject(err);
    }
  }

  async #commitWithRetry(pool: string, ops: PoolOp[]): Promise<PoolOpResult[]> {
    let current = this.#o.store.cached(pool) ?? (await this.#o.store.fetch(pool));
    for (let attempt = 1; attempt <= this.#o.maxAttempts; attempt++) {
      const version = current.spec.ipVersion ?? (current.spec.subnet.includes(':') ? 6 : 4);
      const ledger = this.#ledgerOf(pool, current, version);
      const outcome = applyBatch(current, ledger, ops, { reserved: this.#o.reservedFor(version), maxRecords: this.#o.maxRecordsPerPool });
      if (!outcome.updated) return outcome.results;
      const written = await this.#tryWrite(pool, outcome.updated, ops.length);
      if (written) {
        this.#ledgers.set(pool, { resourceVersion: written.metadata?.resourceVersion ?? '', ledger });
        return outcome.results;
      }
      await sleep(backoffMs(attempt, this.#o.random));
      current = await this.#o.store.fetch(pool);
    }
    throw new SpiderpoolError('RETRIES_EXHAUSTED', `pool ${pool}: ${this.#o.maxAttempts} compare-and-swap attempts lost`);
  }

  /**
   * The records of `current`, re-using the parsed ledger of our own last write when the pool
   * has not changed since (the common case while we hold the pool lock): no re-parsing.
   */
  #ledgerOf(pool: string, current: SpiderIPPool, version: 4 | 6): PoolLedger {
    const cached = this.#ledgers.get(pool);
    if (cached && cached.resourceVersion === current.metadata?.resourceVersion) return cached.ledger.clone();
    return PoolLedger.decode(current.status?.allocatedIPs, pool, version);
  }

  /** One compare-and-swap: the written pool, or undefined when another writer won. */
  async #tryWrite(pool: string, updated: SpiderIPPool, ops: number): Promise<SpiderIPPool | undefined> {
    try {
      const written = await this.#o.store.writeStatus(updated);
      this.#o.observer.statusWrite(pool, ops);
      return written;
    } catch (err) {
      if (!isSpiderpoolError(err, 'CONFLICT')) throw err;
      this.#o.observer.conflict(pool);
      return undefined;
    }
  }
}

function settle(batch: Pending[], results: PoolOpResult[]): void {
  batch.forEach((p, i) => p.resolve(results[i] as PoolOpResult));
}

/** 5 ms, 10 ms, 20 ms … capped at 200 ms, with ±50 % jitter so racing replicas spread out. */
function backoffMs(attempt: number, random: () => number): number {
  const base = Math.min(200, 5 * 2 ** (attempt - 1));
  return base * (0.5 + random());
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
