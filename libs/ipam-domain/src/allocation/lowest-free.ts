// SPDX-License-Identifier: Apache-2.0
/**
 * Upstream's deterministic IP choice (its `genRandomIP` is not random): the lowest addresses of
 * the candidate set that nobody holds yet. Deterministic choice keeps allocation reproducible and
 * lets a retry after a lost compare-and-swap converge on the same answer.
 */
import { invalidInput } from '@spiderpool/errors';
import type { IpSet } from '../ip/ip-set.ts';

export interface LowestFreeOptions {
  /** The addresses that may be handed out (usable − reserved). */
  candidates: IpSet;
  /** Addresses already taken; values outside `candidates` are simply never met. */
  used: ReadonlySet<bigint>;
  /** How many addresses are wanted (a non-negative safe integer). */
  count: number;
}

/**
 * The `count` lowest addresses of `candidates` that are not in `used`, ascending. Returns fewer
 * when the set runs out, so `result.length < count` means "exhausted".
 *
 * Cost: every step of the walk either yields an address or skips one that is in `used`, so the
 * work is O(count + used addresses below the last one returned), never the size of the set.
 */
export function lowestFree(options: LowestFreeOptions): bigint[] {
  const { candidates, used, count } = options;
  if (!Number.isSafeInteger(count) || count < 0) {
    throw invalidInput('count', count, 'must be a non-negative integer');
  }
  const out: bigint[] = [];
  if (count === 0) return out;
  for (const [lo, hi] of candidates.intervals()) {
    for (let v = lo; v <= hi; v++) {
      if (used.has(v)) continue;
      out.push(v);
      if (out.length === count) return out;
    }
  }
  return out;
}
