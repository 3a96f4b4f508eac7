// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { isSpiderpoolError } from '@spiderpool/errors';
import { parseCidr } from './cidr.ts';
import { parseIp } from './ip-address.ts';
import { IpSet } from './ip-set.ts';

const v = (text: string) => parseIp(text, 'test').value;
const v4 = (...entries: string[]) => IpSet.fromRanges(4, entries, 'spec.ips');
const v6 = (...entries: string[]) => IpSet.fromRanges(6, entries, 'spec.ips');

function errorOf(fn: () => unknown): Error & { code?: string; field?: string } {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a throw');
}

describe('IpSet construction', () => {
  it('merges overlapping, adjacent and unsorted entries into canonical ranges', () => {
    const s = v4('192.0.2.10-192.0.2.20', '192.0.2.1', '192.0.2.2-192.0.2.5', '192.0.2.15-192.0.2.25', '192.0.2.26', '192.0.2.6');
    expect(s.toRanges()).toEqual(['192.0.2.1-192.0.2.6', '192.0.2.10-192.0.2.26']);
    expect(s.intervals()).toEqual([
      [v('192.0.2.1'), v('192.0.2.6')],
      [v('192.0.2.10'), v('192.0.2.26')],
    ]);
    expect(s.size()).toBe(23n);
  });

  it('keeps single addresses as single entries and a one-address range as an address', () => {
    expect(v4('192.0.2.9-192.0.2.9', '192.0.2.1').toRanges()).toEqual(['192.0.2.1', '192.0.2.9']);
  });

  it('merges ranges spanning one another and ranges crossing a hextet boundary', () => {
    expect(v4('192.0.2.250-192.0.2.255', '192.0.2.200-192.0.2.251', '192.0.2.210').toRanges()).toEqual(['192.0.2.200-192.0.2.255']);
    expect(v6('2001:db8::ffff-2001:db8::1:1').size()).toBe(3n);
  });

  it('formats IPv6 canonically, including v4-mapped text', () => {
    const s = v6('2001:DB8::0001-2001:db8:0:0:0:0:0:3', '::ffff:192.0.2.1');
    expect(s.toRanges()).toEqual(['::ffff:c000:201', '2001:db8::1-2001:db8::3']);
    expect(s.has(v('::ffff:192.0.2.1'))).toBe(true);
  });

  it('reports the entry index and the rule of a bad entry', () => {
    const malformed = errorOf(() => v4('192.0.2.1', '192.0.2.300'));
    expect(isSpiderpoolError(malformed, 'INVALID_INPUT')).toBe(true);
    expect(malformed.field).toBe('spec.ips[1]');
    expect(malformed.message).toBe('wrong input: spec.ips[1]: value "192.0.2.300" must be an IPv4 address or an IPv4 range "a-b"');

    expect(errorOf(() => v4('192.0.2.9-192.0.2.1')).message).toBe(
      'wrong input: spec.ips[0]: value "192.0.2.9-192.0.2.1" must not have a range start greater than its end',
    );
    expect(errorOf(() => v4('2001:db8::1')).message).toContain('must be of IP version 4');
    expect(errorOf(() => v4('192.0.2.1-2001:db8::1')).message).toContain('must be of IP version 4');
    expect(errorOf(() => v4('::ffff:192.0.2.1')).message).toContain('must be of IP version 4');
    expect(errorOf(() => v6('192.0.2.1')).message).toContain('must be of IP version 6');
    for (const bad of ['', '-', '192.0.2.1-', '-192.0.2.1', '192.0.2.1-192.0.2.2-192.0.2.3', '192.0.2.0/24', ' 192.0.2.1']) {
      expect(errorOf(() => IpSet.fromRanges(4, ['192.0.2.1', bad], 'spec.excludeIPs')).field).toBe('spec.excludeIPs[1]');
    }
  });

  it('builds from a CIDR, /0 /32 /128 included', () => {
    expect(IpSet.fromCidr(parseCidr('192.0.2.0/30', 'f')).toRanges()).toEqual(['192.0.2.0-192.0.2.3']);
    expect(IpSet.fromCidr(parseCidr('192.0.2.7/32', 'f')).toRanges()).toEqual(['192.0.2.7']);
    expect(IpSet.fromCidr(parseCidr('2001:db8::7/128', 'f')).toRanges()).toEqual(['2001:db8::7']);
    expect(IpSet.fromCidr(parseCidr('0.0.0.0/0', 'f')).size()).toBe(1n << 32n);
    expect(IpSet.fromCidr(parseCidr('::/0', 'f')).size()).toBe(1n << 128n);
    expect(IpSet.fromCidr(parseCidr('2001:db8::/64', 'f')).size()).toBe(1n << 64n);
  });

  it('builds from intervals in any order and rejects impossible ones as a bug', () => {
    const s = IpSet.fromIntervals(4, [
      [10n, 12n],
      [1n, 3n],
      [4n, 4n],
    ]);
    expect(s.intervals()).toEqual([
      [1n, 4n],
      [10n, 12n],
    ]);
    expect(errorOf(() => IpSet.fromIntervals(4, [[5n, 4n]])).code).toBe('INTERNAL');
    expect(errorOf(() => IpSet.fromIntervals(4, [[0n, 1n << 32n]])).code).toBe('INTERNAL');
    expect(errorOf(() => IpSet.fromIntervals(6, [[-1n, 1n]])).code).toBe('INTERNAL');
  });

  it('is immutable', () => {
    const s = v4('192.0.2.1-192.0.2.3');
    expect(Object.isFrozen(s.intervals())).toBe(true);
    expect(Object.isFrozen(s.intervals()[0])).toBe(true);
    s.union(v4('192.0.2.4'));
    expect(s.toRanges()).toEqual(['192.0.2.1-192.0.2.3']);
  });
});

describe('IpSet operations', () => {
  const a = v4('192.0.2.1-192.0.2.10', '192.0.2.20-192.0.2.30');
  const b = v4('192.0.2.5-192.0.2.22', '192.0.2.30-192.0.2.40');

  it('unions, merging across gaps that become adjacent', () => {
    expect(a.union(b).toRanges()).toEqual(['192.0.2.1-192.0.2.40']);
    expect(v4('192.0.2.1').union(v4('192.0.2.2')).toRanges()).toEqual(['192.0.2.1-192.0.2.2']);
    expect(a.union(IpSet.empty(4)).equals(a)).toBe(true);
  });

  it('subtracts, splitting intervals and removing whole ones', () => {
    expect(a.difference(b).toRanges()).toEqual(['192.0.2.1-192.0.2.4', '192.0.2.23-192.0.2.29']);
    expect(b.difference(a).toRanges()).toEqual(['192.0.2.11-192.0.2.19', '192.0.2.31-192.0.2.40']);
    expect(v4('192.0.2.1-192.0.2.9').difference(v4('192.0.2.3', '192.0.2.5', '192.0.2.7')).toRanges()).toEqual([
      '192.0.2.1-192.0.2.2',
      '192.0.2.4',
      '192.0.2.6',
      '192.0.2.8-192.0.2.9',
    ]);
    expect(a.difference(a).isEmpty()).toBe(true);
    // One subtrahend interval spanning several minuend intervals.
    expect(a.difference(v4('192.0.2.0-192.0.2.255')).isEmpty()).toBe(true);
  });

  it('intersects', () => {
    expect(a.intersection(b).toRanges()).toEqual(['192.0.2.5-192.0.2.10', '192.0.2.20-192.0.2.22', '192.0.2.30']);
    expect(a.intersection(IpSet.empty(4)).isEmpty()).toBe(true);
  });

  it('answers has, size, first, subset and overlap', () => {
    expect(a.has(v('192.0.2.1'))).toBe(true);
    expect(a.has(v('192.0.2.10'))).toBe(true);
    expect(a.has(v('192.0.2.11'))).toBe(false);
    expect(a.has(v('192.0.2.30'))).toBe(true);
    expect(a.has(v('192.0.2.31'))).toBe(false);
    expect(a.size()).toBe(21n);
    expect(a.first()).toBe(v('192.0.2.1'));
    expect(IpSet.empty(6).first()).toBeUndefined();
    expect(IpSet.empty(6).size()).toBe(0n);
    expect(v4('192.0.2.2-192.0.2.3').isSubsetOf(a)).toBe(true);
    expect(v4('192.0.2.10-192.0.2.11').isSubsetOf(a)).toBe(false);
    expect(IpSet.empty(4).isSubsetOf(a)).toBe(true);
    expect(a.overlaps(b)).toBe(true);
    expect(a.overlaps(v4('192.0.2.11-192.0.2.19'))).toBe(false);
    expect(a.overlaps(IpSet.empty(4))).toBe(false);
  });

  it('lists values lazily in ascending order', () => {
    expect([...v4('192.0.2.9', '192.0.2.1-192.0.2.2').values()]).toEqual([v('192.0.2.1'), v('192.0.2.2'), v('192.0.2.9')]);
    // A /64 is never enumerated by the set operations; taking a few values is fine.
    const big = IpSet.fromCidr(parseCidr('2001:db8::/64', 'f'));
    const it3 = big.values();
    expect([it3.next().value, it3.next().value]).toEqual([v('2001:db8::'), v('2001:db8::1')]);
    expect(big.difference(v6('2001:db8::1')).size()).toBe((1n << 64n) - 1n);
  });

  it('compares by content and family', () => {
    expect(v4('192.0.2.1', '192.0.2.2').equals(v4('192.0.2.1-192.0.2.2'))).toBe(true);
    expect(IpSet.empty(4).equals(IpSet.empty(6))).toBe(false);
    expect(v4('192.0.2.1').equals(v4('192.0.2.2'))).toBe(false);
  });

  it('refuses to mix families (a caller bug)', () => {
    for (const op of ['union', 'difference', 'intersection', 'overlaps', 'isSubsetOf'] as const) {
      expect(errorOf(() => a[op](IpSet.empty(6))).code).toBe('INTERNAL');
    }
  });
});
