// SPDX-License-Identifier: Apache-2.0
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Pki {
  dir: string;
  caCert: string;
  caKey: string;
  apiserverCert: string;
  apiserverKey: string;
  adminCert: string;
  adminKey: string;
  saKey: string;
  saPub: string;
}

/**
 * A throwaway PKI for the test bed, made with the openssl CLI (Node's crypto cannot mint
 * X.509 certificates). EC P-256 keys keep generation fast. Certificates are valid for two days
 * and only for loopback names.
 */
export function createPki(dir: string): Pki {
  mkdirSync(dir, { recursive: true });
  const p = (name: string): string => join(dir, name);
  const openssl = (...args: string[]): void => {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  };
  const ecKey = (file: string): void => openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', file);

  ecKey(p('ca.key'));
  openssl('req', '-x509', '-new', '-key', p('ca.key'), '-days', '2', '-subj', '/CN=spiderpool-testbed-ca', '-out', p('ca.crt'));

  const issue = (name: string, subject: string, extensions: string[]): void => {
    ecKey(p(`${name}.key`));
    openssl('req', '-new', '-key', p(`${name}.key`), '-subj', subject, '-out', p(`${name}.csr`));
    writeFileSync(p(`${name}.ext`), `${extensions.join('\n')}\n`);
    openssl('x509', '-req', '-in', p(`${name}.csr`), '-CA', p('ca.crt'), '-CAkey', p('ca.key'), '-CAcreateserial',
      '-days', '2', '-extfile', p(`${name}.ext`), '-out', p(`${name}.crt`));
  };
  issue('apiserver', '/CN=kube-apiserver', [
    'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default.svc',
    'extendedKeyUsage=serverAuth',
    'keyUsage=digitalSignature,keyEncipherment',
  ]);
  issue('admin', '/O=system:masters/CN=testbed-admin', ['extendedKeyUsage=clientAuth', 'keyUsage=digitalSignature']);

  ecKey(p('sa.key'));
  openssl('ec', '-in', p('sa.key'), '-pubout', '-out', p('sa.pub'));

  return {
    dir,
    caCert: p('ca.crt'),
    caKey: p('ca.key'),
    apiserverCert: p('apiserver.crt'),
    apiserverKey: p('apiserver.key'),
    adminCert: p('admin.crt'),
    adminKey: p('admin.key'),
    saKey: p('sa.key'),
    saPub: p('sa.pub'),
  };
}

/** Issues a serving certificate for loopback from the test-bed CA (e.g. for webhooks). */
export function issueServingCert(pki: Pki, name: string): { cert: string; key: string } {
  const key = join(pki.dir, `${name}.key`);
  const csr = join(pki.dir, `${name}.csr`);
  const ext = join(pki.dir, `${name}.ext`);
  const cert = join(pki.dir, `${name}.crt`);
  const run = (...args: string[]): void => {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  };
  run('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', key);
  run('req', '-new', '-key', key, '-subj', `/CN=${name}`, '-out', csr);
  writeFileSync(ext, 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  run('x509', '-req', '-in', csr, '-CA', pki.caCert, '-CAkey', pki.caKey, '-CAcreateserial', '-days', '2', '-extfile', ext, '-out', cert);
  return { cert, key };
}
