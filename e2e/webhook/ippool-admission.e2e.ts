// SPDX-License-Identifier: Apache-2.0
// SpiderIPPool, SpiderSubnet and SpiderReservedIP admission behind the real kube-apiserver: every
// object of the corpus is denied with a message carrying its rule id, or stored in the mutated
// form expected; 100 identical pools created at once leave exactly one, and so do 100 pools of
// overlapping addresses with different names.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { SpiderpoolError } from '@spiderpool/errors';
import { KubeClient, Resources, type ResourceRef } from '@spiderpool/k8s';
import { adminKubeConfig, sleep, uniqueName } from '../testbed/index.ts';
import { INVALID, VALID, type E2eCase, type Kind, type Net, type Obj, type Seed } from './ippool-admission-cases.ts';
import { startWebhookHarness, type WebhookHarness } from './webhook-harness.ts';

const REFS: Record<Kind, ResourceRef> = {
  SpiderIPPool: Resources.ipPools,
  SpiderSubnet: Resources.subnets,
  SpiderReservedIP: Resources.reservedIPs,
};

/** A /48 of 2001:db8::/32 for this run; no other test file uses 2001:db8:5eXX::. */
const RUN_HEXTET = `5e${Math.floor(Math.random() * 0x100).toString(16).padStart(2, '0')}`;
const run = uniqueName('ipa');

let wh: WebhookHarness;
let kube: KubeClient;
/** Objects created by the running test, removed after it (in reverse order). */
let created: Array<{ kind: Kind; name: string }> = [];

beforeAll(async () => {
  kube = await KubeClient.create(adminKubeConfig(), { maxSockets: 128 });
  wh = await startWebhookHarness();
}, 90_000);

afterEach(async () => {
  const objects = created.reverse();
  created = [];
  for (const o of objects) await remove(o.kind, o.name);
}, 60_000);

afterAll(async () => {
  await wh?.stop();
});

function net(index: number): Net {
  const block = (index + 1).toString(16);
  const prefix = `2001:db8:${RUN_HEXTET}:${block}::`;
  return {
    cidr: `${prefix}/64`,
    ip: (suffix) => `${prefix}${suffix}`,
    cidrLabel: `${prefix}/64`.replace(/[.:/]/g, '-'),
    name: (role) => `${run}-${index}-${role}`,
  };
}

function labelled(o: Obj): Obj {
  const copy = structuredClone(o);
  copy.metadata.labels = { ...copy.metadata.labels, ...wh.labels };
  return copy;
}

async function createSeed(seed: Seed): Promise<Obj> {
  const ref = REFS[seed.kind];
  const stored = await kube.create<Obj>(ref, labelled(seed.object));
  created.push({ kind: seed.kind, name: stored.metadata.name });
  if (!seed.status) return stored;
  return kube.updateStatus<Obj>(ref, { ...stored, status: seed.status });
}

/**
 * Removes an object whatever admission would say: status cleared (it is what delete protection
 * reads), the webhook label and finalizers dropped — after that no admission sees the object —
 * then deleted and its finalizer lifted again should mutation have re-added it.
 */
async function remove(kind: Kind, name: string): Promise<void> {
  const ref = REFS[kind];
  const current = await kube.find<Obj>(ref, name);
  if (!current) return;
  if (current.status) await kube.updateStatus(ref, { ...current, status: {} }).catch(() => undefined);
  const unlabel = { metadata: { finalizers: null, labels: Object.fromEntries(Object.keys(wh.labels).map((k) => [k, null])) } };
  await kube.mergePatch(ref, name, unlabel).catch(() => undefined);
  await kube.delete(ref, name).catch(() => undefined);
  const deadline = Date.now() + 20_000;
  while (await kube.find(ref, name)) {
    await kube.mergePatch(ref, name, { metadata: { finalizers: null } }).catch(() => undefined);
    if (Date.now() > deadline) throw new Error(`${kind} ${name} was not removed`);
    await sleep(100);
  }
}

type Outcome = { ok: true } | { ok: false; error: SpiderpoolError };

async function attempt(work: () => Promise<unknown>): Promise<Outcome> {
  try {
    await work();
    return { ok: true };
  } catch (err) {
    if (err instanceof SpiderpoolError) return { ok: false, error: err };
    throw err;
  }
}

/** Plays a case the way a client would: seed, then the one request under test. */
async function play(c: E2eCase, seeded: Map<string, Obj>): Promise<Outcome> {
  const ref = REFS[c.kind];
  for (const seed of c.existing ?? []) seeded.set(seed.object.metadata.name, await createSeed(seed));
  if (c.operation === 'CREATE') {
    const outcome = await attempt(() => kube.create(ref, labelled(c.object)));
    if (outcome.ok) created.push({ kind: c.kind, name: c.object.metadata.name });
    return outcome;
  }
  await createSeed({ kind: c.kind, object: c.object, ...(c.status ? { status: c.status } : {}) });
  for (const seed of c.dependents ?? []) seeded.set(seed.object.metadata.name, await createSeed(seed));
  const name = c.object.metadata.name;
  if (c.terminate) await kube.delete(ref, name);
  if (c.operation === 'DELETE') return attempt(() => kube.delete(ref, name));
  const current = await kube.get<Obj>(ref, name);
  c.change?.(current);
  return attempt(() => kube.update(ref, current));
}

const invalid = INVALID.map((factory, i) => factory(net(i)));
const valid = VALID.map((factory, i) => factory(net(INVALID.length + i)));

/** Valid objects admitted and read back elsewhere: multus.e2e.ts's SpiderMultusConfigs and coordinator.e2e.ts's SpiderCoordinator. */
const OTHER_VALID_OBJECTS = 8 + 1;

describe('ippool admission corpus through the API server', () => {
  it('reads back the mutated form of every allowed write, at least 30 valid objects in all', () => {
    const writes = valid.filter((c) => c.operation !== 'DELETE');
    expect(writes.filter((c) => c.check === undefined).map((c) => c.title)).toEqual([]);
    expect(writes.length + OTHER_VALID_OBJECTS).toBeGreaterThanOrEqual(30);
    for (const kind of ['SpiderIPPool', 'SpiderSubnet', 'SpiderReservedIP'] as const) {
      for (const operation of ['CREATE', 'UPDATE'] as const) {
        expect(writes.filter((c) => c.kind === kind && c.operation === operation).length).toBeGreaterThan(0);
      }
    }
  });

  it.each(invalid.map((c) => [`${c.kind} ${c.operation}: ${c.title}`, c] as const))('denies %s', async (_title, c) => {
    const outcome = await play(c, new Map());
    if (outcome.ok) throw new Error(`${c.kind} ${c.object.metadata.name} was admitted; expected [${c.expect}]`);
    expect(outcome.error.code).toBe('INVALID_INPUT');
    expect(outcome.error.message).toContain(`denied the request`);
    expect(outcome.error.message).toContain(`[${c.expect}]`);
  }, 30_000);

  it.each(valid.map((c) => [`${c.kind} ${c.operation}: ${c.title}`, c] as const))('allows %s', async (_title, c) => {
    const seeded = new Map<string, Obj>();
    const outcome = await play(c, seeded);
    if (!outcome.ok) throw outcome.error;
    const stored = await kube.find<Obj>(REFS[c.kind], c.object.metadata.name);
    if (c.operation === 'DELETE') {
      // Deletion was admitted; the finalizer keeps the object until its addresses are released.
      expect(stored?.metadata.deletionTimestamp).toBeDefined();
      return;
    }
    if (!stored) throw new Error(`${c.kind} ${c.object.metadata.name} is not stored`);
    c.check?.(stored, { labels: wh.labels, seeded });
  }, 30_000);
});

describe('pool creation under concurrency', () => {
  it('keeps exactly one of 100 identical SpiderIPPools created at once', async () => {
    const n = net(INVALID.length + VALID.length);
    const body = labelled({
      apiVersion: 'spiderpool.spidernet.io/v2beta1',
      kind: 'SpiderIPPool',
      metadata: { name: n.name('same') },
      spec: { subnet: n.cidr, ips: [`${n.ip('1')}-${n.ip('ff')}`] },
    });
    const results = await Promise.allSettled(Array.from({ length: 100 }, () => kube.create(Resources.ipPools, structuredClone(body))));
    created.push({ kind: 'SpiderIPPool', name: body.metadata.name });
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as SpiderpoolError] : []));
    expect(results.filter((r) => r.status === 'fulfilled').length).toBe(1);
    // The others lose to the API server's own uniqueness, not to an admission rule.
    expect(failures.map((e) => e.code)).toEqual(Array(99).fill('ALREADY_EXISTS'));
    expect(await poolsOf(n.cidr)).toEqual([body.metadata.name]);
  }, 120_000);

  it('keeps exactly one of 100 overlapping SpiderIPPools with different names created at once', async () => {
    const n = net(INVALID.length + VALID.length + 1);
    const bodies = Array.from({ length: 100 }, (_, i) =>
      labelled({
        apiVersion: 'spiderpool.spidernet.io/v2beta1',
        kind: 'SpiderIPPool',
        metadata: { name: n.name(`o${i}`) },
        spec: { subnet: n.cidr, ips: [`${n.ip((i + 1).toString(16))}-${n.ip('1ff')}`] },
      }),
    );
    const results = await Promise.allSettled(bodies.map((b) => kube.create(Resources.ipPools, b)));
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') created.push({ kind: 'SpiderIPPool', name: bodies[i]!.metadata.name });
    });
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as SpiderpoolError] : []));
    expect(results.filter((r) => r.status === 'fulfilled').length).toBe(1);
    expect(failures).toHaveLength(99);
    for (const e of failures) expect(e.message).toContain('[ips-overlap-pool]');
    expect(await poolsOf(n.cidr)).toHaveLength(1);
  }, 120_000);
});

/** Names of the pools of this webhook instance with the given CIDR, from the API server. */
async function poolsOf(cidr: string): Promise<string[]> {
  const list = await kube.list<Obj>(Resources.ipPools, { labelSelector: Object.entries(wh.labels).map(([k, v]) => `${k}=${v}`).join(',') });
  return list.items.filter((p) => p.spec?.['subnet'] === cidr).map((p) => p.metadata.name);
}
