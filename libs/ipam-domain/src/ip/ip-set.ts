// SPDX-License-Identifier: Apache-2.0
/**
 * An immutable set of addresses of one IP family, kept as inclusive intervals.
 *
 * Invariant of every instance: intervals are sorted ascending, each has lo ≤ hi inside the
 * family's address space, and consecutive intervals are disjoint and non-adjacent
 * (next.lo > prev.hi + 1). Because of that, the interval list is the unique representation of
 * the set, so equality is a list comparison and `toRanges` is canonical.
 *
 * Pools may be a whole /64, so nothing here enumerates addresses: the set operations are linear
 * merges over the two interval lists, and only `values()` walks addresses (lazily).
 */
import { SpiderpoolError, invalidInput } from '@spiderpool/errors';
import { cidrFirst, cidrLast, maxAddress, type Cidr } from './cidr.ts';
import { formatIp, tryParseIp, type IpVersion } from './ip-address.ts';

export type Interval = readonly [bigint, bigint];

export class IpSet {
  readonly version: IpVersion;
  private readonly iv: readonly Interval[];

  /** Callers must pass intervals that already satisfy the class invariant. */
  private constructor(version: IpVersion, normalized: readonly Interval[]) {
    this.version = version;
    this.iv = Object.freeze(normalized.map((i) => Object.freeze(i)));
  }

  /** The empty set of `version`. */
  static empty(version: IpVersion): IpSet {
    return new IpSet(version, []);
  }

  /**
   * Builds a set from upstream-style entries: a single address (`192.0.2.1`) or an inclusive
   * range (`192.0.2.1-192.0.2.9`). Overlapping and adjacent entries are merged. Throws
   * INVALID_INPUT naming `${field}[${i}]` for a malformed entry, an entry of another family, or
   * a range whose start is above its end.
   */
  static fromRanges(version: IpVersion, entries: readonly string[], field: string): IpSet {
    return IpSet.fromIntervals(
      version,
      entries.map((entry, i) => parseRangeEntry(version, entry, `${field}[${i}]`)),
    );
  }

  /**
   * Builds a set from inclusive [lo, hi] pairs in any order, merging overlaps and neighbours.
   * A pair with lo > hi or outside the family's address space is a programming error (INTERNAL).
   */
  static fromIntervals(version: IpVersion, intervals: readonly Interval[]): IpSet {
    const max = maxAddress(version);
    for (const [lo, hi] of intervals) {
      if (lo < 0n || hi > max || lo > hi) {
        throw new SpiderpoolError('INTERNAL', `invalid IPv${version} interval [${lo}, ${hi}]`);
      }
    }
    const sorted = [...intervals].sort((a, b) => compareBig(a[0], b[0]));
    return new IpSet(version, coalesce(sorted));
  }

  /** Every address of the block, network and broadcast included. */
  static fromCidr(cidr: Cidr): IpSet {
    return new IpSet(cidr.version, [[cidrFirst(cidr), cidrLast(cidr)]]);
  }

  /** Addresses in this set or in `o`. */
  union(o: IpSet): IpSet {
    this.sameFamily(o, 'union');
    return new IpSet(this.version, coalesce(mergeSorted(this.iv, o.iv)));
  }

  /** Addresses in this set and not in `o`. */
  difference(o: IpSet): IpSet {
    this.sameFamily(o, 'difference');
    return new IpSet(this.version, subtract(this.iv, o.iv));
  }

  /** Addresses in both sets. */
  intersection(o: IpSet): IpSet {
    this.sameFamily(o, 'intersection');
    return new IpSet(this.version, intersect(this.iv, o.iv));
  }

  /** Membership by numeric value (binary search). */
  has(value: bigint): boolean {
    let lo = 0;
    let hi = this.iv.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const [a, b] = this.iv[mid] as Interval;
      if (value < a) hi = mid - 1;
      else if (value > b) lo = mid + 1;
      else return true;
    }
    return false;
  }

  /** Number of addresses (a bigint: an IPv6 /64 holds 2^64). */
  size(): bigint {
    return this.iv.reduce((sum, [lo, hi]) => sum + (hi - lo + 1n), 0n);
  }

  isEmpty(): boolean {
    return this.iv.length === 0;
  }

  isSubsetOf(o: IpSet): boolean {
    return this.difference(o).isEmpty();
  }

  /** True when the sets share at least one address. */
  overlaps(o: IpSet): boolean {
    this.sameFamily(o, 'overlaps');
    return firstOverlap(this.iv, o.iv);
  }

  /** True when both sets hold exactly the same addresses of the same family. */
  equals(o: IpSet): boolean {
    if (o.version !== this.version || o.iv.length !== this.iv.length) return false;
    return this.iv.every(([lo, hi], i) => {
      const other = o.iv[i] as Interval;
      return other[0] === lo && other[1] === hi;
    });
  }

  /** The canonical interval list (sorted, disjoint, non-adjacent; frozen). */
  intervals(): ReadonlyArray<readonly [bigint, bigint]> {
    return this.iv;
  }

  /** Canonical upstream-style entries: `a` for a single address, `a-b` for a run. */
  toRanges(): string[] {
    const fmt = (value: bigint): string => formatIp({ version: this.version, value });
    return this.iv.map(([lo, hi]) => (lo === hi ? fmt(lo) : `${fmt(lo)}-${fmt(hi)}`));
  }

  /** The lowest address, or undefined for the empty set. */
  first(): bigint | undefined {
    return this.iv[0]?.[0];
  }

  /** Every address, ascending. Lazy: the caller decides how many to take. */
  *values(): Generator<bigint> {
    for (const [lo, hi] of this.iv) {
      for (let v = lo; v <= hi; v++) yield v;
    }
  }

  private sameFamily(o: IpSet, op: string): void {
    if (o.version !== this.version) {
      throw new SpiderpoolError('INTERNAL', `IpSet.${op} of an IPv${this.version} set with an IPv${o.version} set`);
    }
  }
}

function parseRangeEntry(version: IpVersion, entry: string, field: string): Interval {
  const parts = entry.split('-');
  const ips = parts.length <= 2 ? parts.map(tryParseIp) : [];
  const [lo, hi = lo] = ips;
  if (!lo || !hi || ips.includes(undefined)) {
    throw invalidInput(field, entry, `must be an IPv${version} address or an IPv${version} range "a-b"`);
  }
  if (lo.version !== version || hi.version !== version) {
    throw invalidInput(field, entry, `must be of IP version ${version}`);
  }
  if (lo.value > hi.value) {
    throw invalidInput(field, entry, 'must not have a range start greater than its end');
  }
  return [lo.value, hi.value];
}

function compareBig(a: bigint, b: bigint): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** Merges two lists sorted by lo into one list sorted by lo (not yet coalesced). */
function mergeSorted(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (y === undefined || (x !== undefined && x[0] <= y[0])) {
      out.push(x as Interval);
      i++;
    } else {
      out.push(y);
      j++;
    }
  }
  return out;
}

/** Joins overlapping or adjacent neighbours of a list sorted by lo. */
function coalesce(sorted: readonly Interval[]): Interval[] {
  const out: Array<[bigint, bigint]> = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1n) {
      if (hi > last[1]) last[1] = hi;
    } else {
      out.push([lo, hi]);
    }
  }
  return out;
}

/**
 * a − b for two canonical lists. `j` only moves past b-intervals that end before the current
 * a-interval starts; a b-interval reaching past the current a-interval stops the inner loop and
 * is looked at again for the next one, so each b-interval is visited O(1) times per overlap.
 */
function subtract(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let j = 0;
  for (const [start, hi] of a) {
    let lo = start;
    while (j < b.length && (b[j] as Interval)[1] < lo) j++;
    for (let k = j; k < b.length && lo <= hi; k++) {
      const [bLo, bHi] = b[k] as Interval;
      if (bLo > hi) break;
      if (bLo > lo) out.push([lo, bLo - 1n]);
      lo = bHi + 1n;
    }
    if (lo <= hi) out.push([lo, hi]);
  }
  return out;
}

function intersect(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const [aLo, aHi] = a[i] as Interval;
    const [bLo, bHi] = b[j] as Interval;
    const lo = aLo > bLo ? aLo : bLo;
    const hi = aHi < bHi ? aHi : bHi;
    if (lo <= hi) out.push([lo, hi]);
    if (aHi < bHi) i++;
    else j++;
  }
  return out;
}

function firstOverlap(a: readonly Interval[], b: readonly Interval[]): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const [aLo, aHi] = a[i] as Interval;
    const [bLo, bHi] = b[j] as Interval;
    if (aLo <= bHi && bLo <= aHi) return true;
    if (aHi < bHi) i++;
    else j++;
  }
  return false;
}
