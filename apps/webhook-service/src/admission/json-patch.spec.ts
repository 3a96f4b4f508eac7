// SPDX-License-Identifier: Apache-2.0
// The patch must turn the API server's object into ours: checked with a small RFC 6902 applier
// of our own (strict like the API server's: remove/replace of a missing member fails), on
// hand-written cases and on random JSON pairs.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { diff, escapePointerToken, jsonEqual, type JsonPatchOperation } from './json-patch.ts';

type Json = unknown;

function unescapeToken(token: string): string {
  return token.replaceAll('~1', '/').replaceAll('~0', '~');
}

function clone(value: Json): Json {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

/** Applies `ops` to a copy of `doc`; throws where a conforming implementation must fail. */
function applyPatch(doc: Json, ops: JsonPatchOperation[]): Json {
  let root = clone(doc);
  for (const op of ops) {
    if (op.path === '') {
      if (op.op === 'remove') throw new Error('cannot remove the root');
      root = clone(op.value);
      continue;
    }
    const tokens = op.path.slice(1).split('/').map(unescapeToken);
    const last = tokens.pop() as string;
    const parent = tokens.reduce<Json>((node, t) => step(node, t), root);
    applyAt(parent, last, op);
  }
  return root;
}

function step(node: Json, token: string): Json {
  if (Array.isArray(node)) return node[index(node, token, false)];
  if (typeof node === 'object' && node !== null && Object.hasOwn(node, token)) return (node as Record<string, Json>)[token];
  throw new Error(`no member ${token}`);
}

function index(array: Json[], token: string, forAdd: boolean): number {
  if (!/^(0|[1-9]\d*)$/.test(token)) throw new Error(`bad array index ${token}`);
  const i = Number(token);
  if (i > array.length || (!forAdd && i === array.length)) throw new Error(`index ${i} out of range`);
  return i;
}

function applyAt(parent: Json, token: string, op: JsonPatchOperation): void {
  if (Array.isArray(parent)) {
    const i = index(parent, token, op.op === 'add');
    if (op.op === 'add') parent.splice(i, 0, clone(op.value));
    else if (op.op === 'remove') parent.splice(i, 1);
    else parent[i] = clone(op.value);
    return;
  }
  if (typeof parent !== 'object' || parent === null) throw new Error('parent is not a container');
  const obj = parent as Record<string, Json>;
  if (op.op !== 'add' && !Object.hasOwn(obj, token)) throw new Error(`${op.op} of missing member ${token}`);
  if (op.op === 'remove') delete obj[token];
  // defineProperty: a member named __proto__ is data, not the prototype.
  else Object.defineProperty(obj, token, { value: clone(op.value), enumerable: true, writable: true, configurable: true });
}

const roundTrips = (a: Json, b: Json): void => {
  // Compared as parsed JSON: member order does not matter, -0 and 0 are one number.
  expect(clone(applyPatch(a, diff(a, b)))).toEqual(clone(b));
};

describe('diff', () => {
  it('is empty for equal values, also when key order differs', () => {
    expect(diff({ a: 1, b: [1, { c: 'x' }] }, { b: [1, { c: 'x' }], a: 1 })).toEqual([]);
    expect(diff(null, null)).toEqual([]);
  });

  it('adds, removes and replaces object members', () => {
    const ops = diff({ metadata: { name: 'p', labels: { a: '1' } }, spec: { gateway: '192.0.2.1' } }, {
      metadata: { name: 'p', labels: { a: '2', b: '3' }, finalizers: ['spiderpool.spidernet.io'] },
      spec: {},
    });
    expect(ops).toEqual([
      { op: 'replace', path: '/metadata/labels/a', value: '2' },
      { op: 'add', path: '/metadata/labels/b', value: '3' },
      { op: 'add', path: '/metadata/finalizers', value: ['spiderpool.spidernet.io'] },
      { op: 'remove', path: '/spec/gateway' },
    ]);
  });

  it('escapes ~ and / in member names (label keys have slashes)', () => {
    expect(escapePointerToken('ipam.spidernet.io/ippool-cidr')).toBe('ipam.spidernet.io~1ippool-cidr');
    expect(escapePointerToken('a~/b')).toBe('a~0~1b');
    const ops = diff({ metadata: {} }, { metadata: { labels: undefined, annotations: { 'x/~y': 'v' } } });
    expect(ops).toEqual([{ op: 'add', path: '/metadata/annotations', value: { 'x/~y': 'v' } }]);
    roundTrips({ 'a/b': { '~': 1 } }, { 'a/b': { '~': 2, '~1': 3 } });
  });

  it('treats undefined properties of the mutated object as absent', () => {
    expect(diff({ spec: { ipVersion: 4 } }, { spec: { ipVersion: 4, gateway: undefined } })).toEqual([]);
    expect(diff({ spec: { gateway: '192.0.2.1' } }, { spec: { gateway: undefined } })).toEqual([{ op: 'remove', path: '/spec/gateway' }]);
  });

  it('diffs arrays element-wise when only elements changed or were appended, else replaces them', () => {
    expect(diff({ ips: ['192.0.2.1', '192.0.2.2'] }, { ips: ['192.0.2.1', '192.0.2.3'] })).toEqual([{ op: 'replace', path: '/ips/1', value: '192.0.2.3' }]);
    expect(diff({ ips: ['192.0.2.1'] }, { ips: ['192.0.2.1', '192.0.2.5', '192.0.2.6'] })).toEqual([
      { op: 'add', path: '/ips/1', value: '192.0.2.5' },
      { op: 'add', path: '/ips/2', value: '192.0.2.6' },
    ]);
    expect(diff({ ips: ['192.0.2.1', '192.0.2.2'] }, { ips: ['192.0.2.2'] })).toEqual([{ op: 'replace', path: '/ips', value: ['192.0.2.2'] }]);
  });

  it('replaces across types and at the root', () => {
    expect(diff({ a: [1] }, { a: { 0: 1 } })).toEqual([{ op: 'replace', path: '/a', value: { 0: 1 } }]);
    expect(diff(1, 'x')).toEqual([{ op: 'replace', path: '', value: 'x' }]);
    roundTrips([1, 2], { x: 1 });
  });

  it('keeps a member named __proto__ as data', () => {
    const a = JSON.parse('{"m":{"__proto__":{"x":1}}}') as Json;
    const b = JSON.parse('{"m":{"__proto__":{"x":2},"constructor":1}}') as Json;
    roundTrips(a, b);
  });

  it('round-trips: apply(diff(a, b), a) equals b for random JSON values', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 5 }), fc.jsonValue({ maxDepth: 5 }), (a, b) => roundTrips(a, b)), { numRuns: 500 });
  });

  it('round-trips for b derived from a by small edits (deep paths, appended items)', () => {
    const edited = fc.jsonValue({ maxDepth: 4 }).chain((a) => fc.tuple(fc.constant(a), mutateArb(a, 4)));
    fc.assert(fc.property(edited, ([a, b]) => {
      roundTrips(a, b);
      expect(diff(a, a)).toEqual([]);
    }), { numRuns: 500 });
  });
});

describe('jsonEqual', () => {
  it('compares JSON values structurally', () => {
    expect(jsonEqual({ a: [1, { b: null }] }, { a: [1, { b: null }] })).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: 1, b: undefined })).toBe(true);
    expect(jsonEqual([undefined], [null])).toBe(true);
    expect(jsonEqual(0, -0)).toBe(true);
    expect(jsonEqual({ a: 1 }, { b: 1 })).toBe(false);
    expect(jsonEqual([1, 2], [1])).toBe(false);
    expect(jsonEqual('1', 1)).toBe(false);
  });
});

/** A copy of `value` with a few random changes somewhere inside it. */
function mutateArb(value: Json, depth: number): fc.Arbitrary<Json> {
  const fresh = fc.jsonValue({ maxDepth: 2 });
  if (depth === 0) return fresh;
  if (Array.isArray(value)) {
    return fc.oneof(
      fc.constant(value),
      fc.array(fresh, { maxLength: 3 }).map((extra) => [...value, ...extra]),
      value.length === 0 ? fresh : fc.nat(value.length - 1).chain((i) => mutateArb(value[i], depth - 1).map((v) => value.map((x, j) => (j === i ? v : x)))),
    );
  }
  if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value);
    const obj = value as Record<string, Json>;
    return fc.oneof(
      fc.tuple(fc.string({ maxLength: 4 }), fresh).map(([k, v]) => withMember(obj, k, v)),
      keys.length === 0 ? fresh : fc.constantFrom(...keys).map((k) => withMember(obj, k, undefined)),
      keys.length === 0 ? fresh : fc.constantFrom(...keys).chain((k) => mutateArb(obj[k], depth - 1).map((v) => withMember(obj, k, v))),
    );
  }
  return fc.oneof(fc.constant(value), fresh);
}

function withMember(obj: Record<string, Json>, key: string, value: Json): Record<string, Json> {
  const copy: Record<string, Json> = {};
  for (const k of Object.keys(obj)) if (k !== key) Object.defineProperty(copy, k, { value: obj[k], enumerable: true, writable: true, configurable: true });
  if (value !== undefined) Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}
