// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { isSpiderpoolError } from '@spiderpool/errors';
import { resolveLockOptions } from './lock-options.ts';

const base = { url: 'redis://127.0.0.1:1', ownerId: 'ipam-0:1' };

describe('resolveLockOptions', () => {
  it('applies the documented defaults', () => {
    expect(resolveLockOptions(base)).toMatchObject({
      keyPrefix: 'spiderpool:lock:',
      ttlMs: 5_000,
      commandTimeoutMs: 250,
      pollIntervalMs: 50,
      maxReconnectDelayMs: 1_000,
      connectTimeoutMs: 1_000,
    });
  });

  it.each([
    [{ ttlMs: 10 }, 'ttlMs'],
    [{ ttlMs: 1500.5 }, 'ttlMs'],
    [{ commandTimeoutMs: 0 }, 'commandTimeoutMs'],
    [{ ttlMs: 100, commandTimeoutMs: 100 }, 'commandTimeoutMs'],
    [{ ownerId: ' ' }, 'ownerId'],
    [{ url: '' }, 'url'],
    [{ pollIntervalMs: 1 }, 'pollIntervalMs'],
  ])('rejects %j naming %s', (override, field) => {
    let caught: unknown;
    try {
      resolveLockOptions({ ...base, ...override });
    } catch (err) {
      caught = err;
    }
    expect(isSpiderpoolError(caught, 'INVALID_INPUT') && caught.field).toBe(field);
  });
});
