// SPDX-License-Identifier: Apache-2.0
/**
 * Addresses pods hold (`status.allocatedIPs`) must stay usable: removing one from `ips`, or
 * adding it to `excludeIPs`, would let the pool hand it to a second pod.
 */
import { decodeAllocatedIPs, tryParseIp } from '@spiderpool/ipam-domain';
import type { SpiderIPPool } from '@spiderpool/crds';
import type { Violation } from '../admission/admission-types.ts';
import type { CompiledAddresses } from './address-spec.ts';
import { listSome, violation } from './violation.ts';

export type AllocatedRead = { ok: true; holders: Map<string, string> } | { ok: false; reason: string };

/** Address → holding pod (`ns/name`) of a stored pool; never throws. */
export function readAllocated(pool: SpiderIPPool | undefined): AllocatedRead {
  try {
    const records = decodeAllocatedIPs(pool?.status?.allocatedIPs, pool?.metadata?.name ?? '');
    return { ok: true, holders: new Map([...records].map(([ip, r]) => [ip, r.pod])) };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
}

export function checkInUseKept(stored: SpiderIPPool | undefined, addresses: CompiledAddresses): Violation[] {
  const allocated = readAllocated(stored);
  if (!allocated.ok) {
    const rule = `cannot be checked against the addresses in use: ${allocated.reason}; repair the status first`;
    return [violation('status.allocatedIPs', undefined, 'allocated-ips-unreadable', rule)];
  }
  const excluded: string[] = [];
  const dropped: string[] = [];
  for (const ip of allocated.holders.keys()) {
    const value = tryParseIp(ip);
    if (!value || value.version !== addresses.version || addresses.usable.has(value.value)) continue;
    (addresses.excluded.has(value.value) ? excluded : dropped).push(ip);
  }
  return [
    ...inUseViolation('spec.ips', dropped, allocated.holders),
    ...inUseViolation('spec.excludeIPs', excluded, allocated.holders),
  ];
}

function inUseViolation(field: string, ips: string[], holders: Map<string, string>): Violation[] {
  if (ips.length === 0) return [];
  const pods = listSome(ips.map((ip) => `${ip} by Pod ${holders.get(ip) ?? '?'}`), 3);
  const rule = `must keep the ${ips.length} address(es) in use usable (held: ${pods}); release them first`;
  return [violation(field, ips.slice(0, 10), 'in-use-ip-removed', rule)];
}
