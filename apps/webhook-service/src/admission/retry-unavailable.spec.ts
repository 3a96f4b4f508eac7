// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { SpiderpoolError } from '@spiderpool/errors';
import { runWithDeadline } from './admission-deadline.ts';
import { retryUnavailable } from './retry-unavailable.ts';

function failing(errors: Error[], value = 'ok'): { read: () => Promise<string>; calls: () => number } {
  let calls = 0;
  return {
    read: async () => {
      const err = errors[calls++];
      if (err) throw err;
      return value;
    },
    calls: () => calls,
  };
}

const unavailable = (): SpiderpoolError => new SpiderpoolError('UNAVAILABLE', 'storage is (re)initializing');

describe('retryUnavailable', () => {
  it('reads again after "unavailable" answers, pausing 100, 250, 500 and 1000 ms', async () => {
    const slept: number[] = [];
    const f = failing([unavailable(), unavailable(), unavailable(), unavailable()]);
    await expect(retryUnavailable(f.read, async (ms) => {
      slept.push(ms);
    })).resolves.toBe('ok');
    expect(slept).toEqual([100, 250, 500, 1_000]);
    expect(f.calls()).toBe(5);
  });

  it('gives up after five attempts with the last error', async () => {
    const f = failing([unavailable(), unavailable(), unavailable(), unavailable(), new SpiderpoolError('UNAVAILABLE', 'still down')]);
    await expect(retryUnavailable(f.read, async () => undefined)).rejects.toThrow('still down');
    expect(f.calls()).toBe(5);
  });

  it('does not retry other errors', async () => {
    const f = failing([new SpiderpoolError('FORBIDDEN', 'no RBAC')]);
    await expect(retryUnavailable(f.read, async () => undefined)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(f.calls()).toBe(1);
  });

  it('stops once the request being served has timed out', async () => {
    const deadline = new AbortController();
    const f = failing([unavailable(), unavailable()]);
    const sleep = async (): Promise<void> => {
      deadline.abort(new SpiderpoolError('DEADLINE_EXCEEDED', 'request timed out'));
    };
    await expect(runWithDeadline(deadline.signal, () => retryUnavailable(f.read, sleep))).rejects.toMatchObject({ code: 'DEADLINE_EXCEEDED' });
    expect(f.calls()).toBe(1);
  });
});
