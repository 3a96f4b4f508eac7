// SPDX-License-Identifier: Apache-2.0
/**
 * The two edits an allocation makes to a pool's decoded `status.allocatedIPs`: take an address
 * for a pod, give a pod's addresses back. Both mutate the map in place; the caller encodes it and
 * writes it with compare-and-swap, redoing the edit on a conflict.
 */
import { formatIp, tryParseIp } from '../ip/ip-address.ts';
import type { IpSet } from '../ip/ip-set.ts';
import type { AllocationRecord } from '../types.ts';
import { lowestFree } from './lowest-free.ts';
import { sortByAddress } from './pool-records.ts';
import type { CompiledPool } from './pool-view.ts';

export interface AllocateIntoOptions {
  pool: CompiledPool;
  /** Not accepted: the addresses in use are exactly the keys of `records`. */
  used?: never;
  /** SpiderReservedIP addresses of the pool's family: never handed out. */
  reserved: IpSet;
  podUid: string;
  /** `namespace/name` of the pod. */
  pod: string;
  /** Further record fields (nic, containerID, node, ownerKind); cannot override pod/podUid. */
  extra?: Partial<AllocationRecord>;
}

export interface ReleaseFromOptions {
  podUid: string;
  /** Only these addresses (any spelling); all of the pod's records when absent. */
  ips?: string[];
  /** Only records of this NIC; all NICs when absent. */
  nic?: string;
}

/**
 * Records an address for the pod and returns it formatted, or undefined when the pool has no
 * free address.
 *
 * If a record for the same pod UID *and NIC* exists, its address is returned unchanged: a retry
 * after a lost compare-and-swap or a repeated CNI ADD must not take a second address. Keying on
 * the NIC as well fixes upstream's reuse-by-UID-only, which gives two NICs drawing from one pool
 * the same address. Otherwise the lowest address of usable − reserved that no record holds is taken.
 */
export function allocateInto(records: Map<string, AllocationRecord>, options: AllocateIntoOptions): string | undefined {
  const { pool, reserved, podUid, pod, extra } = options;
  const nic = extra?.nic;
  for (const [ip, record] of records) {
    if (record.podUid === podUid && record.nic === nic) return ip;
  }
  const used = new Set<bigint>();
  for (const key of records.keys()) {
    const ip = tryParseIp(key);
    if (ip?.version === pool.version) used.add(ip.value);
  }
  const [value] = lowestFree({ candidates: pool.usable.difference(reserved), used, count: 1 });
  if (value === undefined) return undefined;
  const ip = formatIp({ version: pool.version, value });
  records.set(ip, { ...extra, pod, podUid });
  return ip;
}

/**
 * Removes the pod's records and returns their addresses, ascending. Ownership guard: only records
 * whose `podUid` equals `options.podUid` are touched, so a stale release (an old UID of a
 * recreated pod, a retried CNI DEL) can never free an address another pod now holds.
 */
export function releaseFrom(records: Map<string, AllocationRecord>, options: ReleaseFromOptions): string[] {
  const wanted = options.ips ? new Set(options.ips.map(canonicalIp)) : undefined;
  const removed: Array<[string, AllocationRecord]> = [];
  for (const [ip, record] of records) {
    if (record.podUid !== options.podUid) continue;
    if (wanted && !wanted.has(ip)) continue;
    if (options.nic !== undefined && record.nic !== options.nic) continue;
    removed.push([ip, record]);
  }
  for (const [ip] of removed) records.delete(ip);
  return sortByAddress(removed).map(([ip]) => ip);
}

function canonicalIp(text: string): string {
  const ip = tryParseIp(text);
  return ip ? formatIp(ip) : text;
}
