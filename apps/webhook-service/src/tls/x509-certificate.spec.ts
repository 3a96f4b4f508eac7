// SPDX-License-Identifier: Apache-2.0
// Certificates checked by an independent parser and verifier: Node's X509Certificate (OpenSSL
// underneath). openssl's own verify and a real TLS handshake are in tls-handshake.int.ts.
import { describe, expect, it } from '@jest/globals';
import { createPrivateKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { issueServingCertificate, newCertificateAuthority } from './certificate-authority.ts';
import { buildCertificate, commonNameName, keyIdentifier, selfIssuer } from './x509-certificate.ts';
import { issuerOf } from './x509-issuer.ts';

const NOW = Date.UTC(2031, 2, 4, 5, 6, 7);
const YEAR = 365 * 86_400_000;
const names = { dnsNames: ['spiderpool-webhook', 'spiderpool-webhook.spiderpool.svc'], ipAddresses: ['127.0.0.1', '2001:db8::7'] };

describe('X.509 certificates', () => {
  const ca = newCertificateAuthority(NOW, 10 * YEAR);
  const caX509 = new X509Certificate(ca.caCert);

  it('makes a self-signed CA that verifies with its own key', () => {
    expect(caX509.ca).toBe(true);
    expect(caX509.subject).toBe(`CN=spiderpool-webhook-ca@${Math.floor(NOW / 1000)}`);
    expect(caX509.issuer).toBe(caX509.subject);
    expect(caX509.verify(caX509.publicKey)).toBe(true);
    expect(caX509.checkIssued(caX509)).toBe(true);
    expect(caX509.checkPrivateKey(createPrivateKey(ca.caKey))).toBe(true);
    // Ten years from 2031 needs GeneralizedTime past 2049: both encodings parse back exactly.
    expect(caX509.validToDate.getTime()).toBe(Math.floor((NOW + 10 * YEAR) / 1000) * 1000);
    expect(caX509.validFromDate.getTime()).toBe(Math.floor((NOW - 3_600_000) / 1000) * 1000);
  });

  it('issues a serving certificate for every DNS name and IP, signed by the CA', () => {
    const material = issueServingCertificate(ca, names, NOW, YEAR);
    const leaf = new X509Certificate(material.cert);
    expect(leaf.ca).toBe(false);
    expect(leaf.checkIssued(caX509)).toBe(true);
    expect(leaf.verify(caX509.publicKey)).toBe(true);
    expect(leaf.checkPrivateKey(createPrivateKey(material.key))).toBe(true);
    expect(leaf.subject).toBe('CN=spiderpool-webhook');
    expect(leaf.issuer).toBe(caX509.subject);
    expect(leaf.subjectAltName).toBe('DNS:spiderpool-webhook, DNS:spiderpool-webhook.spiderpool.svc, IP Address:127.0.0.1, IP Address:2001:DB8:0:0:0:0:0:7');
    expect(leaf.checkHost('spiderpool-webhook.spiderpool.svc', { subject: 'never' })).toBe('spiderpool-webhook.spiderpool.svc');
    expect(leaf.checkHost('other.svc')).toBeUndefined();
    expect(leaf.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(leaf.checkIP('2001:db8::7')).toBe('2001:db8::7');
    expect(leaf.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(leaf.validToDate.getTime()).toBe(Math.floor((NOW + YEAR) / 1000) * 1000);
    expect(leaf.serialNumber).toMatch(/^[4-7][0-9A-F]{31}$/);
    expect(material.caCert).toBe(ca.caCert);
  });

  it('never lets a serving certificate outlive its CA', () => {
    const shortCa = newCertificateAuthority(NOW, 30 * 86_400_000);
    const leaf = new X509Certificate(issueServingCertificate(shortCa, names, NOW, YEAR).cert);
    expect(leaf.validToDate.getTime()).toBe(new X509Certificate(shortCa.caCert).validToDate.getTime());
  });

  it('does not verify against another CA', () => {
    const other = new X509Certificate(newCertificateAuthority(NOW, YEAR).caCert);
    const leaf = new X509Certificate(issueServingCertificate(ca, names, NOW, YEAR).cert);
    expect(leaf.verify(other.publicKey)).toBe(false);
  });

  it('signs with an RSA CA too (sha256WithRSAEncryption)', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const rsaCa = new X509Certificate(buildCertificate({
      commonName: 'rsa-ca',
      publicKey: rsa.publicKey,
      issuer: selfIssuer('rsa-ca', rsa.privateKey, rsa.publicKey),
      notBefore: new Date(NOW),
      notAfter: new Date(NOW + YEAR),
      isCA: true,
    }));
    expect(rsaCa.verify(rsa.publicKey)).toBe(true);
    const leafKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const leaf = new X509Certificate(buildCertificate({
      commonName: 'rsa-leaf',
      publicKey: leafKeys.publicKey,
      issuer: issuerOf(rsaCa.raw, rsa.publicKey, rsa.privateKey),
      notBefore: new Date(NOW),
      notAfter: new Date(NOW + YEAR),
      isCA: false,
      dnsNames: ['rsa.example'],
    }));
    expect(leaf.checkIssued(rsaCa)).toBe(true);
    expect(leaf.verify(rsa.publicKey)).toBe(true);
  });

  it('takes the issuer name and key identifier from the CA certificate itself', () => {
    const issuer = issuerOf(caX509.raw, caX509.publicKey, createPrivateKey(ca.caKey));
    expect(issuer.name.equals(commonNameName(`spiderpool-webhook-ca@${Math.floor(NOW / 1000)}`))).toBe(true);
    expect(issuer.keyIdentifier.equals(keyIdentifier(caX509.publicKey))).toBe(true);
    expect(issuer.keyIdentifier).toHaveLength(20);
  });

  it('refuses what it cannot encode or sign', () => {
    const keys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const base = { commonName: 'x', publicKey: keys.publicKey, issuer: selfIssuer('x', keys.privateKey, keys.publicKey), notBefore: new Date(NOW), notAfter: new Date(NOW + YEAR), isCA: false };
    expect(() => buildCertificate({ ...base, dnsNames: ['bad name'] })).toThrow(/not an ASCII host name/);
    expect(() => buildCertificate({ ...base, ipAddresses: ['300.1.1.1'] })).toThrow(/IPv4 or IPv6/);
    expect(() => buildCertificate({ ...base, notAfter: new Date(NOW) })).toThrow(/before it starts/);
    const ed = generateKeyPairSync('ed25519');
    expect(() => buildCertificate({ ...base, issuer: selfIssuer('x', ed.privateKey, ed.publicKey) })).toThrow(/ed25519/);
  });
});
