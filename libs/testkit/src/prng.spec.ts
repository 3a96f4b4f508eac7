// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { prng } from './prng.ts';

describe('prng', () => {
  it('repeats its sequence for a seed, differs between seeds, and stays in [0, 1)', () => {
    const take = (seed: number): number[] => {
      const next = prng(seed);
      return Array.from({ length: 1_000 }, () => next());
    };
    expect(take(42)).toEqual(take(42));
    expect(take(42)).not.toEqual(take(43));
    const values = take(7);
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    // Roughly uniform: each tenth of the range gets a fair share of 1,000 draws.
    const buckets = Array.from({ length: 10 }, (_, b) => values.filter((v) => Math.floor(v * 10) === b).length);
    expect(Math.min(...buckets)).toBeGreaterThan(60);
  });
});
