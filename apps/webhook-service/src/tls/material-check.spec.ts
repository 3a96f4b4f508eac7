// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { issueServingCertificate, newCertificateAuthority } from './certificate-authority.ts';
import { assessMaterial, type TlsRequirements } from './material-check.ts';

const DAY = 86_400_000;
const NOW = Date.UTC(2031, 0, 1);
const req: TlsRequirements = {
  dnsNames: ['spiderpool-webhook', 'spiderpool-webhook.spiderpool.svc'],
  ipAddresses: ['10.0.0.1'],
  renewBeforeMs: 30 * DAY,
  validityMs: 365 * DAY,
};
const ca = newCertificateAuthority(NOW, 3650 * DAY);
const good = issueServingCertificate(ca, req, NOW, req.validityMs);

describe('assessMaterial', () => {
  it('accepts a matching chain that covers every name and is outside the renewal window', () => {
    expect(assessMaterial(good, req, NOW)).toEqual({ usable: true });
    expect(assessMaterial(good, req, NOW + 300 * DAY)).toEqual({ usable: true });
  });

  it('renews inside the renewal window, keeping a CA that outlives the next certificate', () => {
    expect(assessMaterial(good, req, NOW + 340 * DAY)).toEqual({ usable: false, reason: expect.stringMatching(/within the renewal window/), reusableCa: true });
  });

  it('replaces a CA that would not outlive a new serving certificate', () => {
    const soonCa = newCertificateAuthority(NOW, 200 * DAY);
    const material = issueServingCertificate(soonCa, req, NOW, req.validityMs);
    // The serving certificate was capped at the CA's end, so it is the one found expiring.
    expect(assessMaterial(material, req, NOW + 180 * DAY)).toEqual({ usable: false, reason: expect.any(String), reusableCa: false });
    expect(assessMaterial(material, req, NOW + 201 * DAY)).toEqual({ usable: false, reason: 'ca.crt has expired', reusableCa: false });
  });

  it('asks for a new certificate when a required name is not covered', () => {
    const more = { ...req, dnsNames: [...req.dnsNames, 'spiderpool-webhook.other.svc'], ipAddresses: ['10.0.0.1', '10.0.0.2'] };
    expect(assessMaterial(good, more, NOW)).toEqual({
      usable: false,
      reason: 'tls.crt does not cover spiderpool-webhook.other.svc, 10.0.0.2',
      reusableCa: true,
    });
  });

  it.each([
    ['nothing stored', undefined, 'ca.crt is missing', false],
    ['no serving key', { ...good, key: undefined }, 'tls.key is missing', true],
    ['garbage certificate', { ...good, cert: 'not a pem' }, 'tls.crt is not a PEM certificate', true],
    ['garbage CA key', { ...good, caKey: 'nope' }, 'ca.key is not a PEM private key', false],
    ['swapped keys', { ...good, key: good.caKey }, 'tls.key does not match tls.crt', true],
    ['a CA key of another CA', { ...good, caKey: newCertificateAuthority(NOW, DAY).caKey }, 'ca.key does not match ca.crt', false],
    ['a serving certificate of another CA', { ...good, ...newCertificateAuthority(NOW, 3650 * DAY) }, 'tls.crt was not issued by ca.crt', true],
    ['a serving certificate as CA', { ...good, caCert: good.cert, caKey: good.key }, 'ca.crt is not a CA certificate', false],
  ])('refuses %s', (_what, material, reason, reusableCa) => {
    expect(assessMaterial(material as never, req, NOW)).toEqual({ usable: false, reason, reusableCa });
  });

  it('refuses a certificate that is not valid yet (issued by a clock far ahead)', () => {
    const ahead = issueServingCertificate(ca, req, NOW + 2 * DAY, req.validityMs);
    expect(assessMaterial(ahead, req, NOW)).toEqual({ usable: false, reason: expect.stringMatching(/not valid before/), reusableCa: true });
  });
});
