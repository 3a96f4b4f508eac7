// SPDX-License-Identifier: Apache-2.0
// The generated certificates judged by other implementations: the openssl command line (strict
// X.509 checks, its own chain building) and real TLS handshakes through Node's https.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, get, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { issueServingCertificate, newCertificateAuthority, type TlsMaterial } from './certificate-authority.ts';

const DAY = 86_400_000;
const names = { dnsNames: ['spiderpool-webhook', 'spiderpool-webhook.spiderpool.svc'], ipAddresses: ['127.0.0.1', '::1'] };
let dir: string;

const openssl = (...args: string[]): string => execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

function files(material: TlsMaterial, prefix: string): { ca: string; cert: string } {
  const ca = join(dir, `${prefix}-ca.crt`);
  const cert = join(dir, `${prefix}-tls.crt`);
  writeFileSync(ca, material.caCert);
  writeFileSync(cert, material.cert);
  return { ca, cert };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'spiderpool-tls-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('generated certificates under openssl', () => {
  const material = issueServingCertificate(newCertificateAuthority(Date.now(), 3650 * DAY), names, Date.now(), 365 * DAY);

  it('verify as a TLS server certificate with strict X.509 checks', () => {
    const f = files(material, 'strict');
    expect(openssl('verify', '-x509_strict', '-purpose', 'sslserver', '-CAfile', f.ca, f.cert).trim()).toBe(`${f.cert}: OK`);
    expect(openssl('verify', '-x509_strict', '-CAfile', f.ca, f.ca).trim()).toBe(`${f.ca}: OK`);
  });

  it('carry the extensions a CA and a serving certificate need', () => {
    const f = files(material, 'text');
    const ca = openssl('x509', '-in', f.ca, '-noout', '-text');
    expect(ca).toMatch(/Version: 3 \(0x2\)/);
    expect(ca).toMatch(/X509v3 Basic Constraints: critical\s+CA:TRUE/);
    expect(ca).toMatch(/X509v3 Key Usage: critical\s+Digital Signature, Certificate Sign, CRL Sign/);
    const leaf = openssl('x509', '-in', f.cert, '-noout', '-text');
    expect(leaf).toMatch(/Signature Algorithm: ecdsa-with-SHA256/);
    expect(leaf).toMatch(/X509v3 Basic Constraints: critical\s+CA:FALSE/);
    expect(leaf).toMatch(/X509v3 Key Usage: critical\s+Digital Signature/);
    expect(leaf).toMatch(/X509v3 Extended Key Usage:\s+TLS Web Server Authentication/);
    expect(leaf).toMatch(/DNS:spiderpool-webhook, DNS:spiderpool-webhook.spiderpool.svc, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1/);
    const ski = /Subject Key Identifier:\s+([0-9A-F:]+)/.exec(ca)?.[1];
    const aki = /Authority Key Identifier:\s+(?:keyid:)?([0-9A-F:]+)/.exec(leaf)?.[1];
    expect(ski).toMatch(/^([0-9A-F]{2}:){19}[0-9A-F]{2}$/);
    expect(aki).toBe(ski);
  });

  it('issue from a CA that openssl made, with a subject of several attributes', () => {
    const caKey = join(dir, 'foreign-ca.key');
    const caCert = join(dir, 'foreign-ca.crt');
    openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', caKey);
    openssl('req', '-x509', '-new', '-key', caKey, '-days', '30', '-subj', '/C=DE/O=Example Org/CN=Foreign CA',
      '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-out', caCert);
    const issued = issueServingCertificate({ caCert: readFileSync(caCert, 'utf8'), caKey: readFileSync(caKey, 'utf8') }, names, Date.now(), 365 * DAY);
    const f = files(issued, 'foreign');
    expect(openssl('verify', '-x509_strict', '-purpose', 'sslserver', '-CAfile', caCert, f.cert).trim()).toBe(`${f.cert}: OK`);
    expect(openssl('x509', '-in', f.cert, '-noout', '-issuer').trim()).toBe('issuer=C = DE, O = Example Org, CN = Foreign CA');
  });
});

describe('TLS handshakes with generated certificates', () => {
  const first = issueServingCertificate(newCertificateAuthority(Date.now(), 3650 * DAY), names, Date.now(), 365 * DAY);
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = createServer({ cert: first.cert, key: first.key }, (_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  /** One fresh connection (no agent, no session reuse); answers the body and the peer certificate's fingerprint. */
  function call(ca: string, servername: string | undefined): Promise<{ body: string; fingerprint: string }> {
    return new Promise((resolve, reject) => {
      const req = get({ host: '127.0.0.1', port, path: '/', ca, servername, agent: false }, (res) => {
        const fingerprint = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ body, fingerprint }));
      });
      req.on('error', reject);
    });
  }

  it('succeed with the CA as the only trusted root, by DNS name and by IP', async () => {
    await expect(call(first.caCert, 'spiderpool-webhook.spiderpool.svc')).resolves.toMatchObject({ body: 'ok' });
    await expect(call(first.caCert, undefined)).resolves.toMatchObject({ body: 'ok' });
  });

  it('fail for a name the certificate does not cover, and under another CA', async () => {
    await expect(call(first.caCert, 'other.spiderpool.svc')).rejects.toMatchObject({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
    const stranger = newCertificateAuthority(Date.now(), DAY).caCert;
    await expect(call(stranger, 'spiderpool-webhook.spiderpool.svc')).rejects.toThrow();
  });

  it('present a swapped certificate to new connections without restarting the server', async () => {
    const renewed = issueServingCertificate({ caCert: first.caCert, caKey: first.caKey }, names, Date.now(), 365 * DAY);
    const before = await call(first.caCert, 'spiderpool-webhook');
    server.setSecureContext({ cert: renewed.cert, key: renewed.key });
    const after = await call(first.caCert, 'spiderpool-webhook');
    expect(after.body).toBe('ok');
    expect(after.fingerprint).not.toBe(before.fingerprint);
    expect(after.fingerprint).toBe(new X509Certificate(renewed.cert).fingerprint256);
  });
});
