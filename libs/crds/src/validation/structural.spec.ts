// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { ALL_CRDS } from '../crds.ts';
import { findStructuralViolations } from './structural.ts';

const root = (properties: Record<string, unknown>): Record<string, unknown> => ({ type: 'object', properties });

describe('findStructuralViolations', () => {
  it.each(ALL_CRDS.map((crd) => [crd.metadata.name, crd] as const))('finds nothing wrong with %s', (_name, crd) => {
    expect(findStructuralViolations(crd.spec.versions[0]!.schema.openAPIV3Schema)).toEqual([]);
  });

  it('reports a node without a type', () => {
    expect(findStructuralViolations(root({ a: { description: 'x' } }))).toEqual(['.a: no type']);
  });

  it('accepts a missing type only for int-or-string and preserve-unknown-fields nodes', () => {
    expect(
      findStructuralViolations(
        root({ a: { 'x-kubernetes-int-or-string': true }, b: { 'x-kubernetes-preserve-unknown-fields': true } }),
      ),
    ).toEqual([]);
  });

  it('reports properties mixed with additionalProperties', () => {
    const schema = root({ a: { type: 'object', properties: {}, additionalProperties: { type: 'string' } } });
    expect(findStructuralViolations(schema)).toEqual(['.a: properties and additionalProperties are mutually exclusive']);
  });

  it('reports required names that are not properties', () => {
    const schema = root({ a: { type: 'object', properties: { b: { type: 'string' } }, required: ['b', 'c'] } });
    expect(findStructuralViolations(schema)).toEqual(['.a: required field c is not a property']);
  });

  it('reports defaults and enum values that break their own node', () => {
    const schema = root({
      a: { type: 'integer', minimum: 1, default: 0 },
      b: { type: 'string', enum: ['x', 'y'], default: 'z' },
      c: { type: 'boolean', default: 'false' },
      d: { type: 'integer', enum: [4, '6'] },
    });
    expect(findStructuralViolations(schema)).toEqual([
      '.a(default): 0 is less than 1',
      '.b(default): "z" is not one of "x", "y"',
      '.c(default): must be a boolean',
      '.d(enum): must be an integer',
    ]);
  });

  it('reports keywords outside the structural subset we allow', () => {
    const schema = root({
      a: { $ref: '#/definitions/x' },
      b: { type: 'array', items: { type: 'string' }, uniqueItems: true },
      c: { type: 'string', items: { type: 'string' } },
    });
    expect(findStructuralViolations(schema)).toEqual([
      '.a: keyword $ref is not allowed',
      '.a: no type',
      '.b: keyword uniqueItems is not allowed',
      '.c: items on a non-array',
    ]);
  });

  it('reports arrays without items and a described metadata', () => {
    const schema = root({ metadata: { type: 'object', properties: { name: { type: 'string' } } }, a: { type: 'array' } });
    expect(findStructuralViolations(schema)).toEqual([
      '.metadata: must be a bare object; the apiserver owns its schema',
      '.a: an array needs a single items schema',
    ]);
  });
});
