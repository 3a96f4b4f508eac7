// SPDX-License-Identifier: Apache-2.0
/**
 * Deleting a pool or subnet that still lends addresses is refused while
 * `settings.protectInUseDeletion` is on (our default; upstream's equivalent is off by default,
 * and the object then hangs in Terminating until every address is released).
 */
import { Labels, type SpiderIPPool, type SpiderSubnet } from '@spiderpool/crds';
import type { AdmissionContext, Violation } from '../admission/admission-types.ts';
import { decodeControlledPools } from '@spiderpool/ipam-domain';
import { readAllocated } from './ippool-in-use.ts';
import { listSome, violation } from './violation.ts';

export function checkPoolDelete(pool: SpiderIPPool | undefined, ctx: AdmissionContext): Violation[] {
  if (!pool || !ctx.settings.protectInUseDeletion) return [];
  const counted = pool.status?.allocatedIPCount ?? 0;
  const allocated = readAllocated(pool);
  const recorded = allocated.ok ? allocated.holders.size : 0;
  const count = Math.max(counted, recorded);
  if (count === 0 && allocated.ok) return [];
  const examples = allocated.ok ? ` (${listSome([...allocated.holders].map(([ip, pod]) => `${ip} by Pod ${pod}`), 3)})` : '';
  const rule = allocated.ok
    ? `must be 0 to delete the pool: ${count} IP(s) still allocated${examples}; release them or turn off protectInUseDeletion`
    : `cannot be verified before deletion: ${allocated.reason}`;
  return [violation('status.allocatedIPCount', count, 'delete-in-use', rule)];
}

/** A subnet is in use while it lends addresses to pools: its records, or pools it owns. */
export async function checkSubnetDelete(subnet: SpiderSubnet | undefined, ctx: AdmissionContext): Promise<Violation[]> {
  if (!subnet || !ctx.settings.protectInUseDeletion) return [];
  const name = subnet.metadata?.name ?? '';
  const uid = subnet.metadata?.uid;
  const decoded = decodeControlledPools(subnet.status?.controlledIPPools);
  const pools = new Set(decoded.ok ? decoded.records.keys() : []);
  // Fresh: a pool created a moment ago must not be missed because the cache lags.
  const owned = (await ctx.list<SpiderIPPool>('SpiderIPPool', { fresh: true })).filter(
    (p) => p.metadata?.labels?.[Labels.OWNER_SPIDER_SUBNET] === name || (uid !== undefined && p.metadata?.ownerReferences?.some((r) => r.uid === uid)),
  );
  for (const pool of owned) pools.add(pool.metadata?.name ?? '');
  const count = subnet.status?.allocatedIPCount ?? 0;
  if (pools.size === 0 && count === 0) return [];
  const names = [...pools].sort();
  const rule = `must be empty to delete the subnet: ${names.length} pool(s) (${listSome(names)}) still take addresses from it ` +
    `(status.allocatedIPCount ${count}); delete those pools first or turn off protectInUseDeletion`;
  return [violation('status.controlledIPPools', names, 'delete-in-use', rule)];
}
