// SPDX-License-Identifier: Apache-2.0
/**
 * The addresses an auto-pool holds after its application scaled: growing takes the lowest
 * addresses of the subnet that nobody else holds (other pools, reserved IPs); shrinking gives
 * back only addresses no pod holds, the highest first, so that the pool keeps a compact range.
 * Never takes an address from a pod: what cannot be given back is reported instead.
 */
import { IpSet } from '../ip/ip-set.ts';

export interface ResizeInput {
  /** The pool's addresses now (`spec.ips`). */
  current: IpSet;
  /** Addresses of the pool that pods hold. */
  allocated: IpSet;
  desired: number;
  /** The subnet's `ips − excludeIPs`. */
  subnetUsable: IpSet;
  /** Addresses the pool may not take: other pools of the subnet and reserved IPs. */
  taken: IpSet;
}

export interface ResizePlan {
  ips: IpSet;
  /** Addresses missing to reach `desired` (the subnet ran out); 0 when reached. */
  short: number;
  /** Addresses above `desired` that stay because pods hold them; 0 when reached. */
  surplus: number;
}

export function planAutoPoolResize(input: ResizeInput): ResizePlan {
  const size = Number(input.current.size());
  if (size < input.desired) return grow(input, input.desired - size);
  if (size > input.desired) return shrink(input, size - input.desired);
  return { ips: input.current, short: 0, surplus: 0 };
}

function grow(input: ResizeInput, wanted: number): ResizePlan {
  const free = input.subnetUsable.difference(input.taken).difference(input.current);
  const added: Array<[bigint, bigint]> = [];
  for (const value of free.values()) {
    if (added.length === wanted) break;
    added.push([value, value]);
  }
  const ips = input.current.union(IpSet.fromIntervals(input.current.version, added));
  return { ips, short: wanted - added.length, surplus: 0 };
}

function shrink(input: ResizeInput, excess: number): ResizePlan {
  const removable = highest(input.current.difference(input.allocated), excess);
  const ips = input.current.difference(IpSet.fromIntervals(input.current.version, removable.map((v) => [v, v])));
  return { ips, short: 0, surplus: excess - removable.length };
}

/** Up to `count` of the set's highest addresses, walking down from the top (never the whole set). */
function highest(set: IpSet, count: number): bigint[] {
  const out: bigint[] = [];
  const intervals = set.intervals();
  for (let i = intervals.length - 1; i >= 0 && out.length < count; i--) {
    const [lo, hi] = intervals[i] as readonly [bigint, bigint];
    for (let v = hi; v >= lo && out.length < count; v--) out.push(v);
  }
  return out;
}
