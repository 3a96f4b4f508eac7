// SPDX-License-Identifier: Apache-2.0

/**
 * A seeded pseudo-random source in [0, 1) (mulberry32): small, fast, and the same sequence for
 * the same seed, so that a failing generated test case can be replayed from its seed. For test
 * data only; never for anything that must be unpredictable.
 */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
