// SPDX-License-Identifier: Apache-2.0
// The real kube-apiserver calls the real webhook-service: labelled Spiderpool objects go through
// both webhooks on CREATE, UPDATE and DELETE, unlabelled ones never reach this instance, and a
// webhook that is down refuses labelled writes (failurePolicy Fail). The API server trusts the
// service through the caBundle the service's own TLS bootstrap wrote. Observed through the
// service's own metrics, so this holds whatever admission logic is registered.
import { X509Certificate } from 'node:crypto';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { API_VERSION, GROUP } from '@spiderpool/crds';
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

describe('TLS bootstrapped by the service', () => {
  it('puts the CA of its TLS Secret into the caBundle of both of its webhook configurations', async () => {
    const ca = await secretCa();
    for (const ref of [Resources.mutatingWebhookConfigurations, Resources.validatingWebhookConfigurations]) {
      const configuration = await kube.find<KubeObject & { webhooks: Array<{ clientConfig: { caBundle?: string } }> }>(ref, `${wh.instance}.${GROUP}`);
      const bundles = configuration?.webhooks.map((w) => Buffer.from(w.clientConfig.caBundle ?? '', 'base64').toString('utf8')) ?? [];
      expect(bundles).toHaveLength(1);
      expect(new X509Certificate(bundles[0] ?? '').fingerprint256).toBe(ca.fingerprint256);
    }
  });

  it('serves a certificate for 127.0.0.1 that this CA issued', async () => {
    const ca = await secretCa();
    const served = await new Promise<X509Certificate>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: Number(new URL(wh.url).port), ca: ca.toString() }, () => {
        const raw = socket.getPeerX509Certificate();
        socket.end();
        if (raw) resolve(raw);
        else reject(new Error('no peer certificate'));
      });
      socket.on('error', reject);
    });
    expect(served.checkIssued(ca)).toBe(true);
    expect(served.checkIP('127.0.0.1')).toBe('127.0.0.1');
  });
});

async function secretCa(): Promise<X509Certificate> {
  if (!wh.tlsSecret) throw new Error('the harness runs without auto TLS');
  const secret = await kube.find<KubeObject & { data: Record<string, string> }>(Resources.secrets, wh.tlsSecret.name, wh.tlsSecret.namespace);
  return new X509Certificate(Buffer.from(secret?.data['ca.crt'] ?? '', 'base64'));
}

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
