// SPDX-License-Identifier: Apache-2.0
/**
 * The `ips` / `excludeIPs` lists of pools, subnets and reserved IPs: entries are single
 * addresses (`192.0.2.1`) or inclusive ranges (`192.0.2.1-192.0.2.9`). Validation reports every
 * bad entry by index; mutation rewrites a list into its canonical form only when every entry
 * parses, so a broken list reaches validation exactly as the user wrote it.
 */
import {
  cidrFirst,
  cidrLast,
  formatCidr,
  IpSet,
  tryParseIp,
  type Cidr,
  type Interval,
  type IpVersion,
} from '@spiderpool/ipam-domain';
import type { Violation } from '../admission/admission-types.ts';
import { violation } from './violation.ts';
import { checkStringList, isAbsent } from '../admission/field-types.ts';

export interface RangeCheckOptions {
  version: IpVersion;
  /** Field path of the list, e.g. `spec.ips`; entries are reported as `spec.ips[i]`. */
  field: string;
  /** When set, every entry must lie inside it. */
  cidr?: Cidr;
}

export interface RangeCheck {
  /** The entries as a set; undefined when any entry is malformed, of another family or reversed. */
  set: IpSet | undefined;
  violations: Violation[];
}

type Parsed = { interval: Interval } | { violation: Violation };

/**
 * Checks every entry of `entries` (absent means empty) and builds their set when all are sound.
 * A value that is no list of strings is reported with `field-type` and yields no set.
 */
export function checkRanges(entries: unknown, o: RangeCheckOptions): RangeCheck {
  if (isAbsent(entries)) return { set: IpSet.fromIntervals(o.version, []), violations: [] };
  const typeViolations = checkStringList(entries, o.field);
  if (typeViolations.length > 0) return { set: undefined, violations: typeViolations };
  const intervals: Interval[] = [];
  const violations: Violation[] = [];
  let malformed = false;
  (entries as string[]).forEach((entry, i) => {
    const parsed = parseEntry(entry, o.version, `${o.field}[${i}]`);
    if ('violation' in parsed) {
      malformed = true;
      violations.push(parsed.violation);
      return;
    }
    intervals.push(parsed.interval);
    if (o.cidr && !insideCidr(parsed.interval, o.cidr)) {
      violations.push(
        violation(`${o.field}[${i}]`, entry, 'range-outside-subnet', `must lie inside spec.subnet ${formatCidr(o.cidr)}`),
      );
    }
  });
  return { set: malformed ? undefined : IpSet.fromIntervals(o.version, intervals), violations };
}

/**
 * The canonical form of a list (merged, de-duplicated, ascending, `a` or `a-b`), or undefined
 * when an entry does not parse as `version` — the list is then left for validation to report.
 */
export function canonicalRanges(entries: unknown, version: IpVersion): string[] | undefined {
  if (!Array.isArray(entries)) return undefined;
  return checkRanges(entries, { version, field: '' }).set?.toRanges();
}

/** Lenient read of a stored list: entries that do not parse are skipped (they predate the rules). */
export function lenientRanges(entries: unknown, version: IpVersion): IpSet {
  const intervals: Interval[] = [];
  for (const entry of Array.isArray(entries) ? entries : []) {
    if (typeof entry !== 'string') continue;
    const parsed = parseEntry(entry, version, '');
    if ('interval' in parsed) intervals.push(parsed.interval);
  }
  return IpSet.fromIntervals(version, intervals);
}

/** The family of an entry's first address, or undefined when it does not start with one. */
export function versionOfEntry(entry: unknown): IpVersion | undefined {
  if (typeof entry !== 'string') return undefined;
  return tryParseIp(entry.split('-')[0] ?? '')?.version;
}

function parseEntry(entry: string, version: IpVersion, field: string): Parsed {
  const parts = entry.split('-');
  const ips = parts.length <= 2 ? parts.map((p) => tryParseIp(p)) : [undefined];
  const [lo, hi = lo] = ips;
  if (!lo || !hi || ips.includes(undefined)) {
    const rule = `must be an IPv${version} address or an IPv${version} range "first-last"`;
    return { violation: violation(field, entry, 'range-invalid', rule) };
  }
  if (lo.version !== version || hi.version !== version) {
    return { violation: violation(field, entry, 'range-wrong-family', `must be of IP version ${version}`) };
  }
  if (lo.value > hi.value) {
    return { violation: violation(field, entry, 'range-reversed', 'must not start above its end') };
  }
  return { interval: [lo.value, hi.value] };
}

function insideCidr([lo, hi]: Interval, cidr: Cidr): boolean {
  return lo >= cidrFirst(cidr) && hi <= cidrLast(cidr);
}
