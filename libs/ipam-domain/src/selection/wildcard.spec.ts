// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { expandPoolNames, isWildcard, matchWildcard } from './wildcard.ts';

describe('isWildcard', () => {
  it('detects *, ? and [', () => {
    expect(isWildcard('pool-*')).toBe(true);
    expect(isWildcard('pool-?')).toBe(true);
    expect(isWildcard('pool-[ab]')).toBe(true);
    expect(isWildcard('pool-a')).toBe(false);
    expect(isWildcard('')).toBe(false);
  });
});

describe('matchWildcard', () => {
  it.each([
    ['*', 'anything', true],
    ['*', '', true],
    ['v4-*', 'v4-pool', true],
    ['v4-*', 'v6-pool', false],
    ['*-default', 'v4-default', true],
    ['a*b*c', 'aXXbYYc', true],
    ['a*b*c', 'aXXbYY', false],
    ['pool-?', 'pool-1', true],
    ['pool-?', 'pool-12', false],
    ['pool-?', 'pool-', false],
    ['pool-[abc]', 'pool-b', true],
    ['pool-[abc]', 'pool-d', false],
    ['pool-[a-c]', 'pool-c', true],
    ['pool-[a-c]', 'pool-d', false],
    ['pool-[0-9][0-9]', 'pool-42', true],
    ['pool-[!x]', 'pool-y', true],
    ['pool-[!x]', 'pool-x', false],
    ['pool-[!a-c]', 'pool-b', false],
    ['pool-[]]', 'pool-]', true],
    ['exact', 'exact', true],
    ['exact', 'exactly', false],
  ])('%s vs %s → %s', (pattern, name, expected) => {
    expect(matchWildcard(pattern, name)).toBe(expected);
  });

  it('treats regex metacharacters literally (no injection)', () => {
    expect(matchWildcard('pool.a', 'pool.a')).toBe(true);
    expect(matchWildcard('pool.a', 'poolXa')).toBe(false);
    expect(matchWildcard('(a|b)+', '(a|b)+')).toBe(true);
    expect(matchWildcard('(a|b)+', 'a')).toBe(false);
    expect(matchWildcard('^a$', '^a$')).toBe(true);
    expect(matchWildcard('a\\d', 'a\\d')).toBe(true);
    expect(matchWildcard('a\\d', 'a1')).toBe(false);
  });

  it('treats an unterminated [ as a literal character', () => {
    expect(matchWildcard('pool-[a', 'pool-[a')).toBe(true);
    expect(matchWildcard('pool-[a', 'pool-a')).toBe(false);
  });

  it('stays fast on pathological patterns', () => {
    const started = Date.now();
    expect(matchWildcard('*a*a*a*a*a*a*a*a*a*a*b', 'a'.repeat(200))).toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('expandPoolNames', () => {
  const all = ['v4-c', 'v4-a', 'v6-a', 'v4-b', 'other'];

  it('keeps the user order and expands wildcards to sorted matches', () => {
    expect(expandPoolNames(['other', 'v4-*'], all)).toEqual(['other', 'v4-a', 'v4-b', 'v4-c']);
  });

  it('removes duplicates, the first occurrence wins', () => {
    expect(expandPoolNames(['v4-b', 'v4-*', 'v4-a'], all)).toEqual(['v4-b', 'v4-a', 'v4-c']);
  });

  it('keeps plain names that do not exist so the caller can report them', () => {
    expect(expandPoolNames(['missing', 'v6-*'], all)).toEqual(['missing', 'v6-a']);
  });

  it('expands a wildcard without matches to nothing', () => {
    expect(expandPoolNames(['zz-*'], all)).toEqual([]);
    expect(expandPoolNames([], all)).toEqual([]);
  });
});
