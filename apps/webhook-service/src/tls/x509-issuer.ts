// SPDX-License-Identifier: Apache-2.0
// Reading just enough of an existing CA certificate to issue from it, whoever produced it.
import type { KeyObject } from 'node:crypto';
import { SpiderpoolError } from '@spiderpool/errors';
import { oid, readElement, type DerElement } from './der.ts';
import { keyIdentifier, OID, type CertificateIssuer } from './x509-certificate.ts';

/**
 * The issuer data of an existing CA certificate (any producer): its raw subject, and its
 * subject key identifier when it has one (else one computed from its key, as RFC 5280 4.2.1.2).
 */
export function issuerOf(caDer: Buffer, caPublicKey: KeyObject, privateKey: KeyObject): CertificateIssuer {
  const fields = tbsFields(caDer);
  const subject = fields[5];
  if (!subject) throw new SpiderpoolError('INVALID_INPUT', 'CA certificate has no subject');
  const ski = extensionValue(caDer, fields, OID.subjectKeyIdentifier);
  const keyId = ski ? contentOf(ski) : keyIdentifier(caPublicKey);
  return { name: caDer.subarray(subject.start, subject.end), keyIdentifier: keyId, privateKey };
}

/** The TBSCertificate's fields, always [version, serial, signature, issuer, validity, subject, spki, ...]. */
function tbsFields(der: Buffer): DerElement[] {
  const certificate = readElement(der, 0);
  const tbs = readElement(der, certificate.contentStart);
  const fields: DerElement[] = [];
  for (let at = tbs.contentStart; at < tbs.end; at = fields[fields.length - 1]?.end ?? tbs.end) fields.push(readElement(der, at));
  // Index 5 is the subject whether or not a version field leads: pad the v1 form.
  if (fields[0]?.tag !== 0xa0) fields.unshift({ tag: 0xa0, start: tbs.contentStart, contentStart: tbs.contentStart, end: tbs.contentStart });
  return fields;
}

function extensionValue(der: Buffer, fields: DerElement[], id: string): Buffer | undefined {
  const wrapper = fields.find((f) => f.tag === 0xa3);
  if (!wrapper) return undefined;
  const list = readElement(der, wrapper.contentStart);
  const wanted = oid(id);
  for (let at = list.contentStart; at < list.end; at = readElement(der, at).end) {
    const ext = readElement(der, at);
    const extOid = readElement(der, ext.contentStart);
    if (!der.subarray(extOid.start, extOid.end).equals(wanted)) continue;
    // extnValue is the last member (after an optional critical flag): an OCTET STRING around the value.
    let last = extOid;
    while (last.end < ext.end) last = readElement(der, last.end);
    return der.subarray(last.contentStart, last.end);
  }
  return undefined;
}

/** The content of the single TLV in `der`. */
function contentOf(der: Buffer): Buffer {
  const element = readElement(der, 0);
  return der.subarray(element.contentStart, element.end);
}
