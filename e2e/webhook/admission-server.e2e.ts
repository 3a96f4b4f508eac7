// SPDX-License-Identifier: Apache-2.0
// The real kube-apiserver calls the real webhook-service: labelled Spiderpool objects go through
// both webhooks on CREATE, UPDATE and DELETE, unlabelled ones never reach this instance, and a
// webhook that is down refuses labelled writes (failurePolicy Fail). Observed through the
// service's own metrics, so this holds whatever admission logic is registered.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { API_VERSION } from '@spiderpool/crds';
import { KubeClient, Resources, type KubeObject } from '@spiderpool/k8s';
import { adminKubeConfig, sleep, uniqueName } from '../testbed/index.ts';
import { sumSamples } from './review-client.ts';
import { startWebhookHarness, type WebhookHarness } from './webhook-harness.ts';

let wh: WebhookHarness;
let kube: KubeClient;
const created: string[] = [];

beforeAll(async () => {
  kube = await KubeClient.create(adminKubeConfig());
  wh = await startWebhookHarness();
});

afterAll(async () => {
  // Finalizers a mutating webhook may have added would keep the pools; take them off first.
  await Promise.all(created.map(async (name) => {
    await kube.mergePatch(Resources.ipPools, name, { metadata: { finalizers: null } }).catch(() => undefined);
    await kube.delete(Resources.ipPools, name).catch(() => undefined);
  }));
  await wh?.stop();
});

/** A valid IPv6 pool of its own /120 inside 2001:db8::/32, so that no overlap rule can refuse it. */
function pool(labels: Record<string, string>): KubeObject & { metadata: { name: string } } {
  const block = Math.floor(Math.random() * 0xffff).toString(16);
  const name = uniqueName('whpool');
  created.push(name);
  return {
    apiVersion: API_VERSION,
    kind: 'SpiderIPPool',
    metadata: { name, labels },
    spec: { subnet: `2001:db8:fe:${block}::/120`, ips: [`2001:db8:fe:${block}::10-2001:db8:fe:${block}::20`] },
  } as KubeObject & { metadata: { name: string } };
}

/** Answered admissions of this instance by webhook and operation (any kind). */
async function counts(): Promise<Record<string, number>> {
  const text = await wh.metrics();
  const out: Record<string, number> = {};
  for (const webhook of ['mutate', 'validate']) {
    for (const operation of ['CREATE', 'UPDATE', 'DELETE']) {
      out[`${webhook} ${operation}`] = sumSamples(text, 'spiderpool_webhook_admission_duration_seconds_count', { webhook, operation });
    }
  }
  return out;
}

const delta = (after: Record<string, number>, before: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)]).filter(([, v]) => v !== 0));

describe('webhook-service behind the real kube-apiserver', () => {
  it('admits a labelled SpiderIPPool CREATE and UPDATE through both webhooks', async () => {
    const before = await counts();
    const object = pool(wh.labels);
    const stored = await kube.create(Resources.ipPools, object);
    expect(stored.metadata?.name).toBe(object.metadata.name);
    const afterCreate = await counts();
    expect(delta(afterCreate, before)).toEqual({ 'mutate CREATE': 1, 'validate CREATE': 1 });

    await kube.mergePatch(Resources.ipPools, object.metadata.name, { metadata: { annotations: { 'example.com/note': 'updated' } } });
    expect(delta(await counts(), afterCreate)).toEqual({ 'mutate UPDATE': 1, 'validate UPDATE': 1 });
  });

  it('sends DELETE through the validating webhook, and the pool goes away', async () => {
    const object = pool(wh.labels);
    await kube.create(Resources.ipPools, object);
    const before = await counts();
    await kube.delete(Resources.ipPools, object.metadata.name);
    expect(delta(await counts(), before)).toEqual({ 'validate DELETE': 1 });
    const deadline = Date.now() + 20_000;
    for (;;) {
      const left = await kube.find(Resources.ipPools, object.metadata.name);
      if (!left) break;
      // A finalizer (added by pool admission) waits for a controller; lift it as the test's owner.
      if (left.metadata?.finalizers?.length) await kube.mergePatch(Resources.ipPools, object.metadata.name, { metadata: { finalizers: null } });
      if (Date.now() > deadline) throw new Error(`pool ${object.metadata.name} still exists`);
      await sleep(100);
    }
  });

  it('never sees objects without its label', async () => {
    const before = await counts();
    const object = pool({ app: 'unrelated' });
    await kube.create(Resources.ipPools, object);
    await kube.delete(Resources.ipPools, object.metadata.name);
    expect(delta(await counts(), before)).toEqual({});
  });
});

describe('a webhook that is down', () => {
  it('makes the API server refuse labelled writes (failurePolicy Fail)', async () => {
    const down = await startWebhookHarness();
    try {
      await down.process.stop();
      const object = pool(down.labels);
      await expect(kube.create(Resources.ipPools, object)).rejects.toThrow(/failed calling webhook/);
      expect(await kube.find(Resources.ipPools, object.metadata.name)).toBeUndefined();
    } finally {
      await down.stop();
    }
  });
});
