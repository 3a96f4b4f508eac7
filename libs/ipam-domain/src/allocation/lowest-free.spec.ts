// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { parseCidr } from '../ip/cidr.ts';
import { parseIp } from '../ip/ip-address.ts';
import { IpSet } from '../ip/ip-set.ts';
import { lowestFree } from './lowest-free.ts';

const v = (text: string) => parseIp(text, 'test').value;

describe('lowestFree', () => {
  const candidates = IpSet.fromRanges(4, ['192.0.2.10-192.0.2.12', '192.0.2.20-192.0.2.21'], 'spec.ips');

  it('takes the lowest addresses, skipping used ones and moving across intervals', () => {
    const used = new Set([v('192.0.2.10'), v('192.0.2.12')]);
    expect(lowestFree({ candidates, used, count: 1 })).toEqual([v('192.0.2.11')]);
    expect(lowestFree({ candidates, used, count: 2 })).toEqual([v('192.0.2.11'), v('192.0.2.20')]);
  });

  it('ignores used values outside the candidates', () => {
    const used = new Set([v('192.0.2.1'), v('203.0.113.1')]);
    expect(lowestFree({ candidates, used, count: 1 })).toEqual([v('192.0.2.10')]);
  });

  it('returns fewer than asked when the set runs out, and nothing for an empty set', () => {
    const used = new Set([v('192.0.2.10'), v('192.0.2.11'), v('192.0.2.20')]);
    expect(lowestFree({ candidates, used, count: 5 })).toEqual([v('192.0.2.12'), v('192.0.2.21')]);
    expect(lowestFree({ candidates: IpSet.empty(4), used: new Set(), count: 1 })).toEqual([]);
    expect(lowestFree({ candidates, used, count: 0 })).toEqual([]);
  });

  it('rejects a negative or fractional count', () => {
    expect(() => lowestFree({ candidates, used: new Set(), count: -1 })).toThrow('must be a non-negative integer');
    expect(() => lowestFree({ candidates, used: new Set(), count: 1.5 })).toThrow('wrong input: count');
  });

  it('does not enumerate a /64: the walk stops after count + used-in-prefix steps', () => {
    const big = IpSet.fromCidr(parseCidr('2001:db8::/64', 'f'));
    const base = v('2001:db8::');
    const used = new Set(Array.from({ length: 1000 }, (_, i) => base + BigInt(i)));
    expect(lowestFree({ candidates: big, used, count: 2 })).toEqual([base + 1000n, base + 1001n]);
  });
});

describe('lowestFree against a naive model', () => {
  it('equals the first `count` of the sorted candidates that are not used', () => {
    const base = v('192.0.2.0');
    const offsets = fc.array(fc.integer({ min: 0, max: 15 }), { maxLength: 16 });
    fc.assert(
      fc.property(offsets, offsets, fc.integer({ min: 0, max: 18 }), (cand, usedOffsets, count) => {
        const candidates = IpSet.fromIntervals(4, cand.map((o) => [base + BigInt(o), base + BigInt(o)] as const));
        const used = new Set(usedOffsets.map((o) => base + BigInt(o)));
        const expected = [...new Set(cand)]
          .sort((x, y) => x - y)
          .map((o) => base + BigInt(o))
          .filter((value) => !used.has(value))
          .slice(0, count);
        expect(lowestFree({ candidates, used, count })).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });
});
