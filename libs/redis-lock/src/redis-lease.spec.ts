// SPDX-License-Identifier: Apache-2.0
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { SpiderpoolError, isSpiderpoolError } from '@spiderpool/errors';
import { RedisLease, type LeaseBackend } from './redis-lease.ts';

/** A scripted backend: each renewal takes the next answer (true, false, or an Error). */
class FakeBackend implements LeaseBackend {
  connected = true;
  answers: (boolean | Error)[] = [];
  renewals = 0;
  releases = 0;
  endedCount = 0;

  renew(): Promise<boolean> {
    this.renewals += 1;
    const answer = this.answers.shift() ?? true;
    return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
  }

  release(): Promise<void> {
    this.releases += 1;
    return Promise.resolve();
  }

  ended(): void {
    this.endedCount += 1;
  }
}

function lease(backend: FakeBackend, ttlMs = 300): RedisLease {
  return new RedisLease({ name: 'pool-a', key: 'k', value: 'o:1', fencingToken: 1n, ttlMs, sentAt: performance.now(), retryDelayMs: 20, backend });
}

describe('RedisLease', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('renews every third of the ttl and stays held', async () => {
    const backend = new FakeBackend();
    const held = lease(backend);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(backend.renewals).toBe(10);
    expect(held.lost.aborted).toBe(false);
    await held.release();
    await held.release();
    expect(backend.releases).toBe(1);
    expect(backend.endedCount).toBe(1);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(backend.renewals).toBe(10);
    expect(held.lost.aborted).toBe(false); // a released lease is not "lost"
  });

  it('is lost as soon as the key no longer holds its value', async () => {
    const backend = new FakeBackend();
    backend.answers = [false];
    const held = lease(backend);
    await jest.advanceTimersByTimeAsync(100);
    expect(isSpiderpoolError(held.lost.reason, 'CONFLICT')).toBe(true);
    expect(backend.endedCount).toBe(1);
  });

  it('is lost at once when renewal fails without a connection', async () => {
    const backend = new FakeBackend();
    backend.connected = false;
    backend.answers = [new Error('Connection is closed.')];
    const held = lease(backend);
    held.renewNow();
    await jest.advanceTimersByTimeAsync(0);
    expect(isSpiderpoolError(held.lost.reason, 'UNAVAILABLE')).toBe(true);
  });

  it('retries a failed renewal while connected, and is lost when the lease runs out', async () => {
    const backend = new FakeBackend();
    backend.answers = Array.from({ length: 100 }, () => new Error('Command timed out'));
    const held = lease(backend);
    await jest.advanceTimersByTimeAsync(299);
    expect(held.lost.aborted).toBe(false);
    expect(backend.renewals).toBeGreaterThan(5);
    await jest.advanceTimersByTimeAsync(1);
    expect(held.lost.aborted).toBe(true);
  });

  it('recovers when a retry succeeds within the lease', async () => {
    const backend = new FakeBackend();
    backend.answers = [new Error('Command timed out'), true];
    const held = lease(backend);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(held.lost.aborted).toBe(false);
    await held.release();
  });

  it('forfeit() releases and aborts lost', async () => {
    const backend = new FakeBackend();
    const held = lease(backend);
    await held.forfeit(new SpiderpoolError('UNAVAILABLE', 'lock service stopped'));
    expect(held.lost.aborted).toBe(true);
    expect(backend.releases).toBe(1);
  });
});
