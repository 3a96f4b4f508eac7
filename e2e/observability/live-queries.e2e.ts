// SPDX-License-Identifier: Apache-2.0
// The monitoring component against a real Prometheus: the four services run as deployed, a small
// workload goes through each of them (allocations and releases, a failed allocation, CNI calls
// through node-agent, admissions, a GC pass), a private Prometheus scrapes them every second with
// the component's rules loaded, and then every dashboard query, every recording rule and the
// judged quantity of every alert must return series, and every rule must evaluate without error.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { API_VERSION } from '@spiderpool/crds';
import { createGrpcClient } from '@spiderpool/grpc-kit';
import { Resources, type KubeObject } from '@spiderpool/k8s';
import { IpamService } from '@spiderpool/proto';
import { eventually, SERVICES_NAMESPACE, type StartedServices } from '../testbed/index.ts';
import { createPod, delRequest, deletePod, kube, type PodObject } from '../ipam/ipam-harness.ts';
import { allocateIp, gcScope, ippoolAnnotation, startLeadingGcService, type GcProcess } from '../gc/gc-harness.ts';
import { createReviewClient } from '../webhook/review-client.ts';
import { alertSubject, allExpressions, plainRulesFile, withConcreteVariables, type SourcedExpr } from './monitoring-assets.ts';
import { checkRulesWithPromtool, ownStateDir, startPrometheus, startStack, stopStack, type Prometheus } from './observability-stack.ts';

const scope = gcScope('obs');
const node = `${scope.prefix}-node`;
let stack: StartedServices | undefined;
let gc: GcProcess | undefined;
let prometheus: Prometheus | undefined;
let ns: string;
let rulesFile: string;

const opsPort = (name: string): number => {
  const s = stack?.services.find((x) => x.name === name);
  if (!s) throw new Error(`no service ${name}`);
  return s.opsPort;
};

beforeAll(async () => {
  const dir = ownStateDir('obs-live');
  rulesFile = join(dir, 'spiderpool.rules.yml');
  writeFileSync(rulesFile, plainRulesFile());
  stack = await startStack(dir, node);
  ns = await scope.nextNamespace();
  const pool = await scope.nextPool(16);
  // A GC of this file's own namespace and pools (the stack's gc-service has reclamation off).
  // One tracing slot: pods deleted together make the later ones trace-queue-full failures.
  gc = await startLeadingGcService({
    scope,
    ipamAddress: stack.ipamAddress,
    lease: { namespace: ns, name: 'obs-gc' },
    env: { SPIDERPOOL_GC_MAX_PODENTRY_DB_CAP: '1', SPIDERPOOL_GC_TRACE_POD_GAP_DURATION: '2' },
  });
  await ipamWorkload(pool);
  await cniWorkload(pool);
  await admissionWorkload();
  prometheus = await startPrometheus({
    dir,
    rulesFile,
    jobs: {
      'ipam-service': [opsPort('ipam-service')],
      'webhook-service': [opsPort('webhook-service')],
      'gc-service': [opsPort('gc-service'), gc.opsPort],
      'node-agent': [opsPort('node-agent')],
    },
  });
  await scrapedAndEvaluated(prometheus);
}, 300_000);

afterAll(async () => {
  await prometheus?.stop();
  await gc?.stop();
  await stopStack(stack);
  const k = await kube();
  if (ns) await k.delete(Resources.namespaces, ns).catch(() => undefined);
  const pools = await k.list<KubeObject & { metadata: { name: string } }>(Resources.ipPools).catch(() => ({ items: [] }));
  await Promise.all(pools.items.filter((p) => p.metadata.name.startsWith(scope.prefix)).map((p) => k.delete(Resources.ipPools, p.metadata.name).catch(() => undefined)));
}, 90_000);

/** Allocations and releases, a failed allocation and a failed release, then a GC pass. */
async function ipamWorkload(pool: string): Promise<void> {
  if (!stack || !gc) throw new Error('the stack is not running');
  const client = createGrpcClient(IpamService, stack.ipamAddress, { defaultDeadlineMs: 30_000 });
  try {
    const pods: PodObject[] = [];
    for (let i = 0; i < 4; i++) pods.push(await createPod({ namespace: ns, node, annotations: ippoolAnnotation(pool) }));
    for (const pod of pods) await allocateIp(client, pod, node);
    await client.release(delRequest(pods[0] as PodObject, node));
    const lost = await createPod({ namespace: ns, node, annotations: ippoolAnnotation(`${scope.prefix}-no-such-pool`) });
    await expect(allocateIp(client, lost, node)).rejects.toBeDefined();
    await expect(client.release({})).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    // Deleted together: the first is traced and reclaimed, the next find the queue full.
    await Promise.all(pods.slice(1).map((p) => deletePod(ns, p.metadata.name)));
    const g = gc;
    await eventually('the GC to reclaim a deleted pod\'s address and count the full tracing queue', async () =>
      (await g.metric('spiderpool_gc_reclaimed_ips_total')) > 0 && (await g.metric('spiderpool_gc_failures_total')) > 0 ? true : undefined, 60_000);
  } finally {
    client.close();
  }
}

/** What the CNI shim posts to node-agent's socket. */
function cni(body: unknown): Promise<{ exitCode: number; stdout: string }> {
  const socketPath = stack?.socketPath ?? '';
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path: '/v1/cni', method: 'POST', headers: { 'content-type': 'application/json' }, timeout: 30_000 }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve(JSON.parse(text) as { exitCode: number; stdout: string }));
    });
    req.on('timeout', () => req.destroy(new Error('node-agent did not answer within 30 s')));
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

/** An IPAM ADD and DEL through node-agent, and a call for a plugin it does not serve (a CNI error). */
async function cniWorkload(pool: string): Promise<void> {
  const pod = await createPod({ namespace: ns, node });
  const env = {
    CNI_CONTAINERID: `ctr-${pod.metadata.uid.slice(0, 12)}`,
    CNI_IFNAME: 'eth0',
    CNI_NETNS: '/var/run/netns/none',
    CNI_ARGS: `IgnoreUnknown=1;K8S_POD_NAMESPACE=${ns};K8S_POD_NAME=${pod.metadata.name};K8S_POD_INFRA_CONTAINER_ID=x;K8S_POD_UID=${pod.metadata.uid}`,
  };
  const stdin = JSON.stringify({ cniVersion: '1.0.0', name: 'obs-underlay', type: 'macvlan', ipam: { type: 'spiderpool', default_ipv6_ippool: [pool] } });
  expect(await cni({ plugin: 'spiderpool', command: 'ADD', env: { ...env, CNI_COMMAND: 'ADD' }, stdin })).toMatchObject({ exitCode: 0 });
  expect(await cni({ plugin: 'spiderpool', command: 'DEL', env: { ...env, CNI_COMMAND: 'DEL' }, stdin })).toMatchObject({ exitCode: 0 });
  expect(await cni({ plugin: 'obs-no-such-plugin', command: 'ADD', env: {}, stdin: '{}' })).toMatchObject({ exitCode: 1 });
}

/** AdmissionReview v1 for a SpiderIPPool CREATE. */
function poolReview(spec: Record<string, unknown>): string {
  const name = `${scope.prefix}-wh-${randomBytes(3).toString('hex')}`;
  const object = { apiVersion: API_VERSION, kind: 'SpiderIPPool', metadata: { name }, spec };
  return JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: `obs-${randomBytes(6).toString('hex')}`,
      kind: { group: 'spiderpool.spidernet.io', version: 'v2beta1', kind: 'SpiderIPPool' },
      resource: { group: 'spiderpool.spidernet.io', version: 'v2beta1', resource: 'spiderippools' },
      name,
      operation: 'CREATE',
      userInfo: { username: 'obs-e2e', groups: ['system:masters'] },
      object,
      oldObject: null,
      dryRun: false,
    },
  });
}

/** Allowed and denied admissions on both webhooks, and a body that is no AdmissionReview. */
async function admissionWorkload(): Promise<void> {
  const endpoint = stack?.services.find((s) => s.name === 'webhook-service')?.endpoint ?? '';
  const address = /admission (\S+)/.exec(endpoint)?.[1];
  if (!address) throw new Error(`no admission address in "${endpoint}"`);
  const secret = await (await kube()).get<KubeObject & { data?: Record<string, string> }>(Resources.secrets, 'spiderpool-webhook-tls', SERVICES_NAMESPACE);
  const ca = Buffer.from(secret.data?.['ca.crt'] ?? '', 'base64').toString('utf8');
  const client = createReviewClient(`https://${address}`, ca);
  try {
    // Distinct /120s: a pool admitted a moment ago is claimed, and an overlapping one is refused.
    const block = (n: number): string => `${scope.v6}:ff${n.toString(16).padStart(2, '0')}`;
    const valid = { ipVersion: 6, subnet: `${block(1)}::/120`, ips: [`${block(1)}::10-${block(1)}::20`] };
    const invalid = { ipVersion: 6, subnet: `${block(2)}::/120`, ips: [`${block(3)}::1`] };
    const answers = [
      await client.post('/mutate', poolReview(valid)),
      await client.post('/validate', poolReview(valid)),
      await client.post('/validate', poolReview(invalid)),
      await client.post('/validate', 'this is not an AdmissionReview'),
    ];
    // Allowed answers read `true`, denials their message.
    const outcomes = answers.slice(0, 3).map((a) => {
      const r = (JSON.parse(a.body) as { response?: { allowed?: boolean; status?: { message?: string } } }).response;
      return r?.allowed === true ? true : (r?.status?.message ?? a.body);
    });
    expect({ outcomes, malformed: answers[3]?.status }).toEqual({ outcomes: [true, true, expect.stringContaining('spec.ips')], malformed: 400 });
  } finally {
    client.close();
  }
}

/** Every target up and scraped a few times; every rule evaluated at least once. */
async function scrapedAndEvaluated(p: Prometheus): Promise<void> {
  await eventually('every scrape target to be up', async () => {
    const targets = await p.targets();
    return targets.length === 5 && targets.every((t) => t.health === 'up') ? true : undefined;
  }, 60_000);
  await eventually('five scrapes of every target', async () => {
    const r = await p.query('min(count_over_time(up[1m]))');
    return Number(r.data?.result[0]?.value?.[1] ?? 0) >= 5 ? true : undefined;
  }, 60_000);
  await eventually('every rule to be evaluated', async () => ((await p.rules()).every((g) => g.rules.every((r) => r.health !== 'unknown')) ? true : undefined), 60_000);
}

/**
 * The expression to evaluate for each dashboard query and rule. An alert is empty whenever
 * nothing crosses its threshold, so it is judged by the quantity before its last top-level
 * comparison (the rules are written with the comparison last for this reason).
 */
function evaluated(e: SourcedExpr): string {
  if (e.kind !== 'alert') return withConcreteVariables(e.expr);
  const subject = alertSubject(e.expr);
  if (!subject) throw new Error(`${e.file} ${e.where}: no top-level comparison in ${e.expr}`);
  return subject;
}

/**
 * Queries each expression until it returns series (recording rules feeding others need a few
 * evaluations), within one shared deadline; answers the ones that never did, with the reason.
 */
async function emptyQueries(p: Prometheus, exprs: SourcedExpr[], timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let pending = exprs.map((e) => ({ e, query: evaluated(e), why: 'not queried' }));
  while (pending.length > 0 && Date.now() < deadline) {
    const answers = await Promise.all(pending.map(async (x) => ({ x, r: await p.query(x.query) })));
    pending = answers.filter(({ r }) => r.status !== 'success' || (r.data?.result.length ?? 0) === 0).map(({ x, r }) => ({ ...x, why: r.status === 'success' ? 'no series' : `error: ${r.error}` }));
    if (pending.length > 0) await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  return pending.map((x) => `${x.e.file} ${x.e.where}: ${x.why} for ${x.query}`);
}

describe('monitoring component on a live Prometheus', () => {
  it('promtool validates the rules file made from the PrometheusRule', () => {
    expect(() => checkRulesWithPromtool(rulesFile)).not.toThrow();
  });

  it('Prometheus loaded every rule group and no rule evaluates with an error', async () => {
    const groups = await (prometheus as Prometheus).rules();
    expect(groups.map((g) => g.name).sort()).toEqual(['spiderpool.gc', 'spiderpool.ipam', 'spiderpool.node-agent', 'spiderpool.recording', 'spiderpool.subnet', 'spiderpool.webhook']);
    const broken = groups.flatMap((g) => g.rules.filter((r) => r.health !== 'ok').map((r) => `${g.name}/${r.name}: ${r.health} ${r.lastError ?? ''}`));
    expect(broken).toEqual([]);
  });

  it('every dashboard query returns series', async () => {
    const exprs = allExpressions().filter((e) => e.kind === 'panel' || e.kind === 'variable');
    expect(await emptyQueries(prometheus as Prometheus, exprs, 30_000)).toEqual([]);
  }, 60_000);

  it('every recording rule, and the judged quantity of every alert, returns series', async () => {
    const exprs = allExpressions().filter((e) => e.kind === 'alert' || e.kind === 'record');
    expect(await emptyQueries(prometheus as Prometheus, exprs, 30_000)).toEqual([]);
  }, 60_000);
});
