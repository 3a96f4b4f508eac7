// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { parseDuration } from './duration.ts';

describe('parseDuration', () => {
  it.each([
    ['30d', 30 * 86_400_000],
    ['720h', 720 * 3_600_000],
    ['1h30m', 5_400_000],
    ['90s', 90_000],
    ['250ms', 250],
    ['1.5h', 5_400_000],
    [' 10m ', 600_000],
  ])('reads %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '30', 'd', '-1h', '0s', '1y', '1h 30m', 'abc'])('refuses %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});
