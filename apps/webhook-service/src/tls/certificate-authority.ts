// SPDX-License-Identifier: Apache-2.0
import { createPrivateKey, generateKeyPairSync, type KeyObject, X509Certificate } from 'node:crypto';
import { buildCertificate, selfIssuer } from './x509-certificate.ts';
import { issuerOf } from './x509-issuer.ts';

/** What the Secret holds: a CA and a serving certificate it signed, all PEM. */
export interface TlsMaterial {
  caCert: string;
  caKey: string;
  cert: string;
  key: string;
}

export interface ServingNames {
  dnsNames: readonly string[];
  ipAddresses: readonly string[];
}

/** Issued certificates start this much in the past, so that a peer whose clock lags still accepts them. */
export const BACKDATE_MS = 60 * 60 * 1000;

const CA_NAME = 'spiderpool-webhook-ca';

function newKeyPair(): { publicKey: KeyObject; privateKey: KeyObject } {
  // P-256: fast to generate (no prime search, unlike RSA), and every TLS stack speaks it.
  return generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
}

const pkcs8 = (key: KeyObject): string => key.export({ type: 'pkcs8', format: 'pem' }).toString();

/**
 * A new self-signed CA. Its name carries its creation time, so that an old and a new CA of a
 * rotation are told apart in logs and in a caBundle that holds both.
 */
export function newCertificateAuthority(now: number, validityMs: number): { caCert: string; caKey: string } {
  const { publicKey, privateKey } = newKeyPair();
  const commonName = `${CA_NAME}@${Math.floor(now / 1000)}`;
  const caCert = buildCertificate({
    commonName,
    publicKey,
    issuer: selfIssuer(commonName, privateKey, publicKey),
    notBefore: new Date(now - BACKDATE_MS),
    notAfter: new Date(now + validityMs),
    isCA: true,
  });
  return { caCert, caKey: pkcs8(privateKey) };
}

/** A serving certificate for `names`, signed by the CA; it never outlives the CA. */
export function issueServingCertificate(ca: { caCert: string; caKey: string }, names: ServingNames, now: number, validityMs: number): TlsMaterial {
  const caX509 = new X509Certificate(ca.caCert);
  const caPrivate = createPrivateKey(ca.caKey);
  const { publicKey, privateKey } = newKeyPair();
  const notAfter = Math.min(now + validityMs, caX509.validToDate.getTime());
  const cert = buildCertificate({
    commonName: names.dnsNames[0] ?? names.ipAddresses[0] ?? 'spiderpool-webhook',
    publicKey,
    issuer: issuerOf(caX509.raw, caX509.publicKey, caPrivate),
    notBefore: new Date(now - BACKDATE_MS),
    notAfter: new Date(notAfter),
    isCA: false,
    dnsNames: names.dnsNames,
    ipAddresses: names.ipAddresses,
  });
  return { caCert: ca.caCert, caKey: ca.caKey, cert, key: pkcs8(privateKey) };
}
