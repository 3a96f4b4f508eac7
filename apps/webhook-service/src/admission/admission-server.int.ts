// SPDX-License-Identifier: Apache-2.0
// The admission server in this process, with small test kinds, registered with the test bed's
// real kube-apiserver: proves that the API server accepts our AdmissionReview answers as they
// are — applies our JSON patch, passes our 422 denial and our fail-closed 500 on to the client —
// and that a swapped serving certificate is what new TLS connections get.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { apiStatusCode, KubeClient, loadKubeConfig, type KubeObject, type ResourceRef } from '@spiderpool/k8s';
import { Registry, createLogger } from '@spiderpool/observability';
import { createAdmissionMetrics } from './admission-metrics.ts';
import { createAdmissionServer, type AdmissionServer } from './admission-server.ts';
import type { AdmissionContext, KindAdmission } from './admission-types.ts';
import { SharedClaimRegistry } from './claim-registry.ts';

const ADMISSION = '/apis/admissionregistration.k8s.io/v1';
const MUTATING: ResourceRef = { base: ADMISSION, plural: 'mutatingwebhookconfigurations', namespaced: false };
const VALIDATING: ResourceRef = { base: ADMISSION, plural: 'validatingwebhookconfigurations', namespaced: false };
const RESERVED: ResourceRef = { base: '/apis/spiderpool.spidernet.io/v2beta1', plural: 'spiderreservedips', namespaced: false };

interface Reserved extends KubeObject {
  spec: { ipVersion?: number; ips: string[] };
}

/** Test kind: marks what it admits, refuses one address, throws on another. */
const reservedAdmission: KindAdmission<Reserved> = {
  kind: 'SpiderReservedIP',
  mutate(req) {
    const object = req.object as Reserved;
    object.metadata = { ...object.metadata, annotations: { ...object.metadata?.annotations, 'example.com/admitted-by': 'int-test' } };
    object.spec.ipVersion ??= object.spec.ips[0]?.includes(':') ? 6 : 4;
    return object;
  },
  validate(req) {
    const ips = req.object?.spec.ips ?? [];
    if (ips.includes('2001:db8::bad')) throw new Error('rule exploded');
    return ips.flatMap((ip, i) => (ip === '2001:db8::dead' ? [{ field: `spec.ips[${i}]`, value: ip, id: 'no-dead', rule: 'must not be the reserved test address' }] : []));
  },
};

const context: AdmissionContext = {
  list: async () => [],
  get: async () => undefined,
  settings: { protectInUseDeletion: true },
  claims: new SharedClaimRegistry(),
};

let dir: string;
let kube: KubeClient;
let server: AdmissionServer;
let port: number;
const suffix = `${process.pid.toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
const label = { 'spiderpool.spidernet.io/webhook-test': `int-${suffix}` };
const configName = `int-${suffix}.spiderpool.spidernet.io`;

function selfSigned(name: string): { cert: string; key: string } {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert,
    '-days', '1', '-subj', `/CN=${name}`, '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: ['ignore', 'ignore', 'pipe'] });
  return { cert: readFileSync(cert, 'utf8'), key: readFileSync(key, 'utf8') };
}

function webhook(path: string, caPem: string, operations: string[]): Record<string, unknown> {
  return {
    name: `${path}.${configName}`,
    clientConfig: { url: `https://127.0.0.1:${port}/${path}`, caBundle: Buffer.from(caPem).toString('base64') },
    rules: [{ apiGroups: ['spiderpool.spidernet.io'], apiVersions: ['v2beta1'], resources: ['spiderreservedips'], operations, scope: '*' }],
    failurePolicy: 'Fail',
    sideEffects: 'None',
    admissionReviewVersions: ['v1'],
    timeoutSeconds: 10,
    objectSelector: { matchLabels: label },
  };
}

async function createReserved(ips: string[]): Promise<Reserved> {
  const name = `int-${suffix}-${Math.random().toString(36).slice(2, 8)}`;
  return kube.create<Reserved>(RESERVED, { apiVersion: 'spiderpool.spidernet.io/v2beta1', kind: 'SpiderReservedIP', metadata: { name, labels: label }, spec: { ips } });
}

async function failureOf(work: Promise<unknown>): Promise<{ status: number | undefined; message: string }> {
  try {
    await work;
  } catch (err) {
    return { status: apiStatusCode((err as Error).cause), message: (err as Error).message };
  }
  throw new Error('expected the API server to refuse');
}

beforeAll(async () => {
  const stateFile = process.env['SPIDERPOOL_TESTBED_STATE'];
  if (!stateFile) throw new Error('SPIDERPOOL_TESTBED_STATE is not set: run through the jest "integration" project');
  const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { kubeconfig: string };
  dir = mkdtempSync(join(tmpdir(), 'spiderpool-admission-int-'));
  kube = await KubeClient.create(loadKubeConfig(state.kubeconfig));
  const serving = selfSigned('first');
  server = createAdmissionServer({
    kinds: [reservedAdmission],
    context,
    metrics: createAdmissionMetrics(new Registry()),
    logger: createLogger({ service: 'int', level: 'silent' }),
    tls: serving,
  });
  port = await server.listen('127.0.0.1', 0);
  await kube.create(MUTATING, { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: { name: configName }, webhooks: [webhook('mutate', serving.cert, ['CREATE', 'UPDATE'])] } as KubeObject);
  await kube.create(VALIDATING, { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: { name: configName }, webhooks: [webhook('validate', serving.cert, ['CREATE', 'UPDATE'])] } as KubeObject);
  // The API server loads new configurations asynchronously: wait until one is applied.
  const deadline = Date.now() + 30_000;
  for (;;) {
    const probe = await kube.request<Reserved>('POST', `${kube.path(RESERVED)}?dryRun=All`, { apiVersion: 'spiderpool.spidernet.io/v2beta1', kind: 'SpiderReservedIP', metadata: { name: `int-${suffix}-probe`, labels: label }, spec: { ips: ['2001:db8::1'] } });
    if (probe.metadata?.annotations?.['example.com/admitted-by']) break;
    if (Date.now() > deadline) throw new Error('the API server never called the webhook');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
});

afterAll(async () => {
  await kube?.request('DELETE', `${kube.path(RESERVED)}?labelSelector=${encodeURIComponent(`spiderpool.spidernet.io/webhook-test=int-${suffix}`)}`).catch(() => undefined);
  await Promise.all([kube?.delete(MUTATING, configName).catch(() => undefined), kube?.delete(VALIDATING, configName).catch(() => undefined)]);
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('AdmissionReview answers as the real kube-apiserver takes them', () => {
  it('applies our JSON patch (escaped annotation key, defaulted field) before storing', async () => {
    const stored = await createReserved(['2001:db8::1']);
    expect(stored.metadata?.annotations).toEqual({ 'example.com/admitted-by': 'int-test' });
    expect(stored.spec.ipVersion).toBe(6);
  });

  it('passes our 422 denial and its message on to the client', async () => {
    const refused = await failureOf(createReserved(['2001:db8::1', '2001:db8::dead']));
    expect(refused.status).toBe(422);
    expect(refused.message).toContain(`admission webhook "validate.${configName}" denied the request: SpiderReservedIP int-${suffix}-`);
    expect(refused.message).toContain('spec.ips[1]: value "2001:db8::dead" must not be the reserved test address [no-dead]');
  });

  it('fails closed with a 500 when the kind logic throws', async () => {
    const refused = await failureOf(createReserved(['2001:db8::bad']));
    expect(refused.status).toBe(500);
    expect(refused.message).toContain('admission failed: internal error: rule exploded');
  });
});

describe('certificate rotation', () => {
  function handshake(ca: string): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, ca }, () => {
        resolve(socket.getPeerX509Certificate()?.fingerprint256 ?? '');
        socket.end();
      });
      socket.on('error', reject);
    });
  }

  it('serves a swapped certificate on new connections without a restart', async () => {
    const first = readFileSync(join(dir, 'first.crt'), 'utf8');
    expect(await handshake(first)).toBe(new X509Certificate(first).fingerprint256);
    const second = selfSigned('second');
    server.setCertificate(second);
    expect(await handshake(second.cert)).toBe(new X509Certificate(second.cert).fingerprint256);
    await expect(handshake(first)).rejects.toThrow();
  });
});
