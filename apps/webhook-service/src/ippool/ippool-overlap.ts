// SPDX-License-Identifier: Apache-2.0
/**
 * The checks of a pool against other pools and subnets: the watch cache plus claims, then after
 * claiming once more against the claims recorded meanwhile (see claimThenRecheck), so that two
 * admissions never both pass with addresses that overlap.
 */
import { cidrsOverlap, formatCidr, sameCidr } from '@spiderpool/ipam-domain';
import type { SpiderIPPool, SpiderSubnet } from '@spiderpool/crds';
import type { AdmissionContext, Claim, Violation } from '../admission/admission-types.ts';
import { EVERY_PEER, peerView, type AddressPeer, type PeerScope } from './address-claims.ts';
import type { CompiledAddresses } from './address-spec.ts';
import { checkAutoPoolRecord } from './auto-pool.ts';
import { listSome, violation } from './violation.ts';
import { cidrOf } from './field-types.ts';

export interface PeerCheck {
  violations: Violation[];
  /** Whether the check looked at this claim. */
  seen: (claim: Claim) => boolean;
}

export interface PoolPeerInput {
  pool: SpiderIPPool;
  name: string;
  addresses: CompiledAddresses;
}

export async function checkPoolAgainstPeers(input: PoolPeerInput, ctx: AdmissionContext, scope: PeerScope = EVERY_PEER): Promise<PeerCheck> {
  const { pool, name, addresses } = input;
  const [pools, subnets] = await Promise.all([
    peerView<SpiderIPPool>(ctx, 'SpiderIPPool', name, scope),
    peerView<SpiderSubnet>(ctx, 'SpiderSubnet', undefined, scope),
  ]);
  // The owner's record is read from stored subnets: a re-check over new claims only skips it.
  const owner = subnets.stored.find((s) => sameCidr(cidrOf(s.spec?.subnet), addresses.cidr));
  const violations = dedupe([
    ...pools.peers.flatMap((peer) => againstPool(addresses, peer)),
    ...subnets.peers.flatMap((peer) => againstSubnet(addresses, peer)),
    ...(scope.stored ? await autoPoolRecordCheck(pool, addresses, owner, ctx) : []),
  ]);
  return { violations, seen: (c) => (c.kind === 'SpiderIPPool' ? pools : subnets).saw(c) };
}

/**
 * The subnet controller writes the record a moment before the pool: a cached subnet may not show
 * it yet, so a mismatch is only final once the subnet read from the API server agrees.
 */
async function autoPoolRecordCheck(pool: SpiderIPPool, addresses: CompiledAddresses, owner: SpiderSubnet | undefined, ctx: AdmissionContext): Promise<Violation[]> {
  const cached = checkAutoPoolRecord(pool, addresses, owner);
  const name = owner?.metadata?.name;
  if (cached.length === 0 || !name) return cached;
  return checkAutoPoolRecord(pool, addresses, await ctx.get<SpiderSubnet>('SpiderSubnet', name, undefined, { fresh: true }));
}

export function describePeer(kind: string, peer: AddressPeer): string {
  return peer.source === 'stored' ? `${kind} ${peer.name}` : `${kind} ${peer.name} (admitted moments ago)`;
}

function againstPool(addresses: CompiledAddresses, peer: AddressPeer): Violation[] {
  if (!cidrsOverlap(addresses.cidr, peer.cidr)) return [];
  const other = describePeer('SpiderIPPool', peer);
  if (!sameCidr(addresses.cidr, peer.cidr)) {
    const rule = `must not overlap ${other} whose subnet ${formatCidr(peer.cidr)} differs (pools of one network share one CIDR)`;
    return [violation('spec.subnet', formatCidr(addresses.cidr), 'subnet-overlaps-pool', rule)];
  }
  const shared = addresses.usable.intersection(peer.usable);
  if (shared.isEmpty()) return [];
  const rule = `must not overlap the addresses of ${other}: ${listSome(shared.toRanges())} would be handed out twice`;
  return [violation('spec.ips', shared.toRanges().slice(0, 10), 'ips-overlap-pool', rule)];
}

/** A subnet of the same CIDR owns the pool, which must take only its addresses; others must stay apart. */
function againstSubnet(addresses: CompiledAddresses, peer: AddressPeer): Violation[] {
  if (!cidrsOverlap(addresses.cidr, peer.cidr)) return [];
  const other = describePeer('SpiderSubnet', peer);
  if (!sameCidr(addresses.cidr, peer.cidr)) {
    const rule = `must not overlap ${other} whose subnet ${formatCidr(peer.cidr)} differs (a pool inside a SpiderSubnet uses its exact CIDR)`;
    return [violation('spec.subnet', formatCidr(addresses.cidr), 'subnet-overlaps-subnet', rule)];
  }
  const outside = addresses.usable.difference(peer.usable);
  if (outside.isEmpty()) return [];
  const rule = `must lie inside the addresses of its owner ${other}: ${listSome(outside.toRanges())} are not in its spec.ips minus spec.excludeIPs`;
  return [violation('spec.ips', outside.toRanges().slice(0, 10), 'ips-outside-owner-subnet', rule)];
}

/** A peer stored and claimed at once may break a rule twice in the same words. */
export function dedupe(violations: Violation[]): Violation[] {
  const seen = new Set<string>();
  return violations.filter((v) => {
    const key = `${v.id}|${v.field}|${v.rule}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
