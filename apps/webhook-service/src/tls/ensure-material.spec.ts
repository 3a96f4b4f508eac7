// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { SpiderpoolError } from '@spiderpool/errors';
import { issueServingCertificate, newCertificateAuthority } from './certificate-authority.ts';
import { ensureMaterial, type EnsureOptions } from './ensure-material.ts';
import { assessMaterial } from './material-check.ts';
import { MemorySecret } from './test-fakes.ts';

const DAY = 86_400_000;
const NOW = Date.UTC(2031, 0, 1);
const options: EnsureOptions = {
  requirements: { dnsNames: ['spiderpool-webhook.spiderpool.svc'], ipAddresses: [], renewBeforeMs: 30 * DAY, validityMs: 365 * DAY },
  caValidityMs: 3650 * DAY,
  now: () => NOW,
};

describe('ensureMaterial', () => {
  it('creates the Secret with a new CA and serving certificate when there is none', async () => {
    const secret = new MemorySecret();
    const ensured = await ensureMaterial(secret, options);
    expect(ensured).toMatchObject({ renewedBecause: 'no Secret yet', newCa: true, resourceVersion: '1' });
    expect(secret.stored?.material).toEqual(ensured.material);
    expect(assessMaterial(ensured.material, options.requirements, NOW)).toEqual({ usable: true });
  });

  it('uses usable material as it is, without writing', async () => {
    const secret = new MemorySecret();
    const first = await ensureMaterial(secret, options);
    const again = await ensureMaterial(secret, { ...options, now: () => NOW + 100 * DAY });
    expect(again).toEqual({ material: first.material, resourceVersion: first.resourceVersion, renewedBecause: undefined, newCa: false });
    expect(secret.writes).toBe(1);
  });

  it('renews an expiring serving certificate under the same CA, so caBundles stay as they are', async () => {
    const secret = new MemorySecret();
    const first = await ensureMaterial(secret, options);
    const later = NOW + 340 * DAY;
    const renewed = await ensureMaterial(secret, { ...options, now: () => later });
    expect(renewed.renewedBecause).toMatch(/within the renewal window/);
    expect(renewed.newCa).toBe(false);
    expect(renewed.material.caCert).toBe(first.material.caCert);
    expect(renewed.material.caKey).toBe(first.material.caKey);
    expect(renewed.material.cert).not.toBe(first.material.cert);
    expect(assessMaterial(renewed.material, options.requirements, later)).toEqual({ usable: true });
  });

  it('replaces a CA that is about to end, and broken material altogether', async () => {
    const secret = new MemorySecret();
    const oldCa = newCertificateAuthority(NOW - 3500 * DAY, 3650 * DAY);
    // The CA ends at NOW + 150 days and caps the serving certificate there: when that one comes
    // due, the CA cannot carry a new one for a whole validity any more.
    secret.put(issueServingCertificate(oldCa, options.requirements, NOW - 10 * DAY, 365 * DAY));
    expect((await ensureMaterial(secret, options)).renewedBecause).toBeUndefined();
    const replaced = await ensureMaterial(secret, { ...options, now: () => NOW + 130 * DAY });
    expect(replaced.newCa).toBe(true);
    expect(replaced.material.caCert).not.toBe(oldCa.caCert);

    secret.put({ caCert: 'junk', cert: 'junk' });
    const rebuilt = await ensureMaterial(secret, options);
    expect(rebuilt).toMatchObject({ renewedBecause: 'ca.crt is not a PEM certificate', newCa: true });
  });

  it('adopts the winner’s certificate after losing the create race', async () => {
    const secret = new MemorySecret();
    const winner = issueServingCertificate(newCertificateAuthority(NOW, 3650 * DAY), options.requirements, NOW, 365 * DAY);
    // Another replica creates the Secret between this one's read and its create.
    secret.afterRead = () => secret.put(winner);
    const ensured = await ensureMaterial(secret, options);
    expect(ensured.material).toEqual(winner);
    expect(ensured.renewedBecause).toBeUndefined();
    expect(secret.writes).toBe(1);
  });

  it('adopts the winner’s renewal after losing the update race', async () => {
    const secret = new MemorySecret();
    await ensureMaterial(secret, options);
    const later = NOW + 340 * DAY;
    const winner = await ensureMaterial(new MemorySecret(), { ...options, now: () => later });
    secret.afterRead = () => secret.put(winner.material);
    const ensured = await ensureMaterial(secret, { ...options, now: () => later });
    expect(ensured.material).toEqual(winner.material);
    expect(ensured.renewedBecause).toBeUndefined();
  });

  it('converges when many replicas start at once on an empty Secret', async () => {
    const secret = new MemorySecret();
    const all = await Promise.all(Array.from({ length: 5 }, () => ensureMaterial(secret, options)));
    expect(new Set(all.map((e) => e.material.cert)).size).toBe(1);
    expect(all.filter((e) => e.renewedBecause !== undefined)).toHaveLength(1);
    expect(secret.stored?.material.cert).toBe(all[0]?.material.cert);
  });

  it('gives up after losing every race, and passes other API errors through', async () => {
    const flapping = new MemorySecret();
    // Every read is followed by someone writing broken material: no attempt can win or adopt.
    const sabotage = (): void => {
      flapping.put({ caCert: 'junk' });
      flapping.afterRead = sabotage;
    };
    flapping.afterRead = sabotage;
    await expect(ensureMaterial(flapping, options)).rejects.toMatchObject({ code: 'RETRIES_EXHAUSTED' });

    const forbidden = new MemorySecret();
    forbidden.create = () => Promise.reject(new SpiderpoolError('FORBIDDEN', 'secrets is forbidden'));
    await expect(ensureMaterial(forbidden, options)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
