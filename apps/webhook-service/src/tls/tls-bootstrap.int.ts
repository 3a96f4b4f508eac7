// SPDX-License-Identifier: Apache-2.0
// TLS bootstrap against the test bed's real kube-apiserver: the Secret, caBundle patching of a
// ValidatingWebhookConfiguration made by this test, convergence of replicas, renewal, and the
// API server itself calling a webhook server that serves the bootstrapped certificate.
//
// The webhook configurations only ever match objects of this file's own namespace carrying this
// file's own label, and fail open (failurePolicy Ignore), so they never affect other tests.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes, X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSpiderpoolError } from '@spiderpool/errors';
import { KubeClient, loadKubeConfig, Resources, type KubeObject } from '@spiderpool/k8s';
import { loadWebhookServiceConfig } from '../config.ts';
import { certificatesOf } from './ca-bundle.ts';
import { issueServingCertificate, newCertificateAuthority, type TlsMaterial } from './certificate-authority.ts';
import { startTlsBootstrap, type TlsBootstrap } from './index.ts';
import { recordingLogger } from './test-fakes.ts';
import type { WebhookConfiguration } from './webhook-configurations.ts';

const DAY = 86_400_000;
const DENIAL = 'denied by the TLS bootstrap test webhook';
const LABEL = 'tls-bootstrap-test';

let client: KubeClient;
let namespace: string;
const bootstraps: TlsBootstrap[] = [];
const servers: Server[] = [];
const configurations: string[] = [];
let tmp: string;

function testbedKubeconfig(): string {
  const file = process.env['SPIDERPOOL_TESTBED_STATE'];
  if (!file) throw new Error('SPIDERPOOL_TESTBED_STATE is not set: run through the jest "integration" project');
  return (JSON.parse(readFileSync(file, 'utf8')) as { kubeconfig: string }).kubeconfig;
}

const unique = (prefix: string): string => `${prefix}-${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  client = await KubeClient.create(loadKubeConfig(testbedKubeconfig()));
  namespace = unique('tls-bootstrap');
  await client.create(Resources.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  tmp = mkdtempSync(join(tmpdir(), 'spiderpool-tls-int-'));
});

afterAll(async () => {
  await Promise.all(bootstraps.splice(0).map((b) => b.stop()));
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
  for (const name of configurations) await client.delete(Resources.validatingWebhookConfigurations, name).catch(() => {});
  await client?.delete(Resources.namespaces, namespace);
  rmSync(tmp, { recursive: true, force: true });
});

/**
 * Two webhooks: one that can never be called (dummy URL, a selector that matches nothing), and
 * one that denies ConfigMaps labelled `LABEL=deny` in this file's namespace, served by `port`.
 */
async function createConfiguration(name: string, port: number): Promise<void> {
  configurations.push(name);
  const common = {
    sideEffects: 'None',
    admissionReviewVersions: ['v1'],
    failurePolicy: 'Ignore',
    timeoutSeconds: 5,
    rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'], scope: 'Namespaced' }],
  };
  await client.create(Resources.validatingWebhookConfigurations, {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: { name, labels: { [LABEL]: 'yes' } },
    webhooks: [
      {
        ...common,
        name: 'never.tls-test.spidernet.io',
        clientConfig: { url: 'https://127.0.0.1:1/never' },
        objectSelector: { matchExpressions: [{ key: LABEL, operator: 'Exists' }, { key: LABEL, operator: 'DoesNotExist' }] },
      },
      {
        ...common,
        name: 'deny.tls-test.spidernet.io',
        clientConfig: { url: `https://127.0.0.1:${port}/validate` },
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } },
        objectSelector: { matchLabels: { [LABEL]: 'deny' } },
      },
    ],
  } as KubeObject);
}

/** An HTTPS admission server with no certificate yet (set by the test); it denies every review. */
async function startDenyingServer(): Promise<{ server: Server; port: number }> {
  const server = createServer({}, (req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const review = JSON.parse(body) as { request: { uid: string } };
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: review.request.uid, allowed: false, status: { code: 403, message: DENIAL } } }));
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

/** Creates labelled ConfigMaps until the API server reports the webhook's denial (its webhook cache lags a little). */
async function expectApiServerCallsWebhook(): Promise<void> {
  const deadline = Date.now() + 30_000;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      await client.request('POST', `/api/v1/namespaces/${namespace}/configmaps`, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { generateName: 'probe-', labels: { [LABEL]: 'deny' } },
      });
      last = 'created: the webhook call failed and was ignored';
    } catch (err) {
      if (isSpiderpoolError(err) && err.message.includes(DENIAL)) return;
      last = err;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the API server never got the webhook's answer: ${String(last)}`);
}

function autoConfig(secretName: string, configurationName: string) {
  return loadWebhookServiceConfig({
    SPIDERPOOL_TLS_MODE: 'auto',
    SPIDERPOOL_NAMESPACE: namespace,
    SPIDERPOOL_TLS_SECRET_NAME: secretName,
    SPIDERPOOL_TLS_IP_ADDRESSES: '127.0.0.1',
    SPIDERPOOL_WEBHOOK_CONFIG_NAMES: `${configurationName},${configurationName}-absent`,
    // Long: within these tests, changes must arrive through the watch of the Secret.
    SPIDERPOOL_TLS_RECHECK_INTERVAL: '10m',
  });
}

interface Replica {
  bootstrap: TlsBootstrap;
  delivered: string[];
}

async function startReplica(config: ReturnType<typeof autoConfig>, onCertificate?: (cert: string, key: string) => void): Promise<Replica> {
  const delivered: string[] = [];
  const bootstrap = await startTlsBootstrap({
    config,
    client,
    logger: recordingLogger(),
    onCertificate: (cert, key) => {
      delivered.push(cert);
      onCertificate?.(cert, key);
    },
  });
  bootstraps.push(bootstrap);
  return { bootstrap, delivered };
}

interface SecretObject extends KubeObject {
  type?: string;
  data?: Record<string, string>;
}

async function readSecret(name: string): Promise<SecretObject> {
  return client.get<SecretObject>(Resources.secrets, name, namespace);
}

const decoded = (secret: SecretObject, key: string): string => Buffer.from(secret.data?.[key] ?? '', 'base64').toString('utf8');

async function bundles(name: string): Promise<Array<{ webhook: string; fingerprints: string[]; url: unknown }>> {
  const configuration = await client.get<WebhookConfiguration>(Resources.validatingWebhookConfigurations, name);
  return (configuration.webhooks ?? []).map((w) => ({
    webhook: w.name,
    url: w.clientConfig?.['url'],
    fingerprints: certificatesOf(Buffer.from(w.clientConfig?.caBundle ?? '', 'base64').toString()).map((c) => c.cert.fingerprint256),
  }));
}

const fingerprint = (pem: string): string => new X509Certificate(pem).fingerprint256;

async function waitFor(predicate: () => boolean | Promise<boolean>, what: string, limitMs = 30_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Writes material into the Secret as another replica (or an operator) would. */
async function overwriteSecret(name: string, material: TlsMaterial): Promise<void> {
  const secret = await readSecret(name);
  const data = { ...secret.data };
  for (const [key, pem] of [['ca.crt', material.caCert], ['ca.key', material.caKey], ['tls.crt', material.cert], ['tls.key', material.key]] as const) {
    data[key] = Buffer.from(pem).toString('base64');
  }
  await client.update(Resources.secrets, { ...secret, data });
}

describe('auto mode against the API server', () => {
  const secretName = 'spiderpool-webhook-tls';
  const configurationName = unique('spiderpool-tls-test');
  let first: Replica;
  let second: Replica;
  let server: Server;

  beforeAll(async () => {
    const started = await startDenyingServer();
    server = started.server;
    await createConfiguration(configurationName, started.port);
  });

  it('creates the Secret, patches every caBundle, and the API server trusts the served certificate', async () => {
    first = await startReplica(autoConfig(secretName, configurationName), (cert, key) => server.setSecureContext({ cert, key }));
    server.setSecureContext({ cert: first.bootstrap.cert, key: first.bootstrap.key });

    const secret = await readSecret(secretName);
    expect(secret.type).toBe('kubernetes.io/tls');
    expect(decoded(secret, 'tls.crt')).toBe(first.bootstrap.cert);
    expect(decoded(secret, 'ca.crt')).toBe(first.bootstrap.ca);
    expect(decoded(secret, 'tls.key')).toBe(first.bootstrap.key);
    const leaf = new X509Certificate(first.bootstrap.cert);
    expect(leaf.checkHost(`spiderpool-webhook.${namespace}.svc`)).toBeDefined();
    expect(leaf.checkIP('127.0.0.1')).toBe('127.0.0.1');

    const ca = fingerprint(first.bootstrap.ca ?? '');
    expect(await bundles(configurationName)).toEqual([
      { webhook: 'never.tls-test.spidernet.io', url: 'https://127.0.0.1:1/never', fingerprints: [ca] },
      { webhook: 'deny.tls-test.spidernet.io', url: expect.stringMatching(/^https:\/\/127\.0\.0\.1:\d+\/validate$/), fingerprints: [ca] },
    ]);
    await expectApiServerCallsWebhook();
  });

  it('lets a second replica converge on the same certificate without writing', async () => {
    const before = (await readSecret(secretName)).metadata?.resourceVersion;
    second = await startReplica(autoConfig(secretName, configurationName));
    expect(second.bootstrap.cert).toBe(first.bootstrap.cert);
    expect((await readSecret(secretName)).metadata?.resourceVersion).toBe(before);
  });

  it('makes replicas starting at once on an empty Secret agree on one certificate', async () => {
    const fresh = unique('race-tls');
    // Its own (absent) webhook configuration: this CA must not land in the shared caBundle.
    const config = autoConfig(fresh, unique('absent'));
    const all = await Promise.all([startReplica(config), startReplica(config), startReplica(config)]);
    expect(new Set(all.map((r) => r.bootstrap.cert)).size).toBe(1);
    expect(decoded(await readSecret(fresh), 'tls.crt')).toBe(all[0]?.bootstrap.cert);
  });

  it('renews an expiring certificate and hands it to every replica', async () => {
    const current = { caCert: first.bootstrap.ca ?? '', caKey: decoded(await readSecret(secretName), 'ca.key') };
    const expiring = issueServingCertificate(current, { dnsNames: [`spiderpool-webhook.${namespace}.svc`], ipAddresses: ['127.0.0.1'] }, Date.now(), 5 * DAY);
    await overwriteSecret(secretName, expiring);

    await waitFor(() => first.delivered.length > 0 && second.delivered.length > 0, 'both replicas got a renewed certificate');
    const stored = decoded(await readSecret(secretName), 'tls.crt');
    expect(first.delivered.at(-1)).toBe(stored);
    expect(second.delivered.at(-1)).toBe(stored);
    expect(first.delivered).not.toContain(expiring.cert);
    expect(stored).not.toBe(first.bootstrap.cert);
    expect(new X509Certificate(stored).validToDate.getTime()).toBeGreaterThan(Date.now() + 300 * DAY);
    // Same CA: the caBundle did not change, and the API server accepts the swapped certificate.
    expect((await bundles(configurationName))[1]?.fingerprints).toEqual([fingerprint(current.caCert)]);
    await expectApiServerCallsWebhook();
  });

  it('replaces a CA about to end; the caBundle trusts the new CA and still the one served before', async () => {
    const endingCa = newCertificateAuthority(Date.now(), 20 * DAY);
    await overwriteSecret(secretName, issueServingCertificate(endingCa, { dnsNames: [`spiderpool-webhook.${namespace}.svc`], ipAddresses: ['127.0.0.1'] }, Date.now(), 365 * DAY));
    const seen = first.delivered.length;

    await waitFor(() => first.delivered.length > seen && first.delivered.at(-1) === second.delivered.at(-1), 'a certificate of a new CA');
    const secret = await readSecret(secretName);
    const newCa = decoded(secret, 'ca.crt');
    expect(newCa).not.toBe(endingCa.caCert);
    expect(new X509Certificate(decoded(secret, 'tls.crt')).checkIssued(new X509Certificate(newCa))).toBe(true);
    const deny = (await bundles(configurationName))[1];
    expect(deny?.fingerprints[0]).toBe(fingerprint(newCa));
    // Replicas still presenting a certificate of the previous CA stay trusted until they swap.
    expect(deny?.fingerprints).toEqual([fingerprint(newCa), fingerprint(first.bootstrap.ca ?? '')]);
    await expectApiServerCallsWebhook();
  });
});

describe('provided mode against the API server', () => {
  afterEach(async () => {
    await Promise.all(bootstraps.splice(0).map((b) => b.stop()));
  });

  /** The layout kubelet gives a mounted Secret: files behind a `..data` symlink swapped atomically. */
  function writeVolume(dir: string, material: TlsMaterial, generation: string): void {
    const data = join(dir, `..${generation}`);
    mkdirSync(data);
    writeFileSync(join(data, 'tls.crt'), material.cert);
    writeFileSync(join(data, 'tls.key'), material.key);
    writeFileSync(join(data, 'ca.crt'), material.caCert);
    symlinkSync(`..${generation}`, join(dir, '..data_tmp'));
    renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
  }

  it('serves the files, keeps the caBundle trusting the CA file, and follows a swap of the mounted files', async () => {
    const names = { dnsNames: ['spiderpool-webhook'], ipAddresses: ['127.0.0.1'] };
    const { server, port } = await startDenyingServer();
    const configurationName = unique('spiderpool-tls-provided');
    await createConfiguration(configurationName, port);

    const dir = join(tmp, 'volume');
    mkdirSync(dir);
    const first = issueServingCertificate(newCertificateAuthority(Date.now(), 3650 * DAY), names, Date.now(), 90 * DAY);
    writeVolume(dir, first, 'gen1');
    for (const file of ['tls.crt', 'tls.key', 'ca.crt']) symlinkSync(join('..data', file), join(dir, file));

    const delivered: string[] = [];
    const bootstrap = await startTlsBootstrap({
      config: loadWebhookServiceConfig({
        SPIDERPOOL_TLS_MODE: 'provided',
        SPIDERPOOL_TLS_CERT_FILE: join(dir, 'tls.crt'),
        SPIDERPOOL_TLS_KEY_FILE: join(dir, 'tls.key'),
        SPIDERPOOL_TLS_CA_FILE: join(dir, 'ca.crt'),
        SPIDERPOOL_WEBHOOK_CONFIG_NAMES: configurationName,
      }),
      client,
      logger: recordingLogger(),
      // Long: the change must arrive through the file-system watch.
      filePollIntervalMs: 600_000,
      onCertificate: (cert, key) => {
        delivered.push(cert);
        server.setSecureContext({ cert, key });
      },
    });
    bootstraps.push(bootstrap);
    expect(bootstrap).toMatchObject({ cert: first.cert, key: first.key, ca: first.caCert });
    server.setSecureContext({ cert: bootstrap.cert, key: bootstrap.key });
    expect((await bundles(configurationName)).map((b) => b.fingerprints)).toEqual([[fingerprint(first.caCert)], [fingerprint(first.caCert)]]);
    await expectApiServerCallsWebhook();

    const second = issueServingCertificate(newCertificateAuthority(Date.now(), 3650 * DAY), names, Date.now(), 90 * DAY);
    writeVolume(dir, second, 'gen2');
    await waitFor(() => delivered.includes(second.cert), 'the swapped certificate');
    expect((await bundles(configurationName))[1]?.fingerprints).toEqual([fingerprint(second.caCert), fingerprint(first.caCert)]);
    await expectApiServerCallsWebhook();
  });
});
