// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { X509Certificate } from 'node:crypto';
import { SpiderpoolError } from '@spiderpool/errors';
import { certificatesOf, ensureCaBundles, mergeCaBundle } from './ca-bundle.ts';
import { newCertificateAuthority } from './certificate-authority.ts';
import { MemoryWebhookConfigs } from './test-fakes.ts';

const DAY = 86_400_000;
const NOW = Date.UTC(2031, 0, 1);
const caA = newCertificateAuthority(NOW, 3650 * DAY).caCert;
const caB = newCertificateAuthority(NOW, 3650 * DAY).caCert;
const shortLived = newCertificateAuthority(NOW, 10 * DAY).caCert;
const b64 = (pem: string): string => Buffer.from(pem).toString('base64');
const fingerprints = (bundle: string | undefined): string[] =>
  certificatesOf(Buffer.from(bundle ?? '', 'base64').toString()).map((c) => c.cert.fingerprint256);
const fp = (pem: string): string => new X509Certificate(pem).fingerprint256;

describe('mergeCaBundle', () => {
  it('sets the CA on an empty bundle and leaves a bundle that already trusts it alone', () => {
    const set = mergeCaBundle(undefined, caA, NOW);
    expect(fingerprints(set)).toEqual([fp(caA)]);
    expect(mergeCaBundle(set, caA, NOW)).toBeUndefined();
    expect(mergeCaBundle(b64(caB + caA), caA, NOW)).toBeUndefined();
  });

  it('puts a new CA first and keeps the previous ones until they expire', () => {
    const rotated = mergeCaBundle(b64(caA), caB, NOW);
    expect(fingerprints(rotated)).toEqual([fp(caB), fp(caA)]);
    const later = mergeCaBundle(b64(shortLived + caA), caB, NOW + 20 * DAY);
    expect(fingerprints(later)).toEqual([fp(caB), fp(caA)]);
  });

  it('drops what is not a certificate and refuses a CA without one', () => {
    const cleaned = mergeCaBundle(b64('garbage\n-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'), caA, NOW);
    expect(fingerprints(cleaned)).toEqual([fp(caA)]);
    expect(() => mergeCaBundle(undefined, 'no pem here', NOW)).toThrow(SpiderpoolError);
  });
});

describe('ensureCaBundles', () => {
  it('patches every webhook of both kinds and keeps everything else', async () => {
    const port = new MemoryWebhookConfigs();
    port.add('mutating', 'spiderpool-webhook', ['m1.spidernet.io', 'm2.spidernet.io'], { timeoutSeconds: 7 });
    port.add('validating', 'spiderpool-webhook', ['v1.spidernet.io']);
    const report = await ensureCaBundles(port, ['spiderpool-webhook'], caA, NOW);
    expect(report).toEqual({ patched: ['mutating/spiderpool-webhook', 'validating/spiderpool-webhook'], missing: [] });
    for (const [kind, index] of [['mutating', 0], ['mutating', 1], ['validating', 0]] as const) {
      expect(fingerprints(port.bundleOf(kind, 'spiderpool-webhook', index))).toEqual([fp(caA)]);
    }
    const mutating = port.objects.get('mutating/spiderpool-webhook');
    expect(mutating?.metadata?.labels).toEqual({ keep: 'me' });
    expect(mutating?.webhooks?.[1]).toMatchObject({ name: 'm2.spidernet.io', timeoutSeconds: 7, sideEffects: 'None', clientConfig: { service: { name: 'svc', namespace: 'ns' } } });
  });

  it('writes nothing when every webhook already trusts the CA', async () => {
    const port = new MemoryWebhookConfigs();
    port.add('validating', 'spiderpool-webhook', ['v1.spidernet.io']);
    await ensureCaBundles(port, ['spiderpool-webhook'], caA, NOW);
    const updates = port.updates;
    expect(await ensureCaBundles(port, ['spiderpool-webhook'], caA, NOW)).toEqual({ patched: [], missing: [] });
    expect(port.updates).toBe(updates);
  });

  it('re-reads and retries after a conflict, and reports names found as neither kind', async () => {
    const port = new MemoryWebhookConfigs();
    port.add('validating', 'spiderpool-webhook', ['v1.spidernet.io']);
    port.conflictsToInject = 2;
    const report = await ensureCaBundles(port, ['spiderpool-webhook', 'not-deployed'], caA, NOW);
    expect(report).toEqual({ patched: ['validating/spiderpool-webhook'], missing: ['not-deployed'] });
    expect(fingerprints(port.bundleOf('validating', 'spiderpool-webhook'))).toEqual([fp(caA)]);
  });

  it('gives up after conflicts on every attempt', async () => {
    const port = new MemoryWebhookConfigs();
    port.add('validating', 'spiderpool-webhook', ['v1.spidernet.io']);
    port.conflictsToInject = 100;
    await expect(ensureCaBundles(port, ['spiderpool-webhook'], caA, NOW)).rejects.toMatchObject({ code: 'RETRIES_EXHAUSTED' });
  });
});
