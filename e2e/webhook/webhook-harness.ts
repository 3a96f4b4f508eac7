// SPDX-License-Identifier: Apache-2.0
// Runs a real webhook-service process against the test bed and (unless told not to) registers it
// with the real kube-apiserver by a MutatingWebhookConfiguration and a ValidatingWebhookConfiguration
// of its own. By default the process bootstraps its own TLS as deployed (SPIDERPOOL_TLS_MODE=auto):
// the configurations are created without a caBundle, and the service generates its CA into a
// Secret of its own and patches the caBundles; the harness trusts the CA it reads from that Secret.
// `tls: 'provided'` serves a certificate from the test-bed CA instead, written into the
// configurations by the harness.
//
// Isolation: each harness instance only receives objects labelled with its instance
// (`spiderpool.spidernet.io/webhook-test: <instance>`, see `labels`), through an objectSelector
// (cluster-scoped kinds cannot use a namespaceSelector). Tests label the objects they want
// admitted; every other object in the cluster, and every other test file, is untouched.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { API_VERSION, GROUP, VERSION } from '@spiderpool/crds';
import { KubeClient, Resources, type KubeObject, type ResourceRef } from '@spiderpool/k8s';
import { REPO_ROOT } from '../testbed/binaries.ts';
import { adminKubeConfig, testbed, uniqueName } from '../testbed/context.ts';
import { freePort } from '../testbed/free-port.ts';
import { SERVICES_NAMESPACE, ensureNamespace } from '../testbed/namespace.ts';
import { ManagedProcess, sleep } from '../testbed/managed-process.ts';
import { issueServingCert, type Pki } from '../testbed/pki.ts';
import { createReviewClient, sumSamples, type ReviewClient } from './review-client.ts';

export const WEBHOOK_TEST_LABEL = 'spiderpool.spidernet.io/webhook-test';

/** The CRDs with admission, as upstream registers them. */
export const ADMITTED_RESOURCES = ['spiderippools', 'spidersubnets', 'spiderreservedips', 'spidermultusconfigs', 'spidercoordinators'];

const MUTATING = Resources.mutatingWebhookConfigurations;
const VALIDATING = Resources.validatingWebhookConfigurations;

export interface WebhookRule {
  apiGroups: string[];
  apiVersions: string[];
  resources: string[];
  operations: Array<'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT' | '*'>;
  scope?: 'Cluster' | 'Namespaced' | '*';
}

export interface WebhookHarnessOptions {
  /** Extra environment of the process (e.g. feature settings). */
  env?: Record<string, string>;
  /** Use the test bed's Redis (default) or none. */
  redis?: boolean;
  /** Register with the API server (default true); false for tests that post reviews directly. */
  register?: boolean;
  /** Default: mutate CREATE/UPDATE, validate CREATE/UPDATE/DELETE of ADMITTED_RESOURCES (as upstream). */
  mutatingRules?: WebhookRule[];
  validatingRules?: WebhookRule[];
  /** Where the serving certificate comes from (default `auto`, as deployed). */
  tls?: 'auto' | 'provided';
}

export interface WebhookHarness {
  /** Unique per harness; names the process, its log, its webhook configurations and its label value. */
  instance: string;
  /** Put these on objects that should go through this webhook. */
  labels: Record<string, string>;
  /** `https://127.0.0.1:<port>` */
  url: string;
  opsPort: number;
  /** PEM of the CA that signed the serving certificate. */
  caPem: string;
  /** auto TLS: where the service keeps its CA and certificate. */
  tlsSecret: { namespace: string; name: string } | undefined;
  process: ManagedProcess;
  /** An HTTPS client of the endpoint (trusting the CA). */
  client: ReviewClient;
  /** The process's Prometheus metrics text. */
  metrics(): Promise<string>;
  /** Answered admissions (sum of the duration histogram's counts) matching the labels. */
  admissions(match?: { webhook?: string; operation?: string; kind?: string }): Promise<number>;
  /** Deletes the webhook configurations, then stops the process. */
  stop(): Promise<void>;
}

const DEFAULT_MUTATING: WebhookRule[] = [{ apiGroups: [GROUP], apiVersions: [VERSION], resources: ADMITTED_RESOURCES, operations: ['CREATE', 'UPDATE'], scope: '*' }];
const DEFAULT_VALIDATING: WebhookRule[] = [{ apiGroups: [GROUP], apiVersions: [VERSION], resources: ADMITTED_RESOURCES, operations: ['CREATE', 'UPDATE', 'DELETE'], scope: '*' }];

export async function startWebhookHarness(options: WebhookHarnessOptions = {}): Promise<WebhookHarness> {
  const tb = testbed();
  const instance = uniqueName('wh');
  mkdirSync(join(tb.stateDir, 'logs'), { recursive: true });
  const kube = await KubeClient.create(adminKubeConfig());
  const [port, opsPort] = [await freePort(), await freePort()];
  const url = `https://127.0.0.1:${port}`;
  const labels = { [WEBHOOK_TEST_LABEL]: instance };
  const tls = options.tls === 'provided'
    ? await providedTls(instance)
    : await autoTls(kube, instance);
  const process_ = new ManagedProcess({
    name: instance,
    command: process.execPath,
    args: [join(REPO_ROOT, 'apps', 'webhook-service', 'src', 'main.ts')],
    logFile: join(tb.stateDir, 'logs', `${instance}.log`),
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      KUBECONFIG: tb.kubeconfig,
      SPIDERPOOL_WEBHOOK_HOST: '127.0.0.1',
      SPIDERPOOL_WEBHOOK_PORT: String(port),
      SPIDERPOOL_OPS_HOST: '127.0.0.1',
      SPIDERPOOL_OPS_PORT: String(opsPort),
      SPIDERPOOL_POD_NAME: instance,
      SPIDERPOOL_LOG_LEVEL: 'info',
      SPIDERPOOL_WEBHOOK_CONFIG_NAMES: configName(instance),
      ...tls.env,
      ...(options.redis === false ? {} : { SPIDERPOOL_REDIS_URL: tb.redisUrl }),
      ...options.env,
    },
  });
  const metrics = async (): Promise<string> => (await fetch(`http://127.0.0.1:${opsPort}/metrics`)).text();
  const admissions = async (match: Record<string, string> = {}): Promise<number> =>
    sumSamples(await metrics(), 'spiderpool_webhook_admission_duration_seconds_count', match);
  const registered: Array<{ ref: ResourceRef; name: string }> = [];
  let client: ReviewClient | undefined;
  const harness: WebhookHarness = {
    instance,
    labels,
    url,
    opsPort,
    caPem: '',
    tlsSecret: tls.secret,
    process: process_,
    get client(): ReviewClient {
      if (!client) throw new Error('the webhook harness is not started yet');
      return client;
    },
    metrics,
    admissions,
    async stop() {
      await Promise.all(registered.map((r) => kube.delete(r.ref, r.name).catch(() => undefined)));
      client?.close();
      await process_.stop();
      if (tls.secret) await kube.delete(Resources.secrets, tls.secret.name, tls.secret.namespace).catch(() => undefined);
    },
  };
  try {
    // Registered before the process starts: its TLS bootstrap patches their caBundle at start-up.
    if (options.register !== false) registered.push(...(await register(kube, { instance, url, labels, caPem: tls.caPem }, options)));
    await process_.waitReady(async () => (await fetch(`http://127.0.0.1:${opsPort}/readyz`)).ok, 60_000);
    harness.caPem = tls.caPem ?? (await caOfSecret(kube, tls.secret));
    client = createReviewClient(url, harness.caPem);
    if (options.register !== false) await waitUntilCalled(kube, harness);
    return harness;
  } catch (err) {
    await harness.stop();
    throw err;
  }
}

interface HarnessTls {
  env: Record<string, string>;
  /** Known up front in provided mode; in auto mode read from the Secret once the service is ready. */
  caPem: string | undefined;
  secret: { namespace: string; name: string } | undefined;
}

async function providedTls(instance: string): Promise<HarnessTls> {
  const cert = await issueLoopbackCert(instance);
  return {
    env: { SPIDERPOOL_TLS_MODE: 'provided', SPIDERPOOL_TLS_CERT_FILE: cert.cert, SPIDERPOOL_TLS_KEY_FILE: cert.key },
    caPem: readFileSync(testbed().caCert, 'utf8'),
    secret: undefined,
  };
}

async function autoTls(kube: KubeClient, instance: string): Promise<HarnessTls> {
  await ensureNamespace(kube, SERVICES_NAMESPACE);
  const secret = { namespace: SERVICES_NAMESPACE, name: `${instance}-tls` };
  return {
    env: {
      SPIDERPOOL_TLS_MODE: 'auto',
      SPIDERPOOL_NAMESPACE: secret.namespace,
      SPIDERPOOL_TLS_SECRET_NAME: secret.name,
      SPIDERPOOL_TLS_IP_ADDRESSES: '127.0.0.1',
    },
    caPem: undefined,
    secret,
  };
}

async function caOfSecret(kube: KubeClient, secret: { namespace: string; name: string } | undefined): Promise<string> {
  const found = secret ? await kube.find<KubeObject & { data?: Record<string, string> }>(Resources.secrets, secret.name, secret.namespace) : undefined;
  const ca = found?.data?.['ca.crt'];
  if (!ca) throw new Error(`the TLS Secret ${secret?.namespace}/${secret?.name} holds no ca.crt`);
  return Buffer.from(ca, 'base64').toString('utf8');
}

const configName = (instance: string): string => `${instance}.${GROUP}`;

/**
 * A serving certificate for 127.0.0.1 from the test-bed CA (PEM file paths). Parallel test files
 * issue theirs at the same time and openssl's serial file next to the CA is not written
 * atomically: a failed issue is retried.
 */
export async function issueLoopbackCert(name: string, dir = join(testbed().stateDir, 'webhook', name)): Promise<{ cert: string; key: string }> {
  mkdirSync(dir, { recursive: true });
  const tb = testbed();
  // issueServingCert reads only the CA and the directory of a Pki.
  const pki = { dir, caCert: tb.caCert, caKey: tb.caKey } as Pick<Pki, 'dir' | 'caCert' | 'caKey'> as Pki;
  for (let attempt = 1; ; attempt++) {
    try {
      return issueServingCert(pki, name);
    } catch (err) {
      if (attempt >= 5) throw err;
      await sleep(50 + Math.random() * 200);
    }
  }
}

interface Registration {
  instance: string;
  url: string;
  labels: Record<string, string>;
  /** Written by the harness in provided mode; in auto mode the service writes it. */
  caPem: string | undefined;
}

function webhookEntry(h: Registration, path: 'mutate' | 'validate', rules: WebhookRule[]): Record<string, unknown> {
  return {
    name: `${h.instance}.${path}.${GROUP}`,
    clientConfig: { url: `${h.url}/${path}`, ...(h.caPem ? { caBundle: Buffer.from(h.caPem).toString('base64') } : {}) },
    rules,
    failurePolicy: 'Fail',
    matchPolicy: 'Equivalent',
    sideEffects: 'None',
    admissionReviewVersions: ['v1'],
    timeoutSeconds: 10,
    objectSelector: { matchLabels: h.labels },
  };
}

async function register(kube: KubeClient, h: Registration, options: WebhookHarnessOptions): Promise<Array<{ ref: ResourceRef; name: string }>> {
  const name = configName(h.instance);
  const metadata = { name, labels: h.labels };
  const done: Array<{ ref: ResourceRef; name: string }> = [];
  await kube.create(MUTATING, {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata,
    webhooks: [{ ...webhookEntry(h, 'mutate', options.mutatingRules ?? DEFAULT_MUTATING), reinvocationPolicy: 'Never' }],
  } as KubeObject);
  done.push({ ref: MUTATING, name });
  await kube.create(VALIDATING, {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata,
    webhooks: [webhookEntry(h, 'validate', options.validatingRules ?? DEFAULT_VALIDATING)],
  } as KubeObject);
  done.push({ ref: VALIDATING, name });
  return done;
}

/**
 * The API server picks new webhook configurations up asynchronously. Probe with dry-run creates
 * of a labelled SpiderReservedIP (no side effects, nothing stored) until both webhooks have
 * answered at least one request; the probe's own outcome does not matter.
 */
async function waitUntilCalled(kube: KubeClient, h: WebhookHarness): Promise<void> {
  const ref: ResourceRef = { base: `/apis/${API_VERSION}`, plural: 'spiderreservedips', namespaced: false };
  const probe = {
    apiVersion: API_VERSION,
    kind: 'SpiderReservedIP',
    metadata: { name: `${h.instance}-probe`, labels: h.labels },
    spec: { ipVersion: 6, ips: ['2001:db8:ffff:ffff::1'] },
  };
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    await kube.request('POST', `${kube.path(ref)}?dryRun=All`, probe).catch(() => undefined);
    const [mutated, validated] = await Promise.all([h.admissions({ webhook: 'mutate' }), h.admissions({ webhook: 'validate' })]);
    if (mutated > 0 && validated > 0) return;
    await sleep(200);
  }
  throw new Error(`kube-apiserver did not call webhook ${h.instance} within 30 s\n${h.process.logTail()}`);
}
