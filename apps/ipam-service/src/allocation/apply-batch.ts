// SPDX-License-Identifier: Apache-2.0
import type { SpiderIPPool } from '@spiderpool/crds';
import { compilePool, type AllocationRecord, type CompiledPool, type IpSet, type PoolLedger } from '@spiderpool/ipam-domain';
import type { PoolOp, PoolOpResult, RehomeOp } from './pool-ops.ts';

export interface BatchContext {
  /** Reserved addresses (every SpiderReservedIP of the pool's family). */
  reserved: IpSet;
  maxRecords: number;
}

export interface BatchOutcome {
  results: PoolOpResult[];
  /** The pool with the new status, or undefined when nothing changed (no write needed). */
  updated: SpiderIPPool | undefined;
}

const compiled = new Map<string, { key: string; pool: CompiledPool }>();

/** Compiles a pool's spec once per spec generation (range math is not repeated per batch). */
export function compiledOf(pool: SpiderIPPool): CompiledPool {
  const key = `${pool.metadata?.generation ?? ''}:${pool.metadata?.uid ?? ''}`;
  const name = pool.metadata?.name ?? '';
  const hit = compiled.get(name);
  if (hit && hit.key === key) return hit.pool;
  const fresh = compilePool({ name, ...pool.spec });
  compiled.set(name, { key, pool: fresh });
  return fresh;
}

/**
 * Applies a batch of operations to one pool's ledger, all against the same freshest records,
 * so that one status write commits them all. The caller writes `updated` with
 * compare-and-swap and re-applies the batch to a fresh ledger on conflict.
 */
export function applyBatch(pool: SpiderIPPool, ledger: PoolLedger, ops: readonly PoolOp[], ctx: BatchContext): BatchOutcome {
  const before = pool.status?.allocatedIPs;
  const compiledPool = compiledOf(pool);
  const candidates = compiledPool.usable.difference(ctx.reserved);
  const refusal = allocationRefusal(pool);
  const results = ops.map((op): PoolOpResult => {
    switch (op.kind) {
      case 'allocate':
        return allocate(ledger, candidates, op.record, { ...ctx, refusal });
      case 'release':
        return { released: ledger.release({ podUid: op.podUid, ...(op.ips ? { ips: op.ips } : {}), ...(op.nic ? { nic: op.nic } : {}) }) };
      case 'rehome':
        return rehome(ledger, op);
    }
  });
  const allocatedIPs = ledger.encode();
  const total = compiledPool.total;
  const unchanged = allocatedIPs === before && pool.status?.allocatedIPCount === ledger.size && pool.status?.totalIPCount === total;
  if (unchanged) return { results, updated: undefined };
  const status = { ...pool.status, allocatedIPCount: ledger.size, totalIPCount: total };
  if (allocatedIPs === undefined) delete status.allocatedIPs;
  else status.allocatedIPs = allocatedIPs;
  return { results, updated: { ...pool, status } };
}

/** A pool that is being deleted or disabled takes no new allocations (re-checked on fresh state). */
function allocationRefusal(pool: SpiderIPPool): string | undefined {
  if (pool.metadata?.deletionTimestamp) return 'pool is terminating';
  if (pool.spec.disable) return 'pool is disabled';
  return undefined;
}

function allocate(ledger: PoolLedger, candidates: IpSet, record: AllocationRecord & { nic: string }, ctx: BatchContext & { refusal: string | undefined }): PoolOpResult {
  // Idempotent ADD first: the same pod UID and NIC keep their address even in a full pool.
  if (ledger.find(record.podUid, record.nic)) return { ip: ledger.allocate(candidates, record) ?? '' };
  if (ctx.refusal) return { exhausted: ctx.refusal };
  if (ledger.size >= ctx.maxRecords) return { exhausted: `pool holds ${ledger.size} records, the maximum allowed` };
  const ip = ledger.allocate(candidates, record);
  return ip ? { ip } : { exhausted: 'all IP addresses used out' };
}

function rehome(ledger: PoolLedger, op: RehomeOp): PoolOpResult {
  const current = ledger.get(op.ip);
  if (current && current.pod !== op.record.pod) {
    return { ok: false, reason: `IP ${op.ip} is recorded for pod ${current.pod}, not ${op.record.pod}` };
  }
  ledger.assign(op.ip, { ...current, ...op.record });
  return { ok: true };
}
