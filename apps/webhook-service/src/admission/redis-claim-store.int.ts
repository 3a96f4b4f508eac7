// SPDX-License-Identifier: Apache-2.0
// The Redis claim store against the test bed's Redis: two replicas' stores see each other's
// claims, each read transfers only what was added since the previous one, entries expire on
// the Redis clock, and a Redis that lost its data (flush) is noticed and re-read from scratch.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
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

describe('RedisClaimStore', () => {
  it('shows one replica the claims another added, per kind, until they expire', async () => {
    const [a, b] = [await store(), await store()];
    await a.add('SpiderIPPool', '{"n":"p1"}', 30_000);
    await a.add('SpiderSubnet', '{"n":"s1"}', 30_000);
    await b.add('SpiderIPPool', '{"n":"p2"}', 150);
    expect((await b.list('SpiderIPPool')).map((e) => e.text).sort()).toEqual(['{"n":"p1"}', '{"n":"p2"}']);
    expect((await a.list('SpiderSubnet')).map((e) => e.text)).toEqual(['{"n":"s1"}']);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect((await b.list('SpiderIPPool')).map((e) => e.text)).toEqual(['{"n":"p1"}']);
    expect((await (await store()).list('SpiderIPPool')).map((e) => e.text)).toEqual(['{"n":"p1"}']);
  });

  it('transfers only the entries added since the previous read', async () => {
    const own = `${prefix}incremental:`;
    const [writer, reader] = [await store(own), await store(own)];
    const claim = JSON.stringify({ payload: 'x'.repeat(1_000) });
    for (let i = 0; i < 200; i += 1) await writer.add('SpiderIPPool', claim, 30_000);
    const first = await repliedBytes(() => reader.list('SpiderIPPool'));
    await writer.add('SpiderIPPool', claim, 30_000);
    let listed: unknown[] = [];
    const second = await repliedBytes(async () => (listed = await reader.list('SpiderIPPool')));
    expect(listed).toHaveLength(201);
    expect(first).toBeGreaterThan(200_000);
    expect(second).toBeLessThan(5_000);
  });

  it('starts over when Redis lost its data', async () => {
    const own = `${prefix}flushed:`;
    const [writer, reader] = [await store(own), await store(own)];
    await writer.add('SpiderIPPool', '"before"', 30_000);
    await writer.add('SpiderIPPool', '"before-2"', 30_000);
    expect(await reader.list('SpiderIPPool')).toHaveLength(2);
    await admin.del(...(await admin.keys(`${own}*`)));
    // More entries than the reader had seen: sequence numbers alone would hide the first ones.
    for (const name of ['a1', 'a2', 'a3']) await writer.add('SpiderIPPool', `"${name}"`, 30_000);
    expect((await reader.list('SpiderIPPool')).map((e) => e.text).sort()).toEqual(['"a1"', '"a2"', '"a3"']);
  });
});
