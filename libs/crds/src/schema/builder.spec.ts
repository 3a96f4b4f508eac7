// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { findStructuralViolations } from '../validation/structural.ts';
import { arr, bool, enumOf, int, labelSelector, map, obj, openObj, str } from './builder.ts';
import { toOpenApi } from './to-openapi.ts';

describe('schema builder', () => {
  it('emits structural schemas for every node kind', () => {
    const node = obj(
      {
        s: str({ description: 'text' }),
        e: enumOf(['a', 'b'], { default: 'a' }),
        i: int({ format: 'int32', min: 0, max: 10, default: 3 }),
        b: bool({ default: false }),
        l: arr(str(), { listType: 'set' }),
        m: map(int()),
        o: openObj(),
        sel: labelSelector('who'),
      },
      { required: ['s'] },
    );
    const schema = toOpenApi(node);
    expect(findStructuralViolations(schema)).toEqual([]);
    expect(schema.properties?.['i']).toEqual({ type: 'integer', format: 'int32', default: 3, minimum: 0, maximum: 10 });
    expect(schema.properties?.['m']).toEqual({ type: 'object', additionalProperties: { type: 'integer' } });
    expect(schema.properties?.['o']).toEqual({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true });
    expect(schema.required).toEqual(['s']);
  });

  it('refuses defaults that break their own constraints', () => {
    expect(() => int({ min: 1, default: 0 })).toThrow('default 0');
    expect(() => int({ enum: [4, 6], default: 5 })).toThrow('default 5');
    expect(() => int({ min: 5, max: 1 })).toThrow('min 5 > max 1');
    expect(() => int({ max: 1.5 })).toThrow('not an integer');
    // @ts-expect-error the default must be one of the values
    expect(() => enumOf(['a', 'b'], { default: 'c' })).toThrow('default c');
  });

  it('refuses required names that are not properties', () => {
    // @ts-expect-error typos in required are compile errors too
    expect(() => obj({ a: str() }, { required: ['b'] })).toThrow('required field b');
  });

  it('does not share arrays between nodes and wire schemas', () => {
    const node = enumOf(['x']);
    const schema = toOpenApi(node);
    expect(schema.enum).toEqual(node.enum);
    expect(schema.enum).not.toBe(node.enum);
  });
});
