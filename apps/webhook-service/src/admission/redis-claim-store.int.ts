// SPDX-License-Identifier: Apache-2.0
// The Redis claim store against the test bed's Redis: two replicas' stores see each other's
// claims in one order, a read transfers only what was added after the sequence number it names,
// entries expire on the Redis clock, and a Redis that lost its data (flush) gets a new epoch.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import type { ClaimBatch } from './claim-registry.ts';
import { RedisClaimStore } from './redis-claim-store.ts';

let redisUrl: string;
let admin: Redis;
const stores: RedisClaimStore[] = [];
const prefix = `int-claims-${process.pid.toString(36)}-${Math.random().toString(36).slice(2, 8)}:`;

beforeAll(async () => {
  const stateFile = process.env['SPIDERPOOL_TESTBED_STATE'];
  if (!stateFile) throw new Error('SPIDERPOOL_TESTBED_STATE is not set: run through the jest "integration" project');
  redisUrl = (JSON.parse(readFileSync(stateFile, 'utf8')) as { redisUrl: string }).redisUrl;
  admin = new Redis(redisUrl);
});

afterAll(async () => {
  await Promise.all(stores.map((s) => s.stop()));
  const keys = await admin.keys(`${prefix}*`);
  if (keys.length > 0) await admin.del(...keys);
  admin.disconnect();
});

async function store(keyPrefix = prefix): Promise<RedisClaimStore> {
  const s = new RedisClaimStore({ url: redisUrl, keyPrefix });
  stores.push(s);
  await s.start();
  return s;
}

/** Counts the bytes Redis sends to clients while `fn` runs, through the server's own statistics. */
async function repliedBytes(fn: () => Promise<unknown>): Promise<number> {
  const read = async (): Promise<number> => Number(/total_net_output_bytes:(\d+)/.exec(await admin.info('stats'))?.[1]);
  const before = await read();
  await fn();
  return (await read()) - before;
}

const texts = (batch: ClaimBatch): string[] => batch.entries.map((e) => e.text).sort();

describe('RedisClaimStore', () => {
  it('shows one replica the entries another added, per kind, in one order, until they expire', async () => {
    const [a, b] = [await store(), await store()];
    const first = await a.add('SpiderIPPool', '{"n":"p1"}', 30_000);
    await a.add('SpiderSubnet', '{"n":"s1"}', 30_000);
    const third = await b.add('SpiderIPPool', '{"n":"p2"}', 150);
    expect(third).toBe(first + 2);
    const pools = await b.since('SpiderIPPool', 0);
    expect(texts(pools)).toEqual(['{"n":"p1"}', '{"n":"p2"}']);
    expect(pools.entries.map((e) => e.seq)).toEqual([first, third]);
    expect(pools.entries[0]?.expiresAt).toBeGreaterThan(pools.now + 29_000);
    expect(texts(await a.since('SpiderSubnet', 0))).toEqual(['{"n":"s1"}']);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(texts(await (await store()).since('SpiderIPPool', 0))).toEqual(['{"n":"p1"}']);
  });

  it('transfers only the entries added after the sequence number asked for', async () => {
    const own = `${prefix}incremental:`;
    const [writer, reader] = [await store(own), await store(own)];
    const claim = JSON.stringify({ payload: 'x'.repeat(1_000) });
    let last = 0;
    for (let i = 0; i < 200; i += 1) last = await writer.add('SpiderIPPool', claim, 30_000);
    const first = await repliedBytes(() => reader.since('SpiderIPPool', 0));
    await writer.add('SpiderIPPool', claim, 30_000);
    let batch: ClaimBatch | undefined;
    const second = await repliedBytes(async () => (batch = await reader.since('SpiderIPPool', last)));
    expect(batch?.entries).toHaveLength(1);
    expect(first).toBeGreaterThan(200_000);
    expect(second).toBeLessThan(5_000);
  });

  it('names a new epoch once Redis lost its data, so that readers start over', async () => {
    const own = `${prefix}flushed:`;
    const writer = await store(own);
    await writer.add('SpiderIPPool', '"before"', 30_000);
    const before = (await writer.since('SpiderIPPool', 0)).epoch;
    expect(before).not.toBe('');
    await admin.del(...(await admin.keys(`${own}*`)));
    expect((await writer.since('SpiderIPPool', 0)).epoch).toBe('');
    await writer.add('SpiderIPPool', '"after"', 30_000);
    const after = await writer.since('SpiderIPPool', 0);
    expect(after.epoch).not.toBe(before);
    expect(after.entries.map((e) => [e.seq, e.text])).toEqual([[1, '"after"']]);
  });
});
