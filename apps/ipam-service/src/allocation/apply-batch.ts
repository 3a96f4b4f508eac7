// SPDX-License-Identifier: Apache-2.0
import type { SpiderIPPool } from '@spiderpool/crds';
import {
  allocateInto,
  compilePool,
  decodeAllocatedIPs,
  encodeAllocatedIPs,
  releaseFrom,
  type AllocationRecord,
  type CompiledPool,
  type IpSet,
} from '@spiderpool/ipam-domain';
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

/** Compiles a pool's spec once per spec version (range math is not repeated per request). */
function compiledOf(pool: SpiderIPPool): CompiledPool {
  const key = `${pool.metadata?.generation ?? ''}:${pool.metadata?.uid ?? ''}`;
  const name = pool.metadata?.name ?? '';
  const hit = compiled.get(name);
  if (hit && hit.key === key) return hit.pool;
  const fresh = compilePool({ name, ...pool.spec });
  compiled.set(name, { key, pool: fresh });
  return fresh;
}

/**
 * Applies a batch of operations to one pool object, all against the same freshest records, so
 * that one status write commits them all. Pure apart from the compile cache: the caller writes
 * `updated` with compare-and-swap and re-applies on conflict.
 */
export function applyBatch(pool: SpiderIPPool, ops: readonly PoolOp[], ctx: BatchContext): BatchOutcome {
  const name = pool.metadata?.name ?? '';
  const records = decodeAllocatedIPs(pool.status?.allocatedIPs, name);
  const before = pool.status?.allocatedIPs;
  const compiledPool = compiledOf(pool);
  const refusal = allocationRefusal(pool);
  const results = ops.map((op): PoolOpResult => {
    switch (op.kind) {
      case 'allocate':
        return allocate(records, compiledPool, op.record, { ...ctx, refusal });
      case 'release':
        return { released: releaseFrom(records, { podUid: op.podUid, ...(op.ips ? { ips: op.ips } : {}), ...(op.nic ? { nic: op.nic } : {}) }) };
      case 'rehome':
        return rehome(records, op);
    }
  });
  const allocatedIPs = encodeAllocatedIPs(records);
  const total = compiledPool.total;
  const unchanged = allocatedIPs === before && pool.status?.allocatedIPCount === records.size && pool.status?.totalIPCount === total;
  if (unchanged) return { results, updated: undefined };
  const status = { ...pool.status, allocatedIPCount: records.size, totalIPCount: total };
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

function allocate(
  records: Map<string, AllocationRecord>,
  pool: CompiledPool,
  record: AllocationRecord & { nic: string },
  ctx: BatchContext & { refusal: string | undefined },
): PoolOpResult {
  const existing = [...records].find(([, r]) => r.podUid === record.podUid && (r.nic ?? record.nic) === record.nic);
  if (existing) {
    // Idempotent ADD: the same pod UID and NIC keep their address; refresh the container ID.
    records.set(existing[0], { ...existing[1], ...record });
    return { ip: existing[0] };
  }
  if (ctx.refusal) return { exhausted: ctx.refusal };
  if (records.size >= ctx.maxRecords) return { exhausted: `pool holds ${records.size} records, the maximum allowed` };
  const ip = allocateInto(records, { pool, reserved: ctx.reserved, podUid: record.podUid, pod: record.pod, extra: record });
  return ip ? { ip } : { exhausted: 'all IP addresses used out' };
}

function rehome(records: Map<string, AllocationRecord>, op: RehomeOp): PoolOpResult {
  const current = records.get(op.ip);
  if (current && current.pod !== op.record.pod) {
    return { ok: false, reason: `IP ${op.ip} is recorded for pod ${current.pod}, not ${op.record.pod}` };
  }
  records.set(op.ip, { ...current, ...op.record });
  return { ok: true };
}
