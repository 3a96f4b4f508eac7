// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { pollDelay, reconnectDelay } from './backoff.ts';

describe('reconnectDelay', () => {
  it('doubles from 50 ms and stays within [nominal/2, nominal]', () => {
    expect(reconnectDelay(1, 1_000, () => 1)).toBe(50);
    expect(reconnectDelay(1, 1_000, () => 0)).toBe(25);
    expect(reconnectDelay(3, 1_000, () => 1)).toBe(200);
  });

  it('is capped, also for absurd attempt counts', () => {
    expect(reconnectDelay(10, 1_000, () => 1)).toBe(1_000);
    expect(reconnectDelay(10_000, 1_000, () => 0)).toBe(500);
  });
});

describe('pollDelay', () => {
  it('lies between a fifth of the ceiling and the ceiling, never 0', () => {
    expect(pollDelay(50, () => 0)).toBe(10);
    expect(pollDelay(50, () => 1)).toBe(50);
    expect(pollDelay(50, () => 0.5)).toBe(30);
  });
});
