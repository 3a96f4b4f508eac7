// SPDX-License-Identifier: Apache-2.0
import { afterEach, describe, expect, it } from '@jest/globals';
import { ManualClock, settle } from '@spiderpool/k8s';
import { certificatesOf } from './ca-bundle.ts';
import { issueServingCertificate, newCertificateAuthority, type TlsMaterial } from './certificate-authority.ts';
import { ProvidedTls, type ProvidedTlsOptions } from './provided-tls.ts';
import { MemoryFiles, MemoryWebhookConfigs, recordingLogger } from './test-fakes.ts';

const DAY = 86_400_000;
const POLL = 10_000;
const RECHECK = 10 * 60_000;
const names = { dnsNames: ['spiderpool-webhook.spiderpool.svc'], ipAddresses: [] };

let clock: ManualClock;
const running: ProvidedTls[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((t) => t.stop()));
});

function material(): TlsMaterial {
  return issueServingCertificate(newCertificateAuthority(clock.now(), 3650 * DAY), names, clock.now(), 90 * DAY);
}

function writeFiles(files: MemoryFiles, m: TlsMaterial, options: { notify?: boolean; ca?: boolean } = {}): void {
  files.set('/tls/tls.crt', m.cert, options);
  files.set('/tls/tls.key', m.key, options);
  if (options.ca) files.set('/tls/ca.crt', m.caCert, options);
}

function provided(files: MemoryFiles, overrides: Partial<ProvidedTlsOptions> = {}) {
  const delivered: Array<{ cert: string; key: string }> = [];
  const logger = recordingLogger();
  const tls = new ProvidedTls({
    certFile: '/tls/tls.crt',
    keyFile: '/tls/tls.key',
    caFile: undefined,
    files,
    webhooks: undefined,
    webhookConfigNames: ['spiderpool-webhook'],
    clock,
    pollIntervalMs: POLL,
    recheckIntervalMs: RECHECK,
    onCertificate: (cert, key) => delivered.push({ cert, key }),
    logger,
    ...overrides,
  });
  running.push(tls);
  return { tls, delivered, logger };
}

describe('ProvidedTls', () => {
  it('starts with the files’ certificate and hands over a new one on a change event', async () => {
    clock = new ManualClock();
    const files = new MemoryFiles();
    const first = material();
    writeFiles(files, first);
    const p = provided(files);
    expect(await p.tls.start()).toEqual({ cert: first.cert, key: first.key, ca: undefined });
    const second = material();
    writeFiles(files, second, { notify: true });
    await settle();
    expect(p.delivered).toEqual([{ cert: second.cert, key: second.key }]);
  });

  it('notices a change without any event at the next poll', async () => {
    clock = new ManualClock();
    const files = new MemoryFiles();
    writeFiles(files, material());
    const p = provided(files);
    await p.tls.start();
    const second = material();
    writeFiles(files, second);
    await clock.run(POLL - 1_000, 1_000);
    expect(p.delivered).toEqual([]);
    await clock.run(1_000, 1_000);
    expect(p.delivered).toEqual([{ cert: second.cert, key: second.key }]);
  });

  it('skips a half-written update and takes the pair once it matches', async () => {
    clock = new ManualClock();
    const files = new MemoryFiles();
    writeFiles(files, material());
    const p = provided(files);
    await p.tls.start();
    const next = material();
    files.set('/tls/tls.crt', next.cert, { notify: true });
    await settle();
    expect(p.delivered).toEqual([]);
    expect(p.logger.lines.some((l) => l.level === 'warn' && /not usable/.test(l.message))).toBe(true);
    files.set('/tls/tls.key', next.key, { notify: true });
    await settle();
    expect(p.delivered).toEqual([{ cert: next.cert, key: next.key }]);
  });

  it('refuses to start on a key that does not match the certificate', async () => {
    clock = new ManualClock();
    const files = new MemoryFiles();
    files.set('/tls/tls.crt', material().cert);
    files.set('/tls/tls.key', material().key);
    await expect(provided(files).tls.start()).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/does not match/) });
  });

  it('with a CA file, keeps the caBundles trusting it, before serving a certificate of a new CA', async () => {
    clock = new ManualClock();
    const files = new MemoryFiles();
    const webhooks = new MemoryWebhookConfigs();
    webhooks.add('mutating', 'spiderpool-webhook', ['m.spidernet.io']);
    const first = material();
    writeFiles(files, first, { ca: true });
    const bundles: Array<string | undefined> = [];
    const p = provided(files, {
      caFile: '/tls/ca.crt',
      webhooks,
      onCertificate: () => bundles.push(webhooks.bundleOf('mutating', 'spiderpool-webhook')),
    });
    expect((await p.tls.start()).ca).toBe(first.caCert);
    const fingerprintsOf = (b64: string | undefined): string[] => certificatesOf(Buffer.from(b64 ?? '', 'base64').toString()).map((c) => c.cert.fingerprint256);
    const fingerprint = (pem: string): string => certificatesOf(pem)[0]?.cert.fingerprint256 ?? '';
    expect(fingerprintsOf(webhooks.bundleOf('mutating', 'spiderpool-webhook'))).toEqual([fingerprint(first.caCert)]);

    const second = material();
    writeFiles(files, second, { ca: true, notify: true });
    await settle();
    expect(bundles).toHaveLength(1);
    expect(fingerprintsOf(bundles[0])).toEqual([fingerprint(second.caCert), fingerprint(first.caCert)]);
  });

  it('with a CA file, puts a caBundle back that someone removed, at the next re-check', async () => {
    clock = new ManualClock();
    const files = new MemoryFiles();
    const webhooks = new MemoryWebhookConfigs();
    webhooks.add('validating', 'spiderpool-webhook', ['v.spidernet.io']);
    writeFiles(files, material(), { ca: true });
    const p = provided(files, { caFile: '/tls/ca.crt', webhooks });
    await p.tls.start();
    // Re-applied from a manifest without caBundle.
    webhooks.add('validating', 'spiderpool-webhook', ['v.spidernet.io']);
    expect(webhooks.bundleOf('validating', 'spiderpool-webhook')).toBeUndefined();
    await clock.run(RECHECK + POLL, POLL);
    expect(webhooks.bundleOf('validating', 'spiderpool-webhook')).toBeDefined();
  });

  it('refuses to start when a file cannot be read', async () => {
    clock = new ManualClock();
    const files = new MemoryFiles();
    files.set('/tls/tls.crt', material().cert);
    await expect(provided(files).tls.start()).rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'SPIDERPOOL_TLS_CERT_FILE', message: expect.stringMatching(/cannot read/) });
  });

  it('stops watching when stopped', async () => {
    clock = new ManualClock();
    const files = new MemoryFiles();
    writeFiles(files, material());
    const p = provided(files);
    await p.tls.start();
    expect(files.watching).toBe(1);
    await p.tls.stop();
    expect(files.watching).toBe(0);
  });
});
