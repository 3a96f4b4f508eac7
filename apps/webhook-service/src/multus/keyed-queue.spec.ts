// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { KeyedQueue } from './keyed-queue.ts';

function recordingQueue(process: (key: string) => Promise<void> = async () => {}): { queue: KeyedQueue; seen: string[]; errors: Array<[string, number]> } {
  const seen: string[] = [];
  const errors: Array<[string, number]> = [];
  const queue = new KeyedQueue({
    retryBaseMs: 1,
    process: async (key) => {
      seen.push(key);
      await process(key);
    },
    onError: (key, _err, attempt) => errors.push([key, attempt]),
  });
  return { queue, seen, errors };
}

describe('KeyedQueue', () => {
  it('holds keys until started and runs a key added many times once', async () => {
    const { queue, seen } = recordingQueue();
    queue.add('a');
    queue.add('b');
    queue.add('a');
    await new Promise((r) => setTimeout(r, 5));
    expect(seen).toEqual([]);
    queue.start();
    await queue.idle();
    expect(seen).toEqual(['a', 'b']);
  });

  it('runs a key again when it is added while being processed', async () => {
    let release!: () => void;
    const { queue, seen } = recordingQueue((key) => (key === 'a' && seen.length === 1 ? new Promise<void>((r) => (release = r)) : Promise.resolve()));
    queue.start();
    queue.add('a');
    await new Promise((r) => setTimeout(r, 1));
    queue.add('a');
    release();
    await queue.idle();
    expect(seen).toEqual(['a', 'a']);
  });

  it('retries a failing key with backoff until it succeeds', async () => {
    let failures = 2;
    const { queue, seen, errors } = recordingQueue(async () => {
      if (failures-- > 0) throw new Error('api down');
    });
    queue.start();
    queue.add('a');
    await queue.idle();
    expect(seen).toEqual(['a', 'a', 'a']);
    expect(errors).toEqual([['a', 1], ['a', 2]]);
  });

  it('drops queued and scheduled keys on stop and waits for the running one', async () => {
    let finished = false;
    const { queue, seen } = recordingQueue(async (key) => {
      if (key === 'slow') await new Promise((r) => setTimeout(r, 20));
      finished = true;
    });
    queue.start();
    queue.add('slow');
    queue.add('next');
    queue.addAfter('later', 1);
    await new Promise((r) => setTimeout(r, 1));
    await queue.stop();
    expect(finished).toBe(true);
    expect(seen).toEqual(['slow']);
    queue.add('after-stop');
    expect(queue.size).toBe(0);
  });
});
