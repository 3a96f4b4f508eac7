// SPDX-License-Identifier: Apache-2.0
import type { AllocationRecord } from '@spiderpool/ipam-domain';
import type { PoolRecords } from './ports.ts';

/** One pool record considered for release. */
export interface Candidate {
  pool: string;
  ip: string;
  record: AllocationRecord;
}

/** Every record of every pool, grouped by the pod UID that holds it. */
export function recordsByUid(pools: readonly PoolRecords[]): Map<string, Candidate[]> {
  const byUid = new Map<string, Candidate[]>();
  for (const { pool, records } of pools) {
    for (const [ip, record] of records) {
      const group = byUid.get(record.podUid);
      if (group) group.push({ pool, ip, record });
      else byUid.set(record.podUid, [{ pool, ip, record }]);
    }
  }
  return byUid;
}

/** Runs `fn` over `items` with at most `limit` in flight (upstream's release workers). */
export async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
