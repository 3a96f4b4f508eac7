// SPDX-License-Identifier: Apache-2.0
// How deep an object from a review is nested, measured without recursion. JSON.parse accepts any
// depth, but everything after it recurses: structuredClone (before a kind's mutate), the kinds'
// own copies and walks, the JSON patch diff, JSON.stringify of the patch. At a few thousand
// levels those throw RangeError (Maximum call stack size exceeded), which would be answered as
// an internal error; so the server checks the depth before any of them runs.
import type { Violation } from './admission-types.ts';

/**
 * Deepest nesting accepted. Real objects stay far below it (a Pod with managedFields is a few
 * dozen levels), and every recursive walk in the server and the kinds has stack for ten times it.
 */
export const MAX_OBJECT_DEPTH = 256;

/** Segments of the path named in the violation: `spec.nested`, not a thousand `.a`s. */
const NAMED_SEGMENTS = 2;

interface Pending {
  value: unknown;
  /** Levels of objects and arrays above `value`. */
  depth: number;
  field: string;
  /** The value at `field`, shown (as `<object>` or `<array>`) in the violation. */
  named: unknown;
}

/**
 * The violation of an object nested deeper than `maxDepth` levels (the object itself is level 1),
 * naming the field at most two levels below `base` that holds the too-deep value; undefined when
 * it is shallow enough. Iterative: any depth is measured without growing the stack.
 */
export function objectDepthViolation(root: unknown, base: string, maxDepth = MAX_OBJECT_DEPTH): Violation | undefined {
  const stack: Pending[] = [{ value: root, depth: 0, field: base, named: root }];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const { value, depth, field, named } = next;
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= maxDepth) return { field, value: Array.isArray(named) ? '<array>' : '<object>', id: 'object-depth', rule: `must be nested at most ${maxDepth} levels deep` };
    const naming = depth < NAMED_SEGMENTS;
    const children: Array<[string, unknown]> = Array.isArray(value) ? value.map((item: unknown, i) => [`[${i}]`, item]) : Object.entries(value).map(([key, item]) => [`${field ? '.' : ''}${key}`, item]);
    for (const [segment, item] of children) {
      stack.push({ value: item, depth: depth + 1, field: naming ? `${field}${segment}` : field, named: naming ? item : named });
    }
  }
  return undefined;
}
