// SPDX-License-Identifier: Apache-2.0
import type { Claim } from './admission-types.ts';

export type ClaimOrder = 'before' | 'after' | 'unknown';

/**
 * Whether claim `a` was recorded before claim `b`. The shared counter orders claims of every
 * replica; this replica's own counter orders its claims when the shared store was unusable for
 * one of them. Otherwise the order is unknown, and callers take the side that cannot admit two
 * overlapping objects (which may refuse both).
 */
export function claimOrder(a: Claim, b: Claim): ClaimOrder {
  if (a.seq !== undefined && b.seq !== undefined) return a.seq < b.seq ? 'before' : 'after';
  if (a.localSeq !== undefined && b.localSeq !== undefined) return a.localSeq < b.localSeq ? 'before' : 'after';
  return 'unknown';
}
