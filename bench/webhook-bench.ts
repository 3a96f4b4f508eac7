// SPDX-License-Identifier: Apache-2.0
// `npm run bench:webhook`: admission latency of the real webhook-service process on the embedded
// test bed, under the load of a busy API server.
//
//   1. setup      1,000 SpiderIPPools created directly (the webhook is never registered, so this
//                 is fast); webhook-service started with them in its caches, Redis configured
//   2. baseline   an empty fastify HTTPS endpoint (its own process: parse, answer "allowed")
//   3. framework  webhook-service answering reviews of a kind without admission logic
//   4. admission  SpiderIPPool CREATE reviews posted straight to webhook-service over HTTPS, each
//                 as the API server does it: /mutate, then /validate of the mutated object
//
// Both at the same concurrency, on keep-alive connections. It measures whatever admission logic
// webhook-service registers (apps/webhook-service/src/main.ts); with none, the framework alone,
// and it says so. Options: --requests N (5000) --concurrency N (200) --pools N (1000)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { API_VERSION, ALL_CRDS } from '@spiderpool/crds';
import { KubeClient, installCrds, loadKubeConfig, Resources, type KubeObject } from '@spiderpool/k8s';
import { ManagedProcess, REPO_ROOT, STATE_ENV, Testbed, freePort, testbed } from '@spiderpool/e2e';
import { createReviewClient, issueLoopbackCert, startWebhookHarness, type ReviewClient, type WebhookHarness } from '@spiderpool/e2e/webhook';
import { applyJsonPatch, type PatchOperation } from './json-patch-apply.ts';
import { percentile, runBounded } from './stats.ts';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '5000' }, concurrency: { type: 'string', default: '200' }, pools: { type: 'string', default: '1000' } } });
const REQUESTS = Math.min(0x7000, Math.max(1, Number(values.requests)));
const CONCURRENCY = Math.max(1, Number(values.concurrency));
const POOLS = Math.min(0x7000, Math.max(0, Number(values.pools)));
const WARMUP = Math.min(400, REQUESTS);
const TARGET_P99_MS = 100;
const say = (s = ''): boolean => process.stdout.write(`${s}\n`);

interface Review {
  uid: string;
  body: string;
}

/** A SpiderIPPool CREATE review as the API server sends it (object with managed fields). */
function poolReview(i: number, kind = 'SpiderIPPool'): Review & { review: { request: { object: unknown } } } {
  const block = (0x8000 + i).toString(16);
  const name = `bench-new-${i}`;
  const uid = `bench-${i}-${Math.random().toString(36).slice(2, 10)}`;
  const object = {
    apiVersion: API_VERSION,
    kind: 'SpiderIPPool',
    metadata: {
      name,
      uid: `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`,
      creationTimestamp: new Date().toISOString(),
      labels: { team: 'bench' },
      managedFields: [{ manager: 'kubectl', operation: 'Update', apiVersion: API_VERSION, time: new Date().toISOString(), fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { '.': {}, 'f:subnet': {}, 'f:ips': {}, 'f:gateway': {} } } }],
    },
    spec: { subnet: `2001:db8:${block}::/64`, ips: [`2001:db8:${block}::10-2001:db8:${block}::200`], gateway: `2001:db8:${block}::1` },
  };
  const request = {
    uid,
    kind: { group: 'spiderpool.spidernet.io', version: 'v2beta1', kind },
    resource: { group: 'spiderpool.spidernet.io', version: 'v2beta1', resource: 'spiderippools' },
    requestKind: { group: 'spiderpool.spidernet.io', version: 'v2beta1', kind: 'SpiderIPPool' },
    requestResource: { group: 'spiderpool.spidernet.io', version: 'v2beta1', resource: 'spiderippools' },
    name,
    operation: 'CREATE',
    userInfo: { username: 'bench-admin', groups: ['system:masters', 'system:authenticated'] },
    object,
    oldObject: null,
    dryRun: false,
    options: { apiVersion: 'meta.k8s.io/v1', kind: 'CreateOptions' },
  };
  const review = { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request };
  return { uid, body: JSON.stringify(review), review };
}

/** The review the API server sends the validating webhook: the object with the mutation applied. */
function patched(review: ReturnType<typeof poolReview>, response: Record<string, unknown>): Review {
  if (typeof response['patch'] !== 'string') return review;
  const ops = JSON.parse(Buffer.from(response['patch'], 'base64').toString('utf8')) as PatchOperation[];
  const request = { ...review.review.request, object: applyJsonPatch(review.review.request.object, ops) };
  return { uid: review.uid, body: JSON.stringify({ ...review.review, request }) };
}

async function createPools(k: KubeClient): Promise<void> {
  const r = await runBounded(POOLS, 32, (i) => {
    const block = (0x1000 + i).toString(16);
    return k.create(Resources.ipPools, { apiVersion: API_VERSION, kind: 'SpiderIPPool', metadata: { name: `bench-pool-${i}` }, spec: { ipVersion: 6, subnet: `2001:db8:${block}::/64`, ips: [`2001:db8:${block}::1-2001:db8:${block}::ff`] } } as KubeObject);
  });
  if (r.failures) throw new Error(`creating pools failed: ${r.errors.join('; ')}`);
}

/** Posts `path` and checks the answer is an AdmissionReview for `uid`; resolves with ms and the response. */
async function admit(client: ReviewClient, path: string, review: Review): Promise<{ ms: number; response: Record<string, unknown> }> {
  const t0 = performance.now();
  const answer = await client.post(path, review.body);
  const ms = performance.now() - t0;
  if (answer.status !== 200) throw new Error(`${path}: HTTP ${answer.status} ${answer.body.slice(0, 200)}`);
  const response = (JSON.parse(answer.body) as { response?: Record<string, unknown> }).response ?? {};
  if (response['uid'] !== review.uid) throw new Error(`${path}: answer for another uid`);
  return { ms, response };
}

interface Series {
  label: string;
  times: number[];
  denied: number;
  firstDenial: string;
}

const series = (label: string): Series => ({ label, times: [], denied: 0, firstDenial: '' });

function countDenial(s: Series, response: Record<string, unknown>): void {
  if (response['allowed'] !== false) return;
  s.denied++;
  s.firstDenial ||= String((response['status'] as { message?: string } | undefined)?.message ?? '');
}

function row(s: Series, seconds: number, failures: number): void {
  const sorted = [...s.times].sort((a, b) => a - b);
  const p = (pct: number): string => percentile(sorted, pct).toFixed(1).padStart(7);
  say(`${s.label.padEnd(22)} ${String(s.times.length).padStart(6)}  ${(s.times.length / seconds).toFixed(0).padStart(6)} /s   p50 ${p(50)} ms   p99 ${p(99)} ms   max ${p(100)} ms   denied ${s.denied}   failed ${failures}`);
}

function cpuSeconds(pid: number | undefined): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The empty endpoint serves a certificate of the test-bed CA (the service has its own CA). */
async function startBaseline(): Promise<{ process: ManagedProcess; client: ReviewClient }> {
  const cert = await issueLoopbackCert('bench-baseline');
  const port = await freePort();
  const tb = testbed();
  const proc = new ManagedProcess({
    name: 'empty-admission-server',
    command: process.execPath,
    args: [join(REPO_ROOT, 'bench', 'empty-admission-server.ts')],
    logFile: join(tb.stateDir, 'logs', 'empty-admission-server.log'),
    env: { ...process.env, BENCH_PORT: String(port), BENCH_TLS_CERT_FILE: cert.cert, BENCH_TLS_KEY_FILE: cert.key },
    cwd: REPO_ROOT,
  });
  const client = createReviewClient(`https://127.0.0.1:${port}`, readFileSync(tb.caCert, 'utf8'), { maxSockets: CONCURRENCY });
  await proc.waitReady(async () => (await client.post('/validate', poolReview(0).body)).status === 200, 30_000);
  return { process: proc, client };
}

/** One review per request to `path` (a single webhook call each), at the benchmark's concurrency. */
async function measureSingle(label: string, client: ReviewClient, kind: string): Promise<Series> {
  await runBounded(WARMUP, CONCURRENCY, (i) => admit(client, '/validate', poolReview(i, kind)));
  const s = series(label);
  const r = await runBounded(REQUESTS, CONCURRENCY, async (i) => {
    s.times.push((await admit(client, '/validate', poolReview(i, kind))).ms);
  });
  row(s, r.seconds, r.failures);
  return s;
}

async function measureWebhook(wh: WebhookHarness, client: ReviewClient): Promise<{ mutate: Series; validate: Series }> {
  await runBounded(WARMUP, CONCURRENCY, async (i) => {
    const review = poolReview(REQUESTS + i);
    await admit(client, '/validate', patched(review, (await admit(client, '/mutate', review)).response));
  });
  const mutate = series('webhook /mutate');
  const validate = series('webhook /validate');
  const pair = series('mutate + validate');
  const cpu0 = cpuSeconds(wh.process.pid);
  const r = await runBounded(REQUESTS, CONCURRENCY, async (i) => {
    const review = poolReview(i);
    const m = await admit(client, '/mutate', review);
    const v = await admit(client, '/validate', patched(review, m.response));
    mutate.times.push(m.ms);
    validate.times.push(v.ms);
    pair.times.push(m.ms + v.ms);
    countDenial(mutate, m.response);
    countDenial(validate, v.response);
  });
  const cpu = cpuSeconds(wh.process.pid) - cpu0;
  for (const s of [mutate, validate, pair]) row(s, r.seconds, r.failures);
  if (r.failures) say(`    first failures: ${r.errors.join(' | ')}`);
  for (const s of [mutate, validate]) if (s.firstDenial) say(`    first denial by ${s.label}: ${s.firstDenial.slice(0, 300)}`);
  say(`    webhook-service CPU: ${((cpu * 1000) / (2 * REQUESTS)).toFixed(2)} ms per admission request`);
  return { mutate, validate };
}

/** Which kinds the running service has logic for: a kind without any answers with a warning. */
async function registeredLogic(client: ReviewClient): Promise<string> {
  const { response } = await admit(client, '/mutate', poolReview(0x6fff));
  const warnings = (response['warnings'] as string[] | undefined) ?? [];
  return warnings.some((w) => w.includes('no admission rules'))
    ? 'none for SpiderIPPool: this measures the admission framework alone (parse, dispatch, metrics, answer)'
    : 'SpiderIPPool admission logic is registered: this measures it end to end';
}

async function main(): Promise<void> {
  const bed = new Testbed();
  const state = await bed.start();
  process.env[STATE_ENV] = join(state.stateDir, 'state.json');
  let wh: WebhookHarness | undefined;
  let baseline: { process: ManagedProcess; client: ReviewClient } | undefined;
  try {
    await installCrds(loadKubeConfig(state.kubeconfig), ALL_CRDS);
    const k = await KubeClient.create(loadKubeConfig(state.kubeconfig));
    const t0 = performance.now();
    await createPools(k);
    say(`webhook-service benchmark: ${POOLS} SpiderIPPools present (created in ${((performance.now() - t0) / 1000).toFixed(1)} s), ${REQUESTS} SpiderIPPool CREATE reviews, ${CONCURRENCY} in flight, node ${process.version}`);
    wh = await startWebhookHarness({ register: false, env: { SPIDERPOOL_LOG_LEVEL: 'warn' } });
    const client = createReviewClient(wh.url, wh.caPem, { maxSockets: CONCURRENCY });
    say(`admission logic: ${await registeredLogic(client)}`);
    say('');
    baseline = await startBaseline();
    const empty = await measureSingle('baseline (empty fastify)', baseline.client, 'SpiderIPPool');
    // A kind nobody registers: parse, dispatch, metrics and answer of the real process, no logic.
    await measureSingle('framework (no logic)', client, 'BenchNoLogic');
    const { mutate, validate } = await measureWebhook(wh, client);
    const p99 = (s: Series): number => percentile([...s.times].sort((a, b) => a - b), 99);
    say('');
    say(`admission p99 at ${CONCURRENCY} in flight: mutate ${p99(mutate).toFixed(0)} ms, validate ${p99(validate).toFixed(0)} ms (target <= ${TARGET_P99_MS} ms each)`);
    const ratio = (s: Series): string => (p99(s) / p99(empty)).toFixed(2);
    say(`p99 relative to the empty endpoint in this run (${p99(empty).toFixed(0)} ms): mutate ${ratio(mutate)}x, validate ${ratio(validate)}x`);
    say(`(with requests in flight fixed, latency ~ in-flight / throughput: compare with the baseline row)`);
    client.close();
  } finally {
    baseline?.client.close();
    await baseline?.process.stop();
    await wh?.stop();
    await bed.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
