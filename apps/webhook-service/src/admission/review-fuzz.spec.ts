// SPDX-License-Identifier: Apache-2.0
// The real admission server (every kind as main.ts registers it, the in-memory context) fed
// seeded malformed objects, in-process: no kind's logic may throw on odd input, so no review is
// answered with a 5xx status. The e2e fuzz suite (e2e/webhook/review-fuzz.ts) does the same over
// HTTPS against a built service; apps may not import e2e, hence this small generator of its own.
import { afterAll, describe, expect, it } from '@jest/globals';
import type { SpiderMultusConfig } from '@spiderpool/crds';
import type { KubeObject } from '@spiderpool/k8s';
import { Registry, createLogger } from '@spiderpool/observability';
import { coordinatorAdmission } from '../coordinator/coordinator-admission.ts';
import { ipPoolAdmission, reservedIpAdmission, subnetAdmission } from '../ippool/index.ts';
import { multusConfigAdmission } from '../multus/multus-config-admission.ts';
import { nadNameViolations } from '../multus/nad-name-rules.ts';
import { createPodInjectionAdmission } from '../multus/pod-injection-admission.ts';
import { createAdmissionMetrics } from './admission-metrics.ts';
import type { AdmissionResponse } from './admission-review.ts';
import { createAdmissionServer } from './admission-server.ts';
import type { KindAdmission, WatchedKind } from './admission-types.ts';
import { MAX_OBJECT_DEPTH, objectDepthViolation } from './object-depth.ts';
import { FakeAdmissionContext } from './testing/fake-context.ts';
import { FUZZ_KINDS, prng, type FuzzKind } from '@spiderpool/testkit';

const SEED = Number(process.env['SPIDERPOOL_FUZZ_SEED'] ?? 0x5eed_2025);
const CASES = 3_000;

/** As main.ts registers them; the generator sends only these kinds. */
const KIND_ADMISSIONS = [
  coordinatorAdmission,
  ipPoolAdmission, subnetAdmission, reservedIpAdmission,
  multusConfigAdmission,
  createPodInjectionAdmission({ excludedNamespaces: ['kube-system', 'spiderpool'] }),
] as KindAdmission<KubeObject>[];
const KINDS = FUZZ_KINDS.filter((k) => KIND_ADMISSIONS.some((a) => a.kind === k.kind));


const PLAUSIBLE: unknown[] = [
  '192.0.2.0/24', '198.51.100.0/24', '2001:db8::/64', '192.0.2.1', '192.0.2.10-192.0.2.20', '198.51.100.300', '::/0', 4, 6, 0, -1, 4096, 1e300, true, false, null, '',
  'macvlan', 'ipvlan', 'sriov', 'custom', 'auto', 'underlay', 'overlay', 'cluster', 'eth0', '0a:1b', 'zz:zz', '..', 'a/b', ['192.0.2.1'], [{ dst: '203.0.113.0/24', gw: '192.0.2.1' }],
  { matchLabels: { app: 'web' } }, { matchExpressions: [{ key: 'a', operator: 'Bogus' }] }, { master: ['eth0'], vlanID: 100 }, { master: 'eth0' }, [{ name: 'c', resources: 'x' }],
];

/** Injection annotations (so pod injection reads the configs below) and the NAD-name annotation. */
const ANNOTATIONS: unknown[] = [
  { 'cni.spidernet.io/network-resource-inject': 'group-a' }, { 'cni.spidernet.io/rdma-resource-inject': 'group-a' }, { 'k8s.v1.cni.cncf.io/networks': 7 },
  { 'multus.spidernet.io/cr-name': '..' }, { 'multus.spidernet.io/cr-name': 5 }, 'text', [], null, {},
];

const OPERATIONS = ['CREATE', 'UPDATE', 'DELETE'] as const;

interface Case {
  index: number;
  path: '/mutate' | '/validate';
  kind: string;
  deep: boolean;
  body: string;
}

class Generator {
  readonly #random: () => number;

  constructor(seed: number) {
    this.#random = prng(seed);
  }

  #int(max: number): number {
    return Math.floor(this.#random() * max);
  }

  #pick<T>(items: readonly T[]): T {
    return items[this.#int(items.length)] as T;
  }

  #json(depth: number): unknown {
    const r = this.#random();
    if (depth <= 0 || r < 0.5) return this.#pick(PLAUSIBLE);
    if (r < 0.75) return Array.from({ length: this.#int(4) }, () => this.#json(depth - 1));
    return Object.fromEntries(Array.from({ length: this.#int(4) }, () => [this.#pick(['a', 'master', 'dst', 'name', 'x']), this.#json(depth - 1)]));
  }

  #object(kind: FuzzKind, name: string, namespace: string | undefined): Record<string, unknown> {
    const spec: Record<string, unknown> = {};
    for (const field of kind.fields) if (this.#random() < 0.5) spec[field] = this.#json(3);
    const annotations = this.#random() < 0.3 ? { annotations: this.#pick(ANNOTATIONS) } : {};
    return {
      apiVersion: kind.group ? `${kind.group}/v2beta1` : 'v1',
      kind: kind.kind,
      metadata: { name, ...(name ? {} : { generateName: 'gen-' }), ...(namespace ? { namespace } : {}), ...annotations },
      spec: this.#random() < 0.1 ? this.#json(1) : spec,
    };
  }

  next(index: number): Case {
    const kind = this.#pick(KINDS);
    const path = this.#random() < 0.5 ? '/mutate' : '/validate';
    const operation = this.#pick(OPERATIONS);
    const name = this.#pick(['obj-1', 'obj-2', '', '..', 'Bad_Name']);
    const namespace = kind.namespaced ? this.#pick(['default', 'team-a', '..', 'a/b']) : undefined;
    const request = {
      uid: `fuzz-${index}`,
      kind: { group: kind.group, version: kind.group ? 'v2beta1' : 'v1', kind: kind.kind },
      name,
      ...(namespace ? { namespace } : {}),
      operation,
      object: operation === 'DELETE' ? null : this.#object(kind, name, namespace),
      oldObject: operation === 'CREATE' ? null : this.#object(kind, name, namespace),
    };
    const text = JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request });
    const deep = operation !== 'DELETE' && this.#random() < 0.1;
    return { index, path, kind: kind.kind, deep, body: deep ? this.#nested(text) : text };
  }

  /** Nesting far deeper than any object, spliced into the spec as text (JSON.stringify would overflow). */
  #nested(text: string): string {
    const levels = 1_000 + this.#int(19_000);
    const nested = this.#random() < 0.5 ? `${'['.repeat(levels)}1${']'.repeat(levels)}` : `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
    const at = text.indexOf('"object":{') + '"object":{'.length;
    return `${text.slice(0, at)}"nested":${nested},${text.slice(at)}`;
  }
}

const context = new FakeAdmissionContext();
// A config of the injection group and a NAD, so that pod injection and the NAD-name rule read objects.
context.put('SpiderMultusConfig', {
  apiVersion: 'spiderpool.spidernet.io/v2beta1',
  kind: 'SpiderMultusConfig',
  metadata: { name: 'obj-2', namespace: 'team-a', labels: { 'cni.spidernet.io/network-resource-inject': 'group-a' } },
  spec: { cniType: 'macvlan', macvlan: { master: ['eth0'] } },
} as KubeObject);
context.put('NetworkAttachmentDefinition', { apiVersion: 'k8s.cni.cncf.io/v1', kind: 'NetworkAttachmentDefinition', metadata: { name: 'obj-1', namespace: 'default' } });

const server = createAdmissionServer({
  kinds: KIND_ADMISSIONS,
  context,
  metrics: createAdmissionMetrics(new Registry()),
  logger: createLogger({ service: 'test', level: 'silent' }),
});

afterAll(async () => {
  await server.app.close();
});

async function answer(c: Case): Promise<{ status: number; response: AdmissionResponse | undefined }> {
  const res = await server.app.inject({ method: 'POST', url: c.path, headers: { 'content-type': 'application/json' }, payload: c.body });
  const parsed = JSON.parse(res.body) as { response?: AdmissionResponse };
  return { status: res.statusCode, response: parsed.response };
}

describe(`admission of malformed objects of every kind (seed ${SEED})`, () => {
  it(`answers ${CASES} seeded reviews without an internal error`, async () => {
    const generator = new Generator(SEED);
    const problems: string[] = [];
    const seen = new Set<string>();
    for (let i = 0; i < CASES; i++) {
      const c = generator.next(i);
      const { status, response } = await answer(c);
      seen.add(`${c.kind} ${c.path}${c.deep ? ' deep' : ''}`);
      if (status !== 200 || !response) problems.push(`#${i} ${c.kind} ${c.path}: HTTP ${status}`);
      else if ((response.status?.code ?? 0) >= 500) problems.push(`#${i} ${c.kind} ${c.path}: ${response.status?.code} ${response.status?.message}`);
    }
    expect({ seed: SEED, problems: problems.slice(0, 10), count: problems.length }).toEqual({ seed: SEED, problems: [], count: 0 });
    // Every kind went through both webhooks, with and without deep nesting.
    expect(seen.size).toBe(KINDS.length * 4);
  }, 60_000);

  it.each(KINDS.map((k) => k.kind))('denies a %s nested too deep on /validate naming the field, and lets /mutate through unchanged', async (kind) => {
    const generator = new Generator(SEED);
    let c = generator.next(0);
    while (c.kind !== kind || !c.deep) c = generator.next(0);
    const validated = await answer({ ...c, path: '/validate' });
    expect(validated.response).toMatchObject({ allowed: false, status: { code: 422, reason: 'Invalid' } });
    expect(validated.response?.status?.message).toMatch(/: nested(\[0\]|\.a): value "<(array|object)>" must be nested at most 256 levels deep \[object-depth\]$/);
    const mutated = await answer({ ...c, path: '/mutate' });
    expect(mutated.response).toMatchObject({ allowed: true });
    expect(mutated.response?.patch).toBeUndefined();
    expect(mutated.response?.warnings?.[0]).toMatch(/ not mutated: nested(\[0\]|\.a): value .* \[object-depth\]$/);
  });
});

describe('objectDepthViolation', () => {
  const nest = (levels: number): unknown => {
    let value: unknown = 1;
    for (let i = 0; i < levels; i++) value = i % 2 ? [value] : { a: value };
    return value;
  };

  it('accepts an object nested exactly the limit deep and names the field two levels down past it', () => {
    expect(objectDepthViolation({ spec: nest(MAX_OBJECT_DEPTH - 1) }, '')).toBeUndefined();
    expect(objectDepthViolation({ spec: { ips: nest(MAX_OBJECT_DEPTH) } }, '')).toEqual({ field: 'spec.ips', value: '<array>', id: 'object-depth', rule: 'must be nested at most 256 levels deep' });
    expect(objectDepthViolation({ spec: [[nest(MAX_OBJECT_DEPTH)]] }, 'oldObject')).toEqual(expect.objectContaining({ field: 'oldObject.spec[0]', value: '<array>' }));
  });

  it('measures any depth without growing the stack', () => {
    expect(objectDepthViolation(JSON.parse(`${'['.repeat(200_000)}${']'.repeat(200_000)}`), '')?.field).toBe('[0][0]');
    expect(objectDepthViolation(undefined, '')).toBeUndefined();
  });
});

describe('nadNameViolations', () => {
  /** Records the names looked up: a name that cannot exist must never reach the API server's URL. */
  class RecordingContext extends FakeAdmissionContext {
    readonly asked: string[] = [];
    override async get<T extends KubeObject>(kind: WatchedKind, name: string, namespace?: string): Promise<T | undefined> {
      this.asked.push(`${namespace}/${name}`);
      return super.get<T>(kind, name, namespace);
    }
  }

  it.each([
    ['an empty name', { name: '' }, 'default'],
    ['a name that is a path segment', { name: '..' }, 'default'],
    ['an annotation of the wrong type', { name: 'obj-1', annotations: { 'multus.spidernet.io/cr-name': 5 } }, 'default'],
    ['a namespace with a slash', { name: 'obj-1' }, 'a/b'],
    ['a namespace of the wrong type', { name: 'obj-1' }, 7],
  ])('looks nothing up for %s', async (_label, metadata, namespace) => {
    const ctx = new RecordingContext();
    await expect(nadNameViolations({ metadata } as SpiderMultusConfig, namespace, ctx)).resolves.toEqual([]);
    expect(ctx.asked).toEqual([]);
  });

  it('still looks up a valid name', async () => {
    const ctx = new RecordingContext();
    await nadNameViolations({ metadata: { name: 'obj-1' } }, 'default', ctx);
    expect(ctx.asked).toEqual(['default/obj-1']);
  });
});
