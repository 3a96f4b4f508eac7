// SPDX-License-Identifier: Apache-2.0
// Property tests: every IpSet operation agrees with a naive Set<bigint> over a small universe
// (192.0.2.0/28 or 2001:db8::/124), where the model can afford to enumerate every address.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { parseIp, type IpVersion } from './ip-address.ts';
import { IpSet, type Interval } from './ip-set.ts';

const UNIVERSE_SIZE = 16;
const BASE: Record<IpVersion, bigint> = {
  4: parseIp('192.0.2.0', 'base').value,
  6: parseIp('2001:db8::', 'base').value,
};
const RUNS = { numRuns: 200 };

interface Sample {
  version: IpVersion;
  set: IpSet;
  model: Set<bigint>;
}

const intervalArb = fc
  .tuple(fc.integer({ min: 0, max: UNIVERSE_SIZE - 1 }), fc.integer({ min: 0, max: UNIVERSE_SIZE - 1 }))
  .map(([x, y]) => [Math.min(x, y), Math.max(x, y)] as const);

function sampleOf(version: IpVersion, offsets: ReadonlyArray<readonly [number, number]>): Sample {
  const intervals: Interval[] = offsets.map(([lo, hi]) => [BASE[version] + BigInt(lo), BASE[version] + BigInt(hi)]);
  const model = new Set<bigint>();
  for (const [lo, hi] of intervals) {
    for (let v = lo; v <= hi; v++) model.add(v);
  }
  return { version, set: IpSet.fromIntervals(version, intervals), model };
}

const intervalsArb = fc.array(intervalArb, { maxLength: 6 });
const versionArb = fc.constantFrom<IpVersion>(4, 6);
const sampleArb = fc.tuple(versionArb, intervalsArb).map(([version, iv]) => sampleOf(version, iv));
const pairArb = fc
  .tuple(versionArb, intervalsArb, intervalsArb)
  .map(([version, a, b]) => [sampleOf(version, a), sampleOf(version, b)] as const);

function universe(version: IpVersion): bigint[] {
  // One address beyond each end, to catch off-by-one at the edges of the universe.
  return Array.from({ length: UNIVERSE_SIZE + 2 }, (_, i) => BASE[version] + BigInt(i - 1));
}

/** Checks that `set` holds exactly `model` and that its representation is canonical. */
function expectSame(set: IpSet, model: ReadonlySet<bigint>): void {
  expect([...set.values()]).toEqual([...model].sort((x, y) => (x < y ? -1 : 1)));
  expect(set.size()).toBe(BigInt(model.size));
  expect(set.isEmpty()).toBe(model.size === 0);
  for (const v of universe(set.version)) expect(set.has(v)).toBe(model.has(v));
  const iv = set.intervals();
  iv.forEach(([lo, hi], i) => {
    expect(lo <= hi).toBe(true);
    const prev = iv[i - 1];
    if (prev) expect(lo > prev[1] + 1n).toBe(true);
  });
  expect(set.first()).toBe(iv[0]?.[0]);
}

describe('IpSet against a naive model', () => {
  it('construction merges into exactly the listed addresses', () => {
    fc.assert(
      fc.property(sampleArb, ({ set, model }) => expectSame(set, model)),
      RUNS,
    );
  });

  it('union, difference and intersection agree with Set operations', () => {
    fc.assert(
      fc.property(pairArb, ([a, b]) => {
        expectSame(a.set.union(b.set), new Set([...a.model, ...b.model]));
        expectSame(a.set.difference(b.set), new Set([...a.model].filter((v) => !b.model.has(v))));
        expectSame(a.set.intersection(b.set), new Set([...a.model].filter((v) => b.model.has(v))));
      }),
      RUNS,
    );
  });

  it('subset, overlap and equality agree with the model', () => {
    fc.assert(
      fc.property(pairArb, ([a, b]) => {
        expect(a.set.isSubsetOf(b.set)).toBe([...a.model].every((v) => b.model.has(v)));
        expect(a.set.overlaps(b.set)).toBe([...a.model].some((v) => b.model.has(v)));
        const sameContent = a.model.size === b.model.size && [...a.model].every((v) => b.model.has(v));
        expect(a.set.equals(b.set)).toBe(sameContent);
      }),
      RUNS,
    );
  });

  it('toRanges round-trips through fromRanges', () => {
    fc.assert(
      fc.property(sampleArb, ({ version, set }) => {
        const ranges = set.toRanges();
        const back = IpSet.fromRanges(version, ranges, 'spec.ips');
        expect(back.equals(set)).toBe(true);
        expect(back.toRanges()).toEqual(ranges);
      }),
      RUNS,
    );
  });
});
