// SPDX-License-Identifier: Apache-2.0
// RFC 6902 JSON patch between the object the API server sent and the one a kind's mutate()
// returned. The API server applies the patch to the object it sent, so the only contract is
// apply(diff(a, b), a) == b; the patch need not be minimal.

export type JsonPatchOperation =
  | { op: 'add'; path: string; value: unknown }
  | { op: 'remove'; path: string }
  | { op: 'replace'; path: string; value: unknown };

/** A JSON pointer token (RFC 6901): `~` becomes `~0` first, then `/` becomes `~1`. */
export function escapePointerToken(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}

/**
 * The operations that turn `from` into `to`. Both are JSON values, except that `to` (written by
 * our own code) may hold `undefined` properties: those mean "absent", as JSON.stringify has it.
 * Objects are compared key by key; arrays element-wise when only their elements changed or
 * elements were appended, and replaced whole otherwise (simple, and always correct).
 */
export function diff(from: unknown, to: unknown): JsonPatchOperation[] {
  const ops: JsonPatchOperation[] = [];
  diffInto(ops, '', from, to);
  return ops;
}

function diffInto(ops: JsonPatchOperation[], path: string, from: unknown, to: unknown): void {
  if (isPlainObject(from) && isPlainObject(to)) return diffObjects(ops, path, from, to);
  if (Array.isArray(from) && Array.isArray(to)) return diffArrays(ops, path, from, to);
  if (!jsonEqual(from, to)) ops.push({ op: 'replace', path, value: to });
}

function diffObjects(ops: JsonPatchOperation[], path: string, from: Record<string, unknown>, to: Record<string, unknown>): void {
  for (const key of Object.keys(from)) {
    if (!Object.hasOwn(to, key) || to[key] === undefined) ops.push({ op: 'remove', path: `${path}/${escapePointerToken(key)}` });
  }
  for (const key of Object.keys(to)) {
    const value = to[key];
    if (value === undefined) continue;
    const child = `${path}/${escapePointerToken(key)}`;
    if (Object.hasOwn(from, key)) diffInto(ops, child, from[key], value);
    else ops.push({ op: 'add', path: child, value });
  }
}

function diffArrays(ops: JsonPatchOperation[], path: string, from: unknown[], to: unknown[]): void {
  if (to.length < from.length) {
    if (!jsonEqual(from, to)) ops.push({ op: 'replace', path, value: to });
    return;
  }
  // Same length or appended: the shared prefix is diffed element-wise, the rest added in order.
  for (let i = 0; i < from.length; i++) diffInto(ops, `${path}/${i}`, from[i], arrayItem(to[i]));
  for (let i = from.length; i < to.length; i++) ops.push({ op: 'add', path: `${path}/${i}`, value: arrayItem(to[i]) });
}

/** JSON has no `undefined` in arrays: JSON.stringify writes null, and so does the patch. */
const arrayItem = (value: unknown): unknown => (value === undefined ? null : value);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep equality of JSON values; `undefined` properties count as absent. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) return arraysEqual(a, b);
  if (isPlainObject(a) && isPlainObject(b)) return objectsEqual(a, b);
  // 0 and -0 are the same JSON number.
  return typeof a === 'number' && typeof b === 'number' && a === b;
}

function arraysEqual(a: unknown, b: unknown): boolean {
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  return a.every((item, i) => jsonEqual(arrayItem(item), arrayItem(b[i])));
}

function objectsEqual(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const keysA = Object.keys(a).filter((k) => a[k] !== undefined);
  const keysB = Object.keys(b).filter((k) => b[k] !== undefined);
  if (keysA.length !== keysB.length) return false;
  return keysA.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
}
