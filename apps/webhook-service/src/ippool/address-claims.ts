// SPDX-License-Identifier: Apache-2.0
/**
 * What overlap checks compare against: the objects the API server holds (a fresh list, not the
 * watch cache) plus the claims of admissions that were allowed but may not be stored yet.
 *
 * A claim is `{subnet, ips, at}` — the CIDR and the usable addresses — and lives 30 s. Claims of
 * one name replace each other by `at` (the newest wins), and an allowed DELETE leaves a tombstone
 * `{deleted: true}` so that a pool just deleted does not block its addresses for the rest of the
 * TTL. While the deleted object still exists (finalizer), the fresh list keeps holding it. A
 * stored object and its newer claim are both kept: an update admitted but not yet stored must
 * not free addresses the stored version still holds.
 */
import { formatCidr, tryParseCidr, type Cidr, type IpSet } from '@spiderpool/ipam-domain';
import type { KubeObject } from '@spiderpool/k8s';
import type { AdmissionContext, Claim } from '../admission/admission-types.ts';
import type { CompiledAddresses } from './address-spec.ts';
import { lenientRanges } from './ip-ranges.ts';
import { cidrOf, isRecord } from './field-types.ts';

export const CLAIM_TTL_MS = 30_000;

export type AddressKind = 'SpiderIPPool' | 'SpiderSubnet';

export interface AddressPeer {
  name: string;
  cidr: Cidr;
  /** `ips − excludeIPs` of the peer. */
  usable: IpSet;
  source: 'stored' | 'claimed';
}

export interface AddressObject extends KubeObject {
  spec?: { subnet?: string; ips?: string[]; excludeIPs?: string[] };
}

export interface PeerView<T extends AddressObject> {
  peers: AddressPeer[];
  /** The stored objects (fresh from the API server), the admitted one left out. */
  stored: T[];
}

export function addressClaim(kind: AddressKind, name: string, addresses: CompiledAddresses): Claim {
  return { kind, name, payload: { subnet: formatCidr(addresses.cidr), ips: addresses.usable.toRanges(), at: Date.now() } };
}

export function tombstoneClaim(kind: AddressKind, name: string): Claim {
  return { kind, name, payload: { deleted: true, at: Date.now() } };
}

/**
 * Stored objects (the watch cache) and live claims of `kind`, without the ones named `self`.
 * Inside the overlap lock the claims cover everything admitted in the last 30 s by any replica,
 * so the cache only has to be as current as that, which a watch is by a wide margin; a LIST of
 * every pool per admission would cap admission at the LIST's rate (≈25/s with 1,000 pools).
 */
export async function peerView<T extends AddressObject>(
  ctx: AdmissionContext,
  kind: AddressKind,
  self: string | undefined,
): Promise<PeerView<T>> {
  const [objects, claims] = await Promise.all([ctx.list<T>(kind), ctx.claims.list(kind)]);
  const stored = objects.filter((o) => o.metadata?.name !== self);
  const fromStore = stored.flatMap((o) => peerOfObject(o));
  const fromClaims = [...latestClaims(claims).values()].filter((c) => c.name !== self).flatMap((c) => peerOfClaim(c));
  return { peers: [...fromStore, ...fromClaims], stored };
}

function peerOfObject(o: AddressObject): AddressPeer[] {
  const spec: unknown = o.spec;
  const cidr = isRecord(spec) ? cidrOf(spec['subnet']) : undefined;
  if (!isRecord(spec) || !cidr) return [];
  const usable = lenientRanges(spec['ips'], cidr.version).difference(lenientRanges(spec['excludeIPs'], cidr.version));
  return [{ name: o.metadata?.name ?? '', cidr, usable, source: 'stored' }];
}

function peerOfClaim(claim: Claim): AddressPeer[] {
  const { subnet, ips, deleted } = claim.payload;
  if (deleted === true || typeof subnet !== 'string' || !Array.isArray(ips)) return [];
  const cidr = tryParseCidr(subnet);
  if (!cidr) return [];
  const entries = ips.filter((ip): ip is string => typeof ip === 'string');
  return [{ name: claim.name, cidr, usable: lenientRanges(entries, cidr.version), source: 'claimed' }];
}

/** The newest claim of each name; on equal `at` the one listed later (added later) wins. */
function latestClaims(claims: readonly Claim[]): Map<string, Claim> {
  const latest = new Map<string, Claim>();
  for (const claim of claims) {
    const seen = latest.get(claim.name);
    if (!seen || atOf(claim) >= atOf(seen)) latest.set(claim.name, claim);
  }
  return latest;
}

function atOf(claim: Claim): number {
  const at = claim.payload['at'];
  return typeof at === 'number' ? at : 0;
}
