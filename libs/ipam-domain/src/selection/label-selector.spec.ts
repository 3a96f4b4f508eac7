// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { SpiderpoolError } from '@spiderpool/errors';
import { matchesSelector } from './label-selector.ts';

const labels = { app: 'web', tier: 'front', zone: 'a' };

describe('matchesSelector', () => {
  it('matches everything with an empty selector', () => {
    expect(matchesSelector({}, labels)).toBe(true);
    expect(matchesSelector({}, {})).toBe(true);
  });

  it('requires every matchLabels pair', () => {
    expect(matchesSelector({ matchLabels: { app: 'web', tier: 'front' } }, labels)).toBe(true);
    expect(matchesSelector({ matchLabels: { app: 'web', tier: 'back' } }, labels)).toBe(false);
    expect(matchesSelector({ matchLabels: { missing: '' } }, labels)).toBe(false);
  });

  it('supports In and NotIn (NotIn matches a missing key)', () => {
    expect(matchesSelector({ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] }, labels)).toBe(true);
    expect(matchesSelector({ matchExpressions: [{ key: 'zone', operator: 'In', values: ['c'] }] }, labels)).toBe(false);
    expect(matchesSelector({ matchExpressions: [{ key: 'nope', operator: 'In', values: ['a'] }] }, labels)).toBe(false);
    expect(matchesSelector({ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['c'] }] }, labels)).toBe(true);
    expect(matchesSelector({ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }, labels)).toBe(false);
    expect(matchesSelector({ matchExpressions: [{ key: 'nope', operator: 'NotIn', values: ['a'] }] }, labels)).toBe(true);
  });

  it('supports Exists and DoesNotExist', () => {
    expect(matchesSelector({ matchExpressions: [{ key: 'app', operator: 'Exists' }] }, labels)).toBe(true);
    expect(matchesSelector({ matchExpressions: [{ key: 'nope', operator: 'Exists' }] }, labels)).toBe(false);
    expect(matchesSelector({ matchExpressions: [{ key: 'nope', operator: 'DoesNotExist' }] }, labels)).toBe(true);
    expect(matchesSelector({ matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, labels)).toBe(false);
  });

  it('ANDs matchLabels and matchExpressions', () => {
    const selector = { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] };
    expect(matchesSelector(selector, labels)).toBe(false);
    expect(matchesSelector(selector, { ...labels, zone: 'b' })).toBe(true);
  });

  it('does not treat inherited object properties as labels', () => {
    expect(matchesSelector({ matchExpressions: [{ key: 'toString', operator: 'Exists' }] }, {})).toBe(false);
  });

  it('rejects an unknown operator naming the selector field', () => {
    const run = (): boolean => matchesSelector({ matchExpressions: [{ key: 'a', operator: 'Equals', values: ['x'] }] }, labels, 'spec.podAffinity');
    expect(run).toThrow(SpiderpoolError);
    expect(run).toThrow('wrong input: spec.podAffinity.matchExpressions[0].operator: value "Equals" must be one of In, NotIn, Exists, DoesNotExist');
  });

  it('rejects In without values and Exists with values', () => {
    expect(() => matchesSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }, labels, 'sel')).toThrow(
      'sel.matchExpressions[0].values',
    );
    expect(() => matchesSelector({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }, labels, 'sel')).toThrow(
      'must be empty for operator Exists',
    );
  });

  it('validates even when matchLabels already fail', () => {
    expect(() =>
      matchesSelector({ matchLabels: { app: 'db' }, matchExpressions: [{ key: 'a', operator: 'bogus' }] }, labels),
    ).toThrow('labelSelector.matchExpressions[0].operator');
  });
});
