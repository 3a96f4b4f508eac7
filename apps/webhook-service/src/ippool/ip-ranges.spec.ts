// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { tryParseCidr } from '@spiderpool/ipam-domain';
import { canonicalRanges, checkRanges, lenientRanges, versionOfEntry } from './ip-ranges.ts';

describe('canonicalRanges', () => {
  it.each([
    [['192.0.2.3', '192.0.2.1', '192.0.2.2'], ['192.0.2.1-192.0.2.3']],
    [['192.0.2.10-192.0.2.20', '192.0.2.15-192.0.2.25', '192.0.2.26'], ['192.0.2.10-192.0.2.26']],
    [['192.0.2.9', '192.0.2.9'], ['192.0.2.9']],
    [['192.0.2.9', '192.0.2.10'], ['192.0.2.9-192.0.2.10']],
    [['192.0.2.10', '192.0.2.9-192.0.2.9'], ['192.0.2.9-192.0.2.10']],
    [[], []],
  ])('%j → %j', (entries, expected) => {
    expect(canonicalRanges(entries, 4)).toEqual(expected);
  });

  it('sorts numerically, not as text', () => {
    expect(canonicalRanges(['198.51.100.100', '198.51.100.9'], 4)).toEqual(['198.51.100.9', '198.51.100.100']);
  });

  it('formats IPv6 canonically', () => {
    expect(canonicalRanges(['2001:DB8::A', '2001:0db8:0:0::9'], 6)).toEqual(['2001:db8::9-2001:db8::a']);
  });

  it('gives undefined when one entry is malformed, of the other family, or reversed', () => {
    expect(canonicalRanges(['192.0.2.1', 'x'], 4)).toBeUndefined();
    expect(canonicalRanges(['192.0.2.1', '2001:db8::1'], 4)).toBeUndefined();
    expect(canonicalRanges(['192.0.2.9-192.0.2.1'], 4)).toBeUndefined();
  });
});

describe('checkRanges', () => {
  const cidr = tryParseCidr('192.0.2.0/25');

  it('reports each bad entry by index and builds no set', () => {
    const r = checkRanges(['192.0.2.1', 'x', '192.0.2.200', '192.0.2.5-192.0.2.4'], { version: 4, field: 'spec.ips', ...(cidr ? { cidr } : {}) });
    expect(r.set).toBeUndefined();
    expect(r.violations.map((v) => [v.field, v.id])).toEqual([
      ['spec.ips[1]', 'range-invalid'],
      ['spec.ips[2]', 'range-outside-subnet'],
      ['spec.ips[3]', 'range-reversed'],
    ]);
  });

  it('builds the set of sound entries (outside-subnet entries are sound, only misplaced)', () => {
    const r = checkRanges(['192.0.2.1-192.0.2.3'], { version: 4, field: 'spec.ips' });
    expect(r.violations).toEqual([]);
    expect(r.set?.toRanges()).toEqual(['192.0.2.1-192.0.2.3']);
  });
});

describe('lenientRanges and versionOfEntry', () => {
  it('skips entries it cannot read', () => {
    expect(lenientRanges(['192.0.2.1', 'x', '2001:db8::1', '192.0.2.2'], 4).toRanges()).toEqual(['192.0.2.1-192.0.2.2']);
  });

  it.each([
    ['192.0.2.1', 4],
    ['2001:db8::1-2001:db8::9', 6],
    ['nope', undefined],
  ])('%s is IPv%s', (entry, version) => {
    expect(versionOfEntry(entry)).toBe(version);
  });
});
