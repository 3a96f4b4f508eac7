// SPDX-License-Identifier: Apache-2.0
// The admission context against the test bed's kube-apiserver and Redis: caches that sync and
// fall back to live reads, claims that one replica adds and the other sees — in one order for
// both — until they expire, and the same working per replica when Redis is unreachable.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { KubeClient, loadKubeConfig, Resources, type KubeObject } from '@spiderpool/k8s';
import { createLogger } from '@spiderpool/observability';
import { createAdmissionContext, type RunningAdmissionContext } from './admission-context.ts';

let kube: KubeClient;
let redisUrl: string;
const suffix = `${process.pid.toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
const prefix = `int-${suffix}:admission:`;
const running: RunningAdmissionContext[] = [];
const createdPools: string[] = [];
const logger = createLogger({ service: 'int', level: 'silent' });

beforeAll(async () => {
  const stateFile = process.env['SPIDERPOOL_TESTBED_STATE'];
  if (!stateFile) throw new Error('SPIDERPOOL_TESTBED_STATE is not set: run through the jest "integration" project');
  const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { kubeconfig: string; redisUrl: string };
  kube = await KubeClient.create(loadKubeConfig(state.kubeconfig));
  redisUrl = state.redisUrl;
});

afterAll(async () => {
  await Promise.all(running.map((c) => c.stop()));
  await Promise.all(createdPools.map((name) => kube.delete(Resources.ipPools, name).catch(() => undefined)));
});

async function start(options: { redis?: string | null; owner: string }): Promise<RunningAdmissionContext> {
  const context = createAdmissionContext({
    client: kube,
    logger,
    settings: { protectInUseDeletion: true },
    redisUrl: options.redis === null ? undefined : (options.redis ?? redisUrl),
    redisKeyPrefix: prefix,
  });
  running.push(context);
  await context.start();
  return context;
}

async function eventually(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function createPool(): Promise<string> {
  const name = `ctx-${suffix}-${Math.random().toString(36).slice(2, 8)}`;
  const block = Math.floor(Math.random() * 0xffff).toString(16);
  await kube.create(Resources.ipPools, { apiVersion: 'spiderpool.spidernet.io/v2beta1', kind: 'SpiderIPPool', metadata: { name }, spec: { subnet: `2001:db8:fd:${block}::/120` } } as KubeObject);
  createdPools.push(name);
  return name;
}

describe('reads', () => {
  it('syncs the warm caches, serves lists from them, and finds objects newer than the cache', async () => {
    const ctx = await start({ owner: 'reader' });
    await eventually(() => ctx.ready(), 'warm caches');
    const name = await createPool();
    // Right after the create the watch event may not have arrived; get() confirms a miss live.
    expect((await ctx.context.get('SpiderIPPool', name))?.metadata?.name).toBe(name);
    expect((await ctx.context.list('SpiderIPPool', { fresh: true })).map((p) => p.metadata?.name)).toContain(name);
    await eventually(async () => (await ctx.context.list('SpiderIPPool')).some((p) => p.metadata?.name === name), 'the pool in the cache');
    expect((await ctx.context.list('SpiderIPPool')).every((p) => p.metadata?.managedFields === undefined)).toBe(true);
    expect(await ctx.context.get('SpiderIPPool', `absent-${suffix}`)).toBeUndefined();
  });

  it('reads a kind that is not warmed live until its cache syncs', async () => {
    const ctx = await start({ owner: 'lazy' });
    expect(Array.isArray(await ctx.context.list('SpiderCoordinator'))).toBe(true);
    // Right after the test bed installed the CRDs their storage may answer 503 for a moment:
    // live reads ride that out.
    expect(await ctx.context.list('NetworkAttachmentDefinition', { namespace: `ns-${suffix}` })).toEqual([]);
  });
});

describe('claims', () => {
  it('are seen by the other replica until they expire', async () => {
    const [a, b] = [await start({ owner: 'claims-a' }), await start({ owner: 'claims-b' })];
    const added = await a.context.claims.add({ kind: 'SpiderSubnet', name: 'sub-1', payload: { subnet: '198.51.100.0/24' } }, 600);
    expect(await b.context.claims.list('SpiderSubnet')).toEqual([{ kind: 'SpiderSubnet', name: 'sub-1', payload: { subnet: '198.51.100.0/24' }, id: added.id, seq: added.seq }]);
    expect(await b.context.claims.list('SpiderIPPool')).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(await b.context.claims.list('SpiderSubnet')).toEqual([]);
    expect(await a.context.claims.list('SpiderSubnet')).toEqual([]);
  });

  it('are ordered by one counter for both replicas, whichever added them', async () => {
    const [a, b] = [await start({ owner: 'order-a' }), await start({ owner: 'order-b' })];
    const first = await a.context.claims.add({ kind: 'SpiderIPPool', name: 'first', payload: {} }, 5_000);
    const second = await b.context.claims.add({ kind: 'SpiderIPPool', name: 'second', payload: {} }, 5_000);
    expect(second.seq).toBeGreaterThan(first.seq ?? Infinity);
    for (const replica of [a, b]) {
      const seqs = Object.fromEntries((await replica.context.claims.list('SpiderIPPool')).map((c) => [c.name, c.seq]));
      expect(seqs).toEqual({ first: first.seq, second: second.seq });
    }
  });

  it('stay per replica without Redis, and keep working when Redis is unreachable', async () => {
    const [a, b] = [await start({ owner: 'local-a', redis: null }), await start({ owner: 'local-b', redis: 'redis://127.0.0.1:1' })];
    await a.context.claims.add({ kind: 'SpiderIPPool', name: 'p', payload: { subnet: '192.0.2.0/24' } }, 5_000);
    await b.context.claims.add({ kind: 'SpiderIPPool', name: 'q', payload: { subnet: '203.0.113.0/24' } }, 5_000);
    expect((await a.context.claims.list('SpiderIPPool')).map((c) => c.name)).toEqual(['p']);
    expect((await b.context.claims.list('SpiderIPPool')).map((c) => c.name)).toEqual(['q']);
  });
});
