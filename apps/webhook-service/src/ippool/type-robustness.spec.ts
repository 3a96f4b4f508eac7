// SPDX-License-Identifier: Apache-2.0
// Mutating webhooks see objects before schema validation: every spec field may hold any JSON
// value. Admission must never throw on one (a throw is a 500 denial): mutation leaves what it
// cannot read as written, validation reports it on its field.
import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '@spiderpool/k8s';
import type { AdmissionRequestView, KindAdmission, Violation, WatchedKind } from '../admission/admission-types.ts';
import { FIELD_TYPE } from '../admission/field-types.ts';
import { BAD_VALUES } from '../admission/testing/bad-values.ts';
import { admissionRequest, FakeAdmissionContext } from '../admission/testing/fake-context.ts';
import { ipPoolAdmission, reservedIpAdmission, subnetAdmission } from './index.ts';
import { pool, reserved, subnet } from './testing/builders.ts';

/** What a field must hold: the checks below know which values are of the wrong type. */
type FieldType = 'string' | 'string-list' | 'ip-version' | 'object' | 'list' | 'boolean';

interface KindUnderTest {
  kind: WatchedKind;
  admission: KindAdmission<KubeObject>;
  base: () => KubeObject;
  fields: Record<string, FieldType>;
  /** Stored beforehand, so that ownership and overlap checks run too. */
  existing: Array<{ kind: WatchedKind; object: KubeObject }>;
}

const POOL_IPS = ['203.0.113.10-203.0.113.20'];
const ROUTES = [{ dst: '198.51.100.0/24', gw: '203.0.113.1' }];

const kinds = [
  {
    kind: 'SpiderIPPool',
    admission: ipPoolAdmission,
    base: () =>
      pool('p', {
        ipVersion: 4,
        ips: POOL_IPS,
        excludeIPs: ['203.0.113.15'],
        gateway: '203.0.113.1',
        routes: ROUTES,
        podAffinity: { matchLabels: { app: 'web' } },
        namespaceAffinity: { matchExpressions: [{ key: 'team', operator: 'In', values: ['blue'] }] },
        namespaceName: ['default'],
        nodeAffinity: { matchLabels: { 'kubernetes.io/os': 'linux' } },
        nodeName: ['node-1'],
        multusName: ['kube-system/macvlan'],
        default: false,
        disable: false,
      }),
    fields: {
      spec: 'object',
      ipVersion: 'ip-version',
      subnet: 'string',
      ips: 'string-list',
      excludeIPs: 'string-list',
      gateway: 'string',
      routes: 'list',
      podAffinity: 'object',
      namespaceAffinity: 'object',
      namespaceName: 'string-list',
      nodeAffinity: 'object',
      nodeName: 'string-list',
      multusName: 'string-list',
      default: 'boolean',
      disable: 'boolean',
    },
    existing: [{ kind: 'SpiderSubnet', object: subnet('owner', { ipVersion: 4, ips: ['203.0.113.2-203.0.113.200'], gateway: '203.0.113.1' }) }],
  },
  {
    kind: 'SpiderSubnet',
    admission: subnetAdmission,
    base: () => subnet('s', { ipVersion: 4, ips: ['203.0.113.2-203.0.113.200'], excludeIPs: ['203.0.113.100'], gateway: '203.0.113.1', routes: ROUTES }),
    fields: { spec: 'object', ipVersion: 'ip-version', subnet: 'string', ips: 'string-list', excludeIPs: 'string-list', gateway: 'string', routes: 'list' },
    existing: [{ kind: 'SpiderIPPool', object: pool('inside', { ipVersion: 4, ips: POOL_IPS }) }],
  },
  {
    kind: 'SpiderReservedIP',
    admission: reservedIpAdmission,
    base: () => reserved('r', { ipVersion: 4, ips: ['203.0.113.1', '203.0.113.5-203.0.113.9'] }),
    fields: { spec: 'object', ipVersion: 'ip-version', ips: 'string-list' },
    existing: [],
  },
] as unknown as KindUnderTest[];

function withField(obj: KubeObject, field: string, value: unknown): KubeObject {
  const copy = structuredClone(obj) as KubeObject & { spec?: unknown };
  if (field === 'spec') copy.spec = structuredClone(value);
  else (copy.spec as Record<string, unknown>)[field] = structuredClone(value);
  return copy;
}

function fieldOf(obj: KubeObject | undefined, field: string): unknown {
  const spec = (obj as { spec?: unknown } | undefined)?.spec;
  return field === 'spec' ? spec : (spec as Record<string, unknown> | undefined)?.[field];
}

function contextFor(k: KindUnderTest): FakeAdmissionContext {
  const ctx = new FakeAdmissionContext();
  for (const e of k.existing) ctx.put(e.kind, e.object);
  return ctx;
}

async function admit(k: KindUnderTest, req: AdmissionRequestView<KubeObject>, ctx: FakeAdmissionContext) {
  const mutated = k.admission.mutate ? await k.admission.mutate(req, ctx) : req.object;
  const violations = await k.admission.validate({ ...req, object: req.object ? mutated : undefined }, ctx);
  return { mutated, violations };
}

/** The stored form of the valid object: created through mutation. */
async function storedBase(k: KindUnderTest, ctx: FakeAdmissionContext): Promise<KubeObject> {
  const created = k.admission.mutate ? await k.admission.mutate(admissionRequest('CREATE', k.base()), ctx) : k.base();
  ctx.put(k.kind, created);
  return created;
}

/** True when `value` is not of the type `type` (null counts as absent, which is of every type). */
function isWrongType(type: FieldType, value: unknown): boolean {
  if (value === null) return false;
  switch (type) {
    case 'string':
      return typeof value !== 'string';
    case 'string-list':
      return !Array.isArray(value) || !value.every((v) => typeof v === 'string');
    case 'ip-version':
      return value !== 4 && value !== 6;
    case 'boolean':
      return typeof value !== 'boolean';
    case 'list':
      return !Array.isArray(value) || !value.every((v) => typeof v === 'object' && v !== null && !Array.isArray(v));
    case 'object':
      return typeof value !== 'object' || Array.isArray(value);
  }
}

function expectReported(violations: Violation[], field: string, type: FieldType, value: unknown): void {
  const path = field === 'spec' ? 'spec' : `spec.${field}`;
  const onField = violations.filter((v) => v.field === path || v.field.startsWith(`${path}[`) || v.field.startsWith(`${path}.`));
  expect(onField.length).toBeGreaterThan(0);
  // A value that is no string or list where one is required says so in the `field-type` rule.
  const typed = type === 'string' || type === 'string-list' || type === 'list' || type === 'boolean' || field === 'spec';
  if (typed && !(type === 'string' && typeof value === 'string')) {
    expect(onField.some((v) => v.id === FIELD_TYPE && /^must be an? /.test(v.rule))).toBe(true);
  }
}

const rows = kinds.flatMap((k) =>
  Object.entries(k.fields).flatMap(([field, type]) => BAD_VALUES.map(([label, value]) => [k.kind, field, label, k, type, value] as const)),
);

describe('admission of wrongly typed spec fields', () => {
  it.each(kinds.map((k) => [k.kind, k] as const))('%s: the base object is valid', async (_kind, k) => {
    const { violations } = await admit(k, admissionRequest('CREATE', k.base()), contextFor(k));
    expect(violations).toEqual([]);
  });

  it.each(rows)('%s spec.%s = %s', async (_kind, field, _label, k, type, value) => {
    const wrong = isWrongType(type, value);

    // CREATE: mutation keeps the field as sent; validation names it when the type is wrong.
    const sent = withField(k.base(), field, value);
    const created = await admit(k, admissionRequest('CREATE', sent), contextFor(k));
    if (value !== null) expect(fieldOf(created.mutated, field)).toEqual(value);
    if (wrong) expectReported(created.violations, field, type, value);

    // UPDATE of a valid stored object to the wrong value.
    let ctx = contextFor(k);
    let stored = await storedBase(k, ctx);
    const updated = await admit(k, admissionRequest('UPDATE', withField(stored, field, value), stored), ctx);
    if (value !== null) expect(fieldOf(updated.mutated, field)).toEqual(value);
    if (wrong) expectReported(updated.violations, field, type, value);

    // UPDATE of a stored object that already holds the value (stored before the schema forbade it).
    ctx = contextFor(k);
    stored = withField(await storedBase(k, ctx), field, value);
    ctx.put(k.kind, stored);
    await admit(k, admissionRequest('UPDATE', k.base(), stored), ctx);

    // DELETE of such an object.
    await admit(k, admissionRequest('DELETE', undefined, stored), ctx);

    // Another object admitted beside a stored peer that holds the value.
    const other = structuredClone(k.base());
    (other.metadata ??= {}).name = 'other';
    await admit(k, admissionRequest('CREATE', other), ctx);
  });
});
