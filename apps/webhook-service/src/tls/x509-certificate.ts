// SPDX-License-Identifier: Apache-2.0
// An X.509 v3 certificate builder (RFC 5280) for exactly what webhook serving needs: a CA and
// serving certificates signed by it. Node's crypto signs and verifies but cannot build
// certificates; the encoding is small enough to own (see ADR 0006).
import { createHash, randomBytes, sign, type KeyObject } from 'node:crypto';
import { SpiderpoolError } from '@spiderpool/errors';
import { bitString, boolean, explicit, implicit, namedBits, nullValue, octetString, oid, readElement, sequence, set, time, unsignedInteger, utf8String } from './der.ts';
import { ipBytes } from './ip-bytes.ts';

export const OID = {
  commonName: '2.5.4.3',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
} as const;

/** KeyUsage bit positions (RFC 5280 4.2.1.3). */
const KeyUsage = { digitalSignature: 0, keyEncipherment: 2, keyCertSign: 5, cRLSign: 6 } as const;

export interface CertificateIssuer {
  /** The issuer's subject Name, DER: copied byte for byte, since chain building compares bytes. */
  name: Buffer;
  /** The issuer's subject key identifier: the new certificate's authority key identifier. */
  keyIdentifier: Buffer;
  privateKey: KeyObject;
}

export interface CertificateSpec {
  commonName: string;
  publicKey: KeyObject;
  /** Who signs; for a self-signed CA, the CA itself. */
  issuer: CertificateIssuer;
  notBefore: Date;
  notAfter: Date;
  isCA: boolean;
  dnsNames?: readonly string[];
  ipAddresses?: readonly string[];
  /** 1 to 20 bytes; random (positive, 16 bytes) when absent. */
  serialNumber?: Buffer;
}

/** Encodes and signs the certificate; answers PEM. */
export function buildCertificate(spec: CertificateSpec): string {
  if (spec.notAfter.getTime() <= spec.notBefore.getTime()) {
    throw new SpiderpoolError('INVALID_INPUT', `certificate ${spec.commonName} would end (${spec.notAfter.toISOString()}) before it starts`);
  }
  const algorithm = signatureAlgorithm(spec.issuer.privateKey);
  const tbs = sequence(
    explicit(0, unsignedInteger(2)),
    unsignedInteger(spec.serialNumber ?? randomSerial()),
    algorithm.identifier,
    spec.issuer.name,
    sequence(time(spec.notBefore), time(spec.notAfter)),
    commonNameName(spec.commonName),
    spec.publicKey.export({ type: 'spki', format: 'der' }),
    explicit(3, sequence(...extensions(spec))),
  );
  const signature = algorithm.sign(tbs);
  return toPem(sequence(tbs, algorithm.identifier, bitString(signature)));
}

function extensions(spec: CertificateSpec): Buffer[] {
  const list = [
    extension(OID.basicConstraints, true, spec.isCA ? sequence(boolean(true)) : sequence()),
    extension(OID.keyUsage, true, namedBits(keyUsageBits(spec))),
    extension(OID.subjectKeyIdentifier, false, octetString(keyIdentifier(spec.publicKey))),
    extension(OID.authorityKeyIdentifier, false, sequence(implicit(0, spec.issuer.keyIdentifier))),
  ];
  if (!spec.isCA) list.push(extension(OID.extKeyUsage, false, sequence(oid(OID.serverAuth))));
  const altNames = subjectAltNames(spec);
  if (altNames.length > 0) list.push(extension(OID.subjectAltName, false, sequence(...altNames)));
  return list;
}

function keyUsageBits(spec: CertificateSpec): number[] {
  if (spec.isCA) return [KeyUsage.digitalSignature, KeyUsage.keyCertSign, KeyUsage.cRLSign];
  // RSA key exchange encrypts the pre-master secret with the key; ECDHE with an EC key only signs.
  return spec.publicKey.asymmetricKeyType === 'rsa' ? [KeyUsage.digitalSignature, KeyUsage.keyEncipherment] : [KeyUsage.digitalSignature];
}

/** GeneralName dNSName is [2] IA5String, iPAddress is [7] OCTET STRING, both IMPLICIT. */
function subjectAltNames(spec: CertificateSpec): Buffer[] {
  const dns = (spec.dnsNames ?? []).map((n) => implicit(2, Buffer.from(asciiDnsName(n), 'ascii')));
  const ips = (spec.ipAddresses ?? []).map((ip) => implicit(7, ipBytes(ip)));
  return [...dns, ...ips];
}

function asciiDnsName(value: string): string {
  if (!/^[A-Za-z0-9*]([A-Za-z0-9.*-]*[A-Za-z0-9])?$/.test(value)) {
    throw new SpiderpoolError('INVALID_INPUT', `DNS name "${value}" is not an ASCII host name`, { field: 'SPIDERPOOL_TLS_DNS_NAMES' });
  }
  return value;
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  // DER omits a BOOLEAN that equals its DEFAULT (critical FALSE).
  return critical ? sequence(oid(id), boolean(true), octetString(value)) : sequence(oid(id), octetString(value));
}

/** A Name with a single CN attribute, the only subject this builder makes. */
export function commonNameName(commonName: string): Buffer {
  return sequence(set(sequence(oid(OID.commonName), utf8String(commonName))));
}

/** A self-signed certificate's issuer: itself. */
export function selfIssuer(commonName: string, privateKey: KeyObject, publicKey: KeyObject): CertificateIssuer {
  return { name: commonNameName(commonName), keyIdentifier: keyIdentifier(publicKey), privateKey };
}

/**
/** RFC 5280 4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING's bits. */
export function keyIdentifier(publicKey: KeyObject): Buffer {
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const outer = readElement(spki, 0);
  const algorithm = readElement(spki, outer.contentStart);
  const key = readElement(spki, algorithm.end);
  return createHash('sha1').update(spki.subarray(key.contentStart + 1, key.end)).digest();
}

function signatureAlgorithm(key: KeyObject): { identifier: Buffer; sign: (data: Buffer) => Buffer } {
  if (key.asymmetricKeyType === 'ec') {
    return { identifier: sequence(oid(OID.ecdsaWithSha256)), sign: (data) => sign('sha256', data, { key, dsaEncoding: 'der' }) };
  }
  if (key.asymmetricKeyType === 'rsa') {
    return { identifier: sequence(oid(OID.sha256WithRsa), nullValue()), sign: (data) => sign('sha256', data, key) };
  }
  throw new SpiderpoolError('NOT_SUPPORTED', `signing certificates with a ${key.asymmetricKeyType} key`);
}

function randomSerial(): Buffer {
  const serial = randomBytes(16);
  // Positive and exactly 16 bytes long: clear the sign bit, set the next one.
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x40;
  return serial;
}

export function toPem(der: Buffer, label = 'CERTIFICATE'): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
