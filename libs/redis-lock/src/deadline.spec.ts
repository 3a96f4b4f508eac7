// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { isSpiderpoolError } from '@spiderpool/errors';
import { withDeadline } from './deadline.ts';
import { parseAcquireReply } from './lua-scripts.ts';

const later = <T>(ms: number, value: T): Promise<T> => new Promise((resolve) => setTimeout(() => resolve(value), ms));

describe('withDeadline', () => {
  it('passes a timely answer and error through', async () => {
    await expect(withDeadline(Promise.resolve(7), 50)).resolves.toBe(7);
    await expect(withDeadline(Promise.reject(new Error('NOPERM')), 50)).rejects.toThrow('NOPERM');
  });

  it('rejects with DEADLINE_EXCEEDED and hands a late success to onLate', async () => {
    const late: string[] = [];
    const err: unknown = await withDeadline(later(40, 'token'), 5, (v) => late.push(v)).catch((e: unknown) => e);
    expect(isSpiderpoolError(err, 'DEADLINE_EXCEEDED')).toBe(true);
    await later(60, null);
    expect(late).toEqual(['token']);
  });
});

describe('parseAcquireReply', () => {
  it('reads the token exactly, beyond 2^53', () => {
    expect(parseAcquireReply('1795386574627337')).toBe(1795386574627337n);
    expect(parseAcquireReply('9007199254740993')).toBe(9007199254740993n);
    expect(parseAcquireReply(null)).toBeUndefined();
  });

  it('refuses anything else', () => {
    expect(() => parseAcquireReply(12)).toThrow('unexpected reply');
    expect(() => parseAcquireReply('1e15')).toThrow('unexpected reply');
  });
});
