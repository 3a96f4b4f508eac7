// SPDX-License-Identifier: Apache-2.0
/**
 * What overlap checks compare against: the objects in the watch cache plus the claims of
 * admissions that were allowed but may not be stored (or cached) yet.
 *
 * A claim is `{subnet, ips, at}` — the CIDR and the usable addresses — and lives 30 s. Every
 * live claim of a name counts, not only the newest: an update admitted but not stored yet must
 * not free addresses that an earlier admitted version still holds. An allowed DELETE leaves a
 * tombstone `{deleted: true}` that hides the claims of that name recorded before it, so that a
 * pool just deleted does not block its addresses for the rest of the TTL (while the deleted
 * object still exists, a finalizer holding it, the cache keeps holding it). A withdrawal
 * `{withdraws: <id>}` hides one claim of an admission that was refused after claiming (see
 * claimThenRecheck).
 */
import { formatCidr, tryParseCidr, type Cidr, type IpSet } from '@spiderpool/ipam-domain';
import type { KubeObject } from '@spiderpool/k8s';
import type { AdmissionContext, Claim, Violation } from '../admission/admission-types.ts';
import { claimOrder } from '../admission/claim-order.ts';
import type { CompiledAddresses } from './address-spec.ts';
import { lenientRanges } from './ip-ranges.ts';
import { isRecord } from '../admission/field-types.ts';
import { cidrOf } from './field-types.ts';

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
  /** The stored objects (the watch cache), the admitted one left out; empty when not asked for. */
  stored: T[];
  /** Whether the view was built with this claim (claims are only ever added in order, so a watermark tells). */
  saw: (claim: Claim) => boolean;
}

/** Which peers a view holds: the first check takes all, the re-check only claims new to it. */
export interface PeerScope {
  stored: boolean;
  claim: (claim: Claim) => boolean;
}

export const EVERY_PEER: PeerScope = { stored: true, claim: () => true };

export function addressClaim(kind: AddressKind, name: string, addresses: CompiledAddresses): Claim {
  return { kind, name, payload: { subnet: formatCidr(addresses.cidr), ips: addresses.usable.toRanges(), at: Date.now() } };
}

export function tombstoneClaim(kind: AddressKind, name: string): Claim {
  return { kind, name, payload: { deleted: true, at: Date.now() } };
}

export function withdrawalClaim(claim: Claim): Claim {
  return { kind: claim.kind, name: claim.name, payload: { withdraws: claim.id ?? '', at: Date.now() } };
}

/**
 * Stored objects (the watch cache) and live claims of `kind` in `scope`, without the ones named
 * `self`. The claims cover everything admitted in the last 30 s by any replica, so the cache
 * only has to be as current as that, which a watch is by a wide margin; a LIST of every pool per
 * admission would cap admission at the LIST's rate (≈25/s with 1,000 pools).
 */
export async function peerView<T extends AddressObject>(
  ctx: AdmissionContext,
  kind: AddressKind,
  self: string | undefined,
  scope: PeerScope = EVERY_PEER,
): Promise<PeerView<T>> {
  const [objects, claims] = await Promise.all([scope.stored ? ctx.list<T>(kind) : Promise.resolve([]), ctx.claims.list(kind)]);
  const stored = objects.filter((o) => o.metadata?.name !== self);
  const fromStore = stored.flatMap((o) => peerOfObject(o));
  const { holding, mark } = liveClaims(claims);
  const fromClaims = holding.filter((c) => c.name !== self && scope.claim(c)).flatMap((c) => peerOfClaim(c));
  return { peers: [...fromStore, ...fromClaims], stored, saw: (c) => sawClaim(c, mark) };
}

/**
 * Admission without a lock. The first check (against everything) has passed; now the claim is
 * recorded, which gives it its place in the order of claims, and it is checked again against the
 * claims recorded before it that the first check did not see (`recheck` gets that scope). Of two
 * overlapping admissions running at once, the later-recorded one sees the earlier one here and is
 * refused; the earlier one does not look at the later one. An order that is not known counts as
 * earlier: at worst both are refused, never both admitted. A refused admission withdraws its
 * claim so that it stops blocking others.
 */
export async function claimThenRecheck(
  ctx: AdmissionContext,
  claim: Claim,
  seen: (claim: Claim) => boolean,
  recheck: (scope: PeerScope) => Promise<Violation[]>,
): Promise<Violation[]> {
  const mine = await ctx.claims.add(claim, CLAIM_TTL_MS);
  const earlierAndNew = (c: Claim): boolean => c.id !== mine.id && !seen(c) && claimOrder(c, mine) !== 'after';
  const violations = await recheck({ stored: false, claim: earlierAndNew });
  if (violations.length > 0) await ctx.claims.add(withdrawalClaim(mine), CLAIM_TTL_MS);
  return violations;
}

/**
 * The highest sequence numbers among the claims a view was built from. Claims get their numbers
 * when recorded and a read returns every claim recorded before it, so a claim with a number at
 * or below the mark was in the view. A claim this replica recorded while the store was unusable
 * has only a local number; one that got its shared number later counts as unseen (re-checking
 * it costs a comparison, nothing more).
 */
interface SeenMark {
  seq: number;
  localSeq: number;
}

function sawClaim(c: Claim, mark: SeenMark): boolean {
  if (c.seq !== undefined) return c.seq <= mark.seq;
  return c.localSeq !== undefined && c.localSeq <= mark.localSeq;
}

/** liveClaims by the registry's answer, which stays the same array while no claim changes. */
const live = new WeakMap<readonly Claim[], { holding: Claim[]; mark: SeenMark }>();

function liveClaims(claims: readonly Claim[]): { holding: Claim[]; mark: SeenMark } {
  let found = live.get(claims);
  if (!found) {
    const mark: SeenMark = { seq: 0, localSeq: 0 };
    for (const c of claims) {
      mark.seq = Math.max(mark.seq, c.seq ?? 0);
      mark.localSeq = Math.max(mark.localSeq, c.localSeq ?? 0);
    }
    found = { holding: holdingClaims(claims), mark };
    live.set(claims, found);
  }
  return found;
}

/** Claims that hold addresses: not tombstones or withdrawals, nor hidden by one. */
function holdingClaims(claims: readonly Claim[]): Claim[] {
  const withdrawn = new Set<unknown>();
  const tombstones: Claim[] = [];
  for (const claim of claims) {
    if (claim.payload['deleted'] === true) tombstones.push(claim);
    if (claim.payload['withdraws'] !== undefined) withdrawn.add(claim.payload['withdraws']);
  }
  // A tombstone hides only claims known to be older: hiding a newer one could free addresses
  // of an object re-created after the delete.
  const buried = (c: Claim): boolean => tombstones.some((t) => t.name === c.name && claimOrder(c, t) === 'before');
  return claims.filter((c) => !withdrawn.has(c.id) && c.payload['withdraws'] === undefined && c.payload['deleted'] !== true && !buried(c));
}

/**
 * Compiled peers by object: the watch cache hands out the same object until it changes, and the
 * claim registry the same claim, so each is compiled once instead of once per admission (with
 * 1,000 pools, compiling them all took ~10 ms of every admission, inside the overlap lock).
 */
const compiled = new WeakMap<object, AddressPeer[]>();

function memoised<T extends object>(key: T, compile: (key: T) => AddressPeer[]): AddressPeer[] {
  let peers = compiled.get(key);
  if (!peers) {
    peers = compile(key);
    compiled.set(key, peers);
  }
  return peers;
}

function peerOfObject(o: AddressObject): AddressPeer[] {
  return memoised(o, compileObject);
}

function peerOfClaim(claim: Claim): AddressPeer[] {
  return memoised(claim, compileClaim);
}

function compileObject(o: AddressObject): AddressPeer[] {
  const spec: unknown = o.spec;
  const cidr = isRecord(spec) ? cidrOf(spec['subnet']) : undefined;
  if (!isRecord(spec) || !cidr) return [];
  const usable = lenientRanges(spec['ips'], cidr.version).difference(lenientRanges(spec['excludeIPs'], cidr.version));
  return [{ name: o.metadata?.name ?? '', cidr, usable, source: 'stored' }];
}

function compileClaim(claim: Claim): AddressPeer[] {
  const { subnet, ips, deleted } = claim.payload;
  if (deleted === true || typeof subnet !== 'string' || !Array.isArray(ips)) return [];
  const cidr = tryParseCidr(subnet);
  if (!cidr) return [];
  const entries = ips.filter((ip): ip is string => typeof ip === 'string');
  return [{ name: claim.name, cidr, usable: lenientRanges(entries, cidr.version), source: 'claimed' }];
}
