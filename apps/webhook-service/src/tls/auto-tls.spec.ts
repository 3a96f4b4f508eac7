// SPDX-License-Identifier: Apache-2.0
import { afterEach, describe, expect, it } from '@jest/globals';
import { X509Certificate } from 'node:crypto';
import { ManualClock, settle } from '@spiderpool/k8s';
import { AutoTls, type AutoTlsOptions } from './auto-tls.ts';
import { certificatesOf } from './ca-bundle.ts';
import { issueServingCertificate, newCertificateAuthority } from './certificate-authority.ts';
import { MemorySecret, MemoryWebhookConfigs, recordingLogger } from './test-fakes.ts';

const DAY = 86_400_000;
const RECHECK = 10 * 60_000;
const RETRY = 30_000;

interface Replica {
  tls: AutoTls;
  delivered: Array<{ cert: string; key: string; bundleAtDelivery: string | undefined }>;
  logger: ReturnType<typeof recordingLogger>;
}

let clock: ManualClock;
const running: AutoTls[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((t) => t.stop()));
});

function setup(): { secret: MemorySecret; webhooks: MemoryWebhookConfigs } {
  clock = new ManualClock(Date.UTC(2031, 0, 1));
  const webhooks = new MemoryWebhookConfigs();
  webhooks.add('validating', 'spiderpool-webhook', ['v.spidernet.io']);
  return { secret: new MemorySecret(), webhooks };
}

function replica(secret: MemorySecret, webhooks: MemoryWebhookConfigs, overrides: Partial<AutoTlsOptions> = {}): Replica {
  const logger = recordingLogger();
  const delivered: Replica['delivered'] = [];
  const tls = new AutoTls({
    secret,
    webhooks,
    webhookConfigNames: ['spiderpool-webhook'],
    requirements: { dnsNames: ['spiderpool-webhook.spiderpool.svc'], ipAddresses: [], renewBeforeMs: 30 * DAY, validityMs: 365 * DAY },
    caValidityMs: 3650 * DAY,
    recheckIntervalMs: RECHECK,
    retryIntervalMs: RETRY,
    clock,
    // Records what the caBundle held when the server got the certificate: it must already trust it.
    onCertificate: (cert, key) => delivered.push({ cert, key, bundleAtDelivery: webhooks.bundleOf('validating', 'spiderpool-webhook') }),
    logger,
    ...overrides,
  });
  running.push(tls);
  return { tls, delivered, logger };
}

const trusts = (bundle: string | undefined, cert: string): boolean => {
  const leaf = new X509Certificate(cert);
  return certificatesOf(Buffer.from(bundle ?? '', 'base64').toString()).some((c) => leaf.checkIssued(c.cert) && leaf.verify(c.cert.publicKey));
};

describe('AutoTls', () => {
  it('starts with a stored certificate that the caBundle trusts', async () => {
    const { secret, webhooks } = setup();
    const a = replica(secret, webhooks);
    const served = await a.tls.start();
    expect(served.cert).toBe(secret.stored?.material.cert);
    expect(served.ca).toBe(secret.stored?.material.caCert);
    expect(trusts(webhooks.bundleOf('validating', 'spiderpool-webhook'), served.cert)).toBe(true);
    expect(a.delivered).toEqual([]);
    expect(a.logger.lines.map((l) => l.message)).toEqual(['issued a new webhook serving certificate', 'webhook caBundle updated']);
  });

  it('lets a second replica start on the first one’s certificate', async () => {
    const { secret, webhooks } = setup();
    const first = await replica(secret, webhooks).tls.start();
    const second = await replica(secret, webhooks).tls.start();
    expect(second.cert).toBe(first.cert);
    expect(secret.writes).toBe(1);
  });

  it('renews when the certificate enters the renewal window and hands it over, trusted, without a restart', async () => {
    const { secret, webhooks } = setup();
    const a = replica(secret, webhooks);
    const served = await a.tls.start();
    await clock.run(300 * DAY, DAY);
    expect(a.delivered).toEqual([]);
    await clock.run(40 * DAY, DAY);
    expect(a.delivered).toHaveLength(1);
    const renewed = a.delivered[0];
    expect(renewed?.cert).not.toBe(served.cert);
    expect(renewed?.cert).toBe(secret.stored?.material.cert);
    expect(trusts(renewed?.bundleAtDelivery, renewed?.cert ?? '')).toBe(true);
  });

  it('picks up another replica’s renewal when woken, and only once', async () => {
    const { secret, webhooks } = setup();
    const a = replica(secret, webhooks);
    const b = replica(secret, webhooks);
    await a.tls.start();
    await b.tls.start();
    // b renews (say, its configuration now asks for one more name) and a's watch fires.
    const current = secret.stored?.material;
    const renewed = issueServingCertificate({ caCert: current?.caCert ?? '', caKey: current?.caKey ?? '' }, { dnsNames: ['spiderpool-webhook.spiderpool.svc', 'extra'], ipAddresses: [] }, clock.now(), 365 * DAY);
    secret.put(renewed);
    a.tls.wake();
    await settle();
    expect(a.delivered.map((d) => d.cert)).toEqual([renewed.cert]);
    a.tls.wake();
    await clock.run(RECHECK * 3, RECHECK);
    expect(a.delivered).toHaveLength(1);
  });

  it('trusts a new CA in the caBundle before serving a certificate it signed, and keeps the old CA', async () => {
    const { secret, webhooks } = setup();
    const a = replica(secret, webhooks);
    const served = await a.tls.start();
    // An operator (or a replica) puts material of a new CA into the Secret.
    const replacement = issueServingCertificate(newCertificateAuthority(clock.now(), 3650 * DAY), { dnsNames: ['spiderpool-webhook.spiderpool.svc'], ipAddresses: [] }, clock.now(), 365 * DAY);
    secret.put(replacement);
    a.tls.wake();
    await settle();
    expect(a.delivered.map((d) => d.cert)).toEqual([replacement.cert]);
    const bundle = a.delivered[0]?.bundleAtDelivery;
    expect(trusts(bundle, replacement.cert)).toBe(true);
    expect(trusts(bundle, served.cert)).toBe(true);
  });

  it('retries a failed re-check sooner and keeps serving meanwhile', async () => {
    const { secret, webhooks } = setup();
    const a = replica(secret, webhooks);
    await a.tls.start();
    const realRead = secret.read.bind(secret);
    let failures = 0;
    secret.read = async () => {
      failures += 1;
      throw new Error('apiserver down');
    };
    await clock.run(RECHECK + RETRY * 2, RETRY / 2);
    expect(failures).toBe(3);
    expect(a.logger.lines.filter((l) => l.level === 'warn')).toHaveLength(3);
    secret.read = realRead;
    await clock.run(RETRY, RETRY / 2);
    expect(a.delivered).toEqual([]);
  });

  it('hands the certificate over again when the server failed to take it', async () => {
    const { secret, webhooks } = setup();
    let attempts = 0;
    const a = replica(secret, webhooks, {
      onCertificate: () => {
        attempts += 1;
        if (attempts === 1) throw new Error('bad secure context');
      },
    });
    await a.tls.start();
    const current = secret.stored?.material;
    secret.put(issueServingCertificate({ caCert: current?.caCert ?? '', caKey: current?.caKey ?? '' }, { dnsNames: ['spiderpool-webhook.spiderpool.svc'], ipAddresses: [] }, clock.now(), 365 * DAY));
    a.tls.wake();
    await settle();
    expect(attempts).toBe(1);
    await clock.run(RETRY, RETRY);
    expect(attempts).toBe(2);
  });

  it('fails to start when the caBundle cannot be patched', async () => {
    const { secret, webhooks } = setup();
    webhooks.conflictsToInject = 100;
    await expect(replica(secret, webhooks).tls.start()).rejects.toMatchObject({ code: 'RETRIES_EXHAUSTED' });
  });
});
