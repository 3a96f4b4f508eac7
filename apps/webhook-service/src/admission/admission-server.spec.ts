// SPDX-License-Identifier: Apache-2.0
// The HTTP contract of the admission endpoint, driven through fastify's inject (no socket):
// which answers come with 200 and which with 4xx, what a patch and a denial look like, and
// what the metrics count. Kinds here are small test kinds; the real ones have their own specs.
import { afterEach, describe, expect, it } from '@jest/globals';
import { SpiderpoolError } from '@spiderpool/errors';
import type { KubeObject } from '@spiderpool/k8s';
import { Registry, createLogger } from '@spiderpool/observability';
import { createAdmissionMetrics } from './admission-metrics.ts';
import { throwIfExpired } from './admission-deadline.ts';
import type { AdmissionResponse, AdmissionStatus } from './admission-review.ts';
import { createAdmissionServer, type AdmissionServer } from './admission-server.ts';
import type { AdmissionContext, KindAdmission } from './admission-types.ts';
import { SharedClaimRegistry } from './claim-registry.ts';

interface Pool extends KubeObject {
  spec: { subnet: string; gateway?: string; ipVersion?: number };
}

const context: AdmissionContext = {
  list: async () => [],
  get: async () => undefined,
  settings: { protectInUseDeletion: true },
  claims: new SharedClaimRegistry(),
};

/** Defaults ipVersion and adds a label (a `/` in the key must be escaped in the patch path). */
const poolAdmission: KindAdmission<Pool> = {
  kind: 'SpiderIPPool',
  mutate(req) {
    const pool = req.object as Pool;
    pool.spec.ipVersion ??= pool.spec.subnet.includes(':') ? 6 : 4;
    pool.metadata = { ...pool.metadata, labels: { ...pool.metadata?.labels, 'ipam.spidernet.io/ippool-cidr': pool.spec.subnet.replaceAll(/[./:]/g, '-') } };
    return pool;
  },
  validate(req) {
    const pool = req.object;
    if (!pool || pool.spec.gateway === undefined || pool.spec.gateway.startsWith('192.0.2.')) return [];
    return [
      { field: 'spec.gateway', value: pool.spec.gateway, id: 'gateway-in-subnet', rule: `must be inside spec.subnet ${pool.spec.subnet}` },
      { field: 'spec.gateway', value: pool.spec.gateway, id: 'gateway-in-subnet', rule: 'must not be the network address' },
      { field: 'spec.subnet', value: pool.spec.subnet, id: 'subnet-canonical', rule: 'must be canonical' },
    ];
  },
};

const failing: KindAdmission<KubeObject> = {
  kind: 'SpiderSubnet',
  mutate: () => {
    throw new TypeError('boom');
  },
  validate: () => Promise.reject(new SpiderpoolError('UNAVAILABLE', 'kube-apiserver unreachable')),
};

const slow: KindAdmission<KubeObject> = {
  kind: 'SpiderCoordinator',
  validate: () => new Promise(() => undefined),
};

/**
 * Waits at a gate, then does its work unless its request has timed out meanwhile (the
 * context's reads check the deadline the same way).
 */
const gate = { open: Promise.resolve(), release: (): void => undefined, ran: [] as string[] };
const gated: KindAdmission<KubeObject> = {
  kind: 'SpiderMultusConfig',
  async validate(req) {
    await gate.open;
    throwIfExpired();
    gate.ran.push(req.uid);
    return [];
  },
};

const broken: KindAdmission<KubeObject> = {
  kind: 'SpiderReservedIP',
  mutate: () => [] as unknown as KubeObject,
  validate: () => 'nope' as unknown as [],
};

let server: AdmissionServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function start(options: { bodyLimitBytes?: number } = {}): { server: AdmissionServer; registry: Registry } {
  const registry = new Registry();
  server = createAdmissionServer({
    kinds: [poolAdmission, failing, slow, broken, gated],
    context,
    metrics: createAdmissionMetrics(registry),
    logger: createLogger({ service: 'test', level: 'silent' }),
    admissionTimeoutMs: 200,
    ...options,
  });
  return { server, registry };
}

const poolObject = (spec: Pool['spec'], labels?: Record<string, string>): Pool => ({
  apiVersion: 'spiderpool.spidernet.io/v2beta1',
  kind: 'SpiderIPPool',
  metadata: { name: 'pool-a', ...(labels ? { labels } : {}) },
  spec,
});

function reviewOf(kind: string, request: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: { uid: `uid-${kind}`, kind: { group: 'spiderpool.spidernet.io', version: 'v2beta1', kind }, operation: 'CREATE', object: poolObject({ subnet: '192.0.2.0/24' }), ...request },
  };
}

type Body = Record<string, unknown> & { response: AdmissionResponse & { status: AdmissionStatus }; message?: string };

async function post(s: AdmissionServer, path: string, payload: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }): Promise<{ status: number; body: Body }> {
  const res = await s.app.inject({ method: 'POST', url: path, headers, payload: typeof payload === 'string' ? payload : JSON.stringify(payload) });
  return { status: res.statusCode, body: JSON.parse(res.body) as Body };
}

type Node = Record<string, unknown>;

/** Enough of RFC 6902 for object members (what these test kinds change). */
function applyPatch<T>(doc: T, ops: Array<{ op: string; path: string; value?: unknown }>): T {
  const copy = structuredClone(doc);
  for (const op of ops) {
    const tokens = op.path.slice(1).split('/').map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));
    const last = tokens.pop() as string;
    const parent = tokens.reduce((node, t) => node[t] as Node, copy as Node);
    if (op.op === 'remove') delete parent[last];
    else parent[last] = op.value;
  }
  return copy;
}

async function metric(registry: Registry, name: string): Promise<Array<{ labels: Record<string, string | number>; value: number }>> {
  const m = registry.getSingleMetric(name);
  return m ? (await m.get()).values.map((v) => ({ labels: v.labels as Record<string, string | number>, value: v.value })) : [];
}

describe('POST /mutate', () => {
  it('answers the object returned by mutate as a base64 JSON patch of the request object', async () => {
    const { server: s } = start();
    const sent = poolObject({ subnet: '2001:db8::/64' }, { team: 'a' });
    const res = await post(s, '/mutate', reviewOf('SpiderIPPool', { object: sent }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: 'uid-SpiderIPPool', allowed: true, patchType: 'JSONPatch' } });
    const ops = JSON.parse(Buffer.from(res.body.response.patch ?? '', 'base64').toString('utf8'));
    expect(ops).toContainEqual({ op: 'add', path: '/metadata/labels/ipam.spidernet.io~1ippool-cidr', value: '2001-db8---64' });
    expect(applyPatch(sent, ops)).toEqual({ ...sent, metadata: { name: 'pool-a', labels: { team: 'a', 'ipam.spidernet.io/ippool-cidr': '2001-db8---64' } }, spec: { subnet: '2001:db8::/64', ipVersion: 6 } });
  });

  it('sends no patch when nothing changed, and none on DELETE', async () => {
    const { server: s } = start();
    const done = poolObject({ subnet: '192.0.2.0/24', ipVersion: 4 }, { 'ipam.spidernet.io/ippool-cidr': '192-0-2-0-24' });
    const same = await post(s, '/mutate', reviewOf('SpiderIPPool', { object: done }));
    expect(same.body.response).toEqual({ uid: 'uid-SpiderIPPool', allowed: true });
    const del = await post(s, '/mutate', reviewOf('SpiderIPPool', { operation: 'DELETE', object: null, oldObject: done }));
    expect(del.body.response).toEqual({ uid: 'uid-SpiderIPPool', allowed: true });
  });

  it('allows kinds without admission logic unchanged, with a warning', async () => {
    const { server: s, registry } = start();
    const res = await post(s, '/mutate', reviewOf('SpiderEndpoint'));
    expect(res.status).toBe(200);
    expect(res.body.response).toEqual({ uid: 'uid-SpiderEndpoint', allowed: true, warnings: ['spiderpool webhook has no admission rules for kind SpiderEndpoint; allowed unchanged'] });
    const validate = await post(s, '/validate', reviewOf('SpiderEndpoint'));
    expect(validate.body.response.allowed).toBe(true);
    const durations = await metric(registry, 'spiderpool_webhook_admission_duration_seconds');
    expect(durations.find((d) => d.labels['kind'] === 'other' && d.labels['webhook'] === 'mutate' && String(d.labels['le']) === '+Inf')?.value).toBe(1);
  });

  it('denies (fail closed, HTTP 200) when mutate throws or returns no object', async () => {
    const { server: s, registry } = start();
    const res = await post(s, '/mutate', reviewOf('SpiderSubnet', { name: 'sub-a' }));
    expect(res.status).toBe(200);
    expect(res.body.response).toEqual({
      uid: 'uid-SpiderSubnet',
      allowed: false,
      status: { code: 500, reason: 'InternalError', message: 'SpiderSubnet sub-a: admission failed: internal error: boom' },
    });
    const wrong = await post(s, '/mutate', reviewOf('SpiderReservedIP'));
    expect(wrong.body.response).toMatchObject({ allowed: false, status: { code: 500, message: expect.stringContaining('returned no object') } });
    // Every registered kind has a series from the start (zero until its logic fails).
    const errors = await metric(registry, 'spiderpool_webhook_admission_errors_total');
    expect(errors.filter((e) => e.value > 0)).toEqual([
      { labels: { kind: 'SpiderSubnet' }, value: 1 },
      { labels: { kind: 'SpiderReservedIP' }, value: 1 },
    ]);
    expect(errors.map((e) => e.labels['kind']).sort()).toEqual([poolAdmission, failing, slow, broken, gated].map((k) => k.kind).sort());
  });
});

describe('POST /validate', () => {
  it('allows an object without violations', async () => {
    const { server: s } = start();
    const res = await post(s, '/validate', reviewOf('SpiderIPPool', { object: poolObject({ subnet: '192.0.2.0/24', gateway: '192.0.2.1' }) }));
    expect(res.body.response).toEqual({ uid: 'uid-SpiderIPPool', allowed: true });
  });

  it('denies with 422 Invalid, one message naming the object and every violation, and counts each rule once', async () => {
    const { server: s, registry } = start();
    const res = await post(s, '/validate', reviewOf('SpiderIPPool', { object: poolObject({ subnet: '192.0.2.0/24', gateway: '198.51.100.1' }) }));
    expect(res.status).toBe(200);
    expect(res.body.response).toEqual({
      uid: 'uid-SpiderIPPool',
      allowed: false,
      status: {
        code: 422,
        reason: 'Invalid',
        message: 'SpiderIPPool pool-a: spec.gateway: value "198.51.100.1" must be inside spec.subnet 192.0.2.0/24 [gateway-in-subnet]; '
          + 'spec.gateway: value "198.51.100.1" must not be the network address [gateway-in-subnet]; spec.subnet: value "192.0.2.0/24" must be canonical [subnet-canonical]',
      },
    });
    expect(await metric(registry, 'spiderpool_webhook_admission_denials_total')).toEqual([
      { labels: { kind: 'SpiderIPPool', rule: 'gateway-in-subnet' }, value: 1 },
      { labels: { kind: 'SpiderIPPool', rule: 'subnet-canonical' }, value: 1 },
    ]);
  });

  it('names namespaced and generateName objects', async () => {
    const { server: s } = start();
    const object = { ...poolObject({ subnet: '192.0.2.0/24', gateway: '203.0.113.1' }), metadata: { generateName: 'web-' } };
    const res = await post(s, '/validate', reviewOf('SpiderIPPool', { object, namespace: 'team-a' }));
    expect(res.body.response.status.message).toMatch(/^SpiderIPPool team-a\/web-\*: /);
  });

  it('maps errors thrown by the kind to a status (UNAVAILABLE → 503) and times out slow logic (504)', async () => {
    const { server: s } = start();
    const unavailable = await post(s, '/validate', reviewOf('SpiderSubnet', { name: 'sub-a' }));
    expect(unavailable.body.response.status).toEqual({ code: 503, reason: 'ServiceUnavailable', message: 'SpiderSubnet sub-a: admission failed: unavailable: kube-apiserver unreachable' });
    const slowRes = await post(s, '/validate', reviewOf('SpiderCoordinator', { name: 'default' }));
    expect(slowRes.status).toBe(200);
    expect(slowRes.body.response).toMatchObject({ allowed: false, status: { code: 504, reason: 'Timeout', message: expect.stringContaining('did not finish within 200 ms') } });
    const broken = await post(s, '/validate', reviewOf('SpiderReservedIP'));
    expect(broken.body.response).toMatchObject({ allowed: false, status: { code: 500, message: expect.stringContaining('returned no list of violations') } });
  });

  it('drops the remaining work of a request that timed out (it never runs after its answer went out)', async () => {
    const { server: s } = start();
    gate.ran.length = 0;
    gate.open = new Promise<void>((resolve) => {
      gate.release = resolve;
    });
    const timedOut = await post(s, '/validate', reviewOf('SpiderMultusConfig', { uid: 'timed-out' }));
    expect(timedOut.body.response).toMatchObject({ uid: 'timed-out', allowed: false, status: { code: 504 } });
    gate.release();
    const after = await post(s, '/validate', reviewOf('SpiderMultusConfig', { uid: 'after' }));
    expect(after.body.response).toEqual({ uid: 'after', allowed: true });
    expect(gate.ran).toEqual(['after']);
  });

  it('observes the duration per kind, operation and webhook', async () => {
    const { server: s, registry } = start();
    await post(s, '/validate', reviewOf('SpiderIPPool', { operation: 'DELETE', object: null, oldObject: poolObject({ subnet: '192.0.2.0/24' }) }));
    const counts = (await metric(registry, 'spiderpool_webhook_admission_duration_seconds')).filter((d) => String(d.labels['le']) === '+Inf');
    expect(counts).toEqual([{ labels: { kind: 'SpiderIPPool', operation: 'DELETE', webhook: 'validate', le: '+Inf' }, value: 1 }]);
  });
});

describe('malformed requests', () => {
  it.each([
    ['not JSON', 'hello', 'must be valid JSON'],
    ['empty', '', 'must be a JSON AdmissionReview'],
    ['wrong apiVersion', JSON.stringify({ apiVersion: 'v1', kind: 'AdmissionReview' }), 'apiVersion'],
    ['missing uid', JSON.stringify({ ...reviewOf('SpiderIPPool'), request: { ...(reviewOf('SpiderIPPool')['request'] as object), uid: undefined } }), 'request.uid'],
  ])('%s → 400 with a metav1.Status', async (_name, body, text) => {
    const { server: s, registry } = start();
    const res = await post(s, '/validate', body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ apiVersion: 'v1', kind: 'Status', status: 'Failure', code: 400, reason: 'BadRequest' });
    expect(res.body.message).toContain(text);
    expect(await metric(registry, 'spiderpool_webhook_admission_bad_requests_total')).toEqual([{ labels: { webhook: 'validate' }, value: 1 }]);
  });

  it('parses the body whatever the content type says', async () => {
    const { server: s } = start();
    expect((await post(s, '/validate', reviewOf('SpiderIPPool'), { 'content-type': 'text/plain' })).status).toBe(200);
    expect((await post(s, '/validate', reviewOf('SpiderIPPool'), {})).status).toBe(200);
  });

  it('answers 413 for a body over the limit and 415 for a content type that is no media type', async () => {
    const { server: s, registry } = start({ bodyLimitBytes: 64 * 1024 });
    const big = await post(s, '/mutate', { pad: 'x'.repeat(70 * 1024) });
    expect(big).toMatchObject({ status: 413, body: { kind: 'Status', code: 413, reason: 'RequestEntityTooLarge' } });
    const weird = await post(s, '/mutate', reviewOf('SpiderIPPool'), { 'content-type': 'a/b/c' });
    expect(weird).toMatchObject({ status: 415, body: { kind: 'Status', code: 415, reason: 'UnsupportedMediaType' } });
    expect(await metric(registry, 'spiderpool_webhook_admission_bad_requests_total')).toEqual([{ labels: { webhook: 'mutate' }, value: 2 }]);
  });

  it('has no other routes', async () => {
    const { server: s } = start();
    expect((await s.app.inject({ method: 'GET', url: '/validate' })).statusCode).toBe(404);
    expect((await s.app.inject({ method: 'POST', url: '/mutate-spiderippool', payload: '{}' })).statusCode).toBe(404);
  });
});

describe('setup', () => {
  it('refuses a kind registered twice', () => {
    expect(() => createAdmissionServer({
      kinds: [poolAdmission, poolAdmission],
      context,
      metrics: createAdmissionMetrics(new Registry()),
      logger: createLogger({ service: 'test', level: 'silent' }),
    })).toThrow('admission for kind SpiderIPPool is registered twice');
  });

  it('cannot swap the certificate of a plain-HTTP server', () => {
    const { server: s } = start();
    expect(() => s.setCertificate({ cert: '', key: '' })).toThrow('started without TLS');
    expect(s.dispatcher.kinds).toEqual(['SpiderCoordinator', 'SpiderIPPool', 'SpiderMultusConfig', 'SpiderReservedIP', 'SpiderSubnet']);
  });
});
