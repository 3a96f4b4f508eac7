// SPDX-License-Identifier: Apache-2.0
/**
 * The checks of a subnet against other subnets and against pools (a pool admission compares
 * itself with subnets as well), first against everything, then after claiming against the
 * claims recorded meanwhile (see claimThenRecheck).
 */
import { cidrsOverlap, decodeControlledPools, formatCidr, IpSet, sameCidr } from '@spiderpool/ipam-domain';
import type { SpiderIPPool, SpiderSubnet } from '@spiderpool/crds';
import type { AdmissionContext, Violation } from '../admission/admission-types.ts';
import { EVERY_PEER, peerView, type AddressPeer, type PeerScope } from './address-claims.ts';
import type { CompiledAddresses } from './address-spec.ts';
import { lenientRanges } from './ip-ranges.ts';
import { dedupe, describePeer, type PeerCheck } from './ippool-overlap.ts';
import { listSome, violation } from './violation.ts';

export interface SubnetPeerInput {
  name: string;
  addresses: CompiledAddresses;
  /** The stored subnet on UPDATE: its `status.controlledIPPools` records what it lent. */
  stored: SpiderSubnet | undefined;
}

export async function checkSubnetAgainstPeers(input: SubnetPeerInput, ctx: AdmissionContext, scope: PeerScope = EVERY_PEER): Promise<PeerCheck> {
  const [subnets, pools] = await Promise.all([
    peerView<SpiderSubnet>(ctx, 'SpiderSubnet', input.name, scope),
    peerView<SpiderIPPool>(ctx, 'SpiderIPPool', undefined, scope),
  ]);
  const a = input.addresses;
  const violations = dedupe([
    ...subnets.peers.flatMap((peer) => againstSubnet(a, peer)),
    ...pools.peers.flatMap((peer) => againstPoolCidr(a, peer)),
    ...heldByPools(a, lentAddresses(a, pools.peers, input.stored)),
  ]);
  return { violations, seen: (c) => (c.kind === 'SpiderIPPool' ? pools : subnets).saw(c) };
}

function againstSubnet(a: CompiledAddresses, peer: AddressPeer): Violation[] {
  if (!cidrsOverlap(a.cidr, peer.cidr)) return [];
  const rule = `must not overlap ${describePeer('SpiderSubnet', peer)} with subnet ${formatCidr(peer.cidr)}`;
  return [violation('spec.subnet', formatCidr(a.cidr), 'subnet-overlaps-subnet', rule)];
}

function againstPoolCidr(a: CompiledAddresses, peer: AddressPeer): Violation[] {
  if (!cidrsOverlap(a.cidr, peer.cidr) || sameCidr(a.cidr, peer.cidr)) return [];
  const rule = `must not overlap ${describePeer('SpiderIPPool', peer)} whose subnet ${formatCidr(peer.cidr)} differs (its pools must use exactly this CIDR)`;
  return [violation('spec.subnet', formatCidr(a.cidr), 'subnet-overlaps-pool', rule)];
}

/** Pool name → addresses the subnet lends it: pools of the same CIDR, and the recorded loans. */
function lentAddresses(a: CompiledAddresses, pools: AddressPeer[], stored: SpiderSubnet | undefined): Map<string, IpSet> {
  const lent = new Map<string, IpSet>();
  const add = (name: string, set: IpSet): void => {
    lent.set(name, (lent.get(name) ?? IpSet.empty(a.version)).union(set));
  };
  for (const peer of pools) {
    if (sameCidr(a.cidr, peer.cidr)) add(peer.name, peer.usable);
  }
  const decoded = decodeControlledPools(stored?.status?.controlledIPPools);
  if (decoded.ok) {
    for (const [name, record] of decoded.records) add(name, lenientRanges(record.ips, a.version));
  }
  return lent;
}

function heldByPools(a: CompiledAddresses, lent: Map<string, IpSet>): Violation[] {
  return [...lent].flatMap(([pool, set]) => {
    const outside = set.difference(a.usable);
    if (outside.isEmpty()) return [];
    const rule = `must keep lending ${listSome(outside.toRanges())} to SpiderIPPool ${pool}: they are outside spec.ips minus spec.excludeIPs`;
    return [violation('spec.ips', outside.toRanges().slice(0, 10), 'subnet-ips-held-by-pool', rule)];
  });
}
