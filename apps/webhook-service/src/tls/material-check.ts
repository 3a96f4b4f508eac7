// SPDX-License-Identifier: Apache-2.0
import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import type { ServingNames, TlsMaterial } from './certificate-authority.ts';

export interface TlsRequirements extends ServingNames {
  /** A serving certificate this close to its end is replaced. */
  renewBeforeMs: number;
  /** Lifetime of a new serving certificate. */
  validityMs: number;
}

export type Verdict =
  | { usable: true }
  | {
      usable: false;
      reason: string;
      /** The CA (certificate and key) is sound and outlives a new serving certificate: issue from it. */
      reusableCa: boolean;
    };

type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * Whether stored material can serve as is. Anything short of a matching, unexpired chain that
 * covers every required name is "not usable", with the reason for the log; whether the CA can
 * be kept decides between a serving-certificate renewal (caBundle unchanged) and a new CA.
 */
export function assessMaterial(material: Partial<TlsMaterial> | undefined, req: TlsRequirements, now: number): Verdict {
  const ca = parseCa(material, now);
  if (!ca.ok) return { usable: false, reason: ca.reason, reusableCa: false };
  const reusableCa = ca.value.cert.validToDate.getTime() - now > req.validityMs;
  const leaf = checkLeaf(material, ca.value.cert, req, now);
  return leaf === undefined ? { usable: true } : { usable: false, reason: leaf, reusableCa };
}

function parseCa(material: Partial<TlsMaterial> | undefined, now: number): Parsed<{ cert: X509Certificate; key: KeyObject }> {
  const cert = parseCertificate(material?.caCert, 'ca.crt');
  if (!cert.ok) return cert;
  const key = parseKey(material?.caKey, 'ca.key');
  if (!key.ok) return key;
  if (!cert.value.ca) return { ok: false, reason: 'ca.crt is not a CA certificate' };
  if (!cert.value.checkPrivateKey(key.value)) return { ok: false, reason: 'ca.key does not match ca.crt' };
  if (cert.value.validToDate.getTime() <= now) return { ok: false, reason: 'ca.crt has expired' };
  return { ok: true, value: { cert: cert.value, key: key.value } };
}

/** Undefined when the serving certificate is fine, else why not. */
function checkLeaf(material: Partial<TlsMaterial> | undefined, ca: X509Certificate, req: TlsRequirements, now: number): string | undefined {
  const cert = parseCertificate(material?.cert, 'tls.crt');
  if (!cert.ok) return cert.reason;
  const key = parseKey(material?.key, 'tls.key');
  if (!key.ok) return key.reason;
  const leaf = cert.value;
  if (!leaf.checkPrivateKey(key.value)) return 'tls.key does not match tls.crt';
  if (!leaf.checkIssued(ca) || !leaf.verify(ca.publicKey)) return 'tls.crt was not issued by ca.crt';
  if (leaf.validFromDate.getTime() > now) return `tls.crt is not valid before ${leaf.validFromDate.toISOString()}`;
  if (leaf.validToDate.getTime() - now <= req.renewBeforeMs) return `tls.crt ends ${leaf.validToDate.toISOString()}, within the renewal window`;
  const missing = missingNames(leaf, req);
  return missing.length > 0 ? `tls.crt does not cover ${missing.join(', ')}` : undefined;
}

/** Required names the certificate's subjectAltName does not cover (the subject CN never counts). */
export function missingNames(cert: X509Certificate, names: ServingNames): string[] {
  const dns = names.dnsNames.filter((name) => cert.checkHost(name, { subject: 'never' }) === undefined);
  const ips = names.ipAddresses.filter((ip) => cert.checkIP(ip) === undefined);
  return [...dns, ...ips];
}

function parseCertificate(pem: string | undefined, what: string): Parsed<X509Certificate> {
  if (!pem) return { ok: false, reason: `${what} is missing` };
  try {
    return { ok: true, value: new X509Certificate(pem) };
  } catch {
    return { ok: false, reason: `${what} is not a PEM certificate` };
  }
}

function parseKey(pem: string | undefined, what: string): Parsed<KeyObject> {
  if (!pem) return { ok: false, reason: `${what} is missing` };
  try {
    return { ok: true, value: createPrivateKey(pem) };
  } catch {
    return { ok: false, reason: `${what} is not a PEM private key` };
  }
}
