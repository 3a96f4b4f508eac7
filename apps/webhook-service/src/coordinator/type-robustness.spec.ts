// SPDX-License-Identifier: Apache-2.0
// Mutating webhooks see objects before schema validation: every spec field may hold any JSON
// value. SpiderCoordinator admission must never throw on one (a throw is a 500 denial):
// mutation leaves what it cannot read as written, validation names the field.
import { describe, expect, it } from '@jest/globals';
import type { CoordinatorSpec, SpiderCoordinator } from '@spiderpool/crds';
import type { AdmissionRequestView, Operation } from '../admission/admission-types.ts';
import { BAD_VALUES } from '../admission/testing/bad-values.ts';
import { admissionRequest, FakeAdmissionContext } from '../admission/testing/fake-context.ts';
import { coordinatorAdmission } from './coordinator-admission.ts';

const SPEC: Record<string, unknown> = {
  mode: 'auto',
  podCIDRType: 'cluster',
  hijackCIDR: ['169.254.25.10', '198.51.100.0/24'],
  policyRoutes: [{ dst: '203.0.113.0/24', gw: '192.0.2.1' }],
  podMACPrefix: '0a:1b',
  tunePodRoutes: true,
  podDefaultRouteNIC: 'net1',
  hostRuleTable: 500,
  podRPFilter: 0,
  txQueueLen: 0,
  vethLinkAddress: '169.254.100.1',
  vethMTU: 1500,
};

const OPERATIONS: readonly Operation[] = ['CREATE', 'UPDATE', 'DELETE'];

const scc = (spec: unknown): SpiderCoordinator => ({
  apiVersion: 'spiderpool.spidernet.io/v2beta1',
  kind: 'SpiderCoordinator',
  metadata: { name: 'default' },
  spec: spec as CoordinatorSpec,
});

/** The request the server would send for `operation` with `object` as the object written. */
function requestFor(operation: Operation, object: SpiderCoordinator): AdmissionRequestView<SpiderCoordinator> {
  const stored = scc(SPEC);
  if (operation === 'CREATE') return admissionRequest('CREATE', object);
  if (operation === 'UPDATE') return admissionRequest('UPDATE', object, stored);
  return admissionRequest('DELETE', undefined, object);
}

async function admit(operation: Operation, object: SpiderCoordinator): Promise<void> {
  const ctx = new FakeAdmissionContext();
  const mutated = await coordinatorAdmission.mutate!(requestFor(operation, object), ctx);
  await coordinatorAdmission.validate(requestFor(operation, mutated ?? object), ctx);
  await coordinatorAdmission.validate(requestFor(operation, object), ctx);
}

/** Entries of the lists, replaced too: `[field, index, key]` (no key: the entry itself). */
const NESTED: ReadonlyArray<readonly [string, number, string?]> = [
  ['hijackCIDR', 0],
  ['policyRoutes', 0],
  ['policyRoutes', 0, 'dst'],
  ['policyRoutes', 0, 'gw'],
];

const FIELDS = ['spec', ...Object.keys(SPEC).map((f) => `spec.${f}`), ...NESTED.map(([f, i, k]) => `spec.${f}[${i}]${k ? `.${k}` : ''}`)];

const cases = OPERATIONS.flatMap((operation) => FIELDS.flatMap((field) => BAD_VALUES.map(([label, value]) => [operation, field, label, value] as const)));

/** The sample spec with the value at `field` (a path such as `spec.policyRoutes[0].dst`) replaced. */
function withValue(field: string, value: unknown): SpiderCoordinator {
  if (field === 'spec') return scc(structuredClone(value));
  const spec = structuredClone(SPEC);
  const [, name = '', index, key] = /^spec\.(\w+)(?:\[(\d+)\])?(?:\.(\w+))?$/.exec(field) ?? [];
  if (index === undefined) spec[name] = structuredClone(value);
  else if (key === undefined) (spec[name] as unknown[])[Number(index)] = structuredClone(value);
  else ((spec[name] as Array<Record<string, unknown>>)[Number(index)] as Record<string, unknown>)[key] = structuredClone(value);
  return scc(spec);
}

describe('SpiderCoordinator admission with fields of the wrong type', () => {
  it.each(cases)('%s with %s = %s neither throws in mutate nor in validate', async (operation, field, _label, value) => {
    await expect(admit(operation, withValue(field, value))).resolves.toBeUndefined();
  });

  it('leaves a field it cannot read as written and names it with field-type', async () => {
    const ctx = new FakeAdmissionContext();
    for (const [field, value] of [['podMACPrefix', 42], ['mode', ['auto']], ['tunePodRoutes', 'yes'], ['vethLinkAddress', { a: 1 }], ['policyRoutes', [1, {}]]] as const) {
      const object = withValue(`spec.${field}`, value);
      const mutated = await coordinatorAdmission.mutate!(admissionRequest('CREATE', object), ctx);
      expect((mutated.spec as Record<string, unknown>)[field]).toEqual(value);
      const violations = await coordinatorAdmission.validate(admissionRequest('CREATE', mutated), ctx);
      expect(violations.some((v) => v.id === 'field-type' && v.field.startsWith(`spec.${field}`))).toBe(true);
    }
  });

  it('leaves a spec that is not an object as written and reports it', async () => {
    const ctx = new FakeAdmissionContext();
    for (const spec of [42, 'text', [1, {}], true]) {
      const mutated = await coordinatorAdmission.mutate!(admissionRequest('CREATE', scc(spec)), ctx);
      expect(mutated.spec).toEqual(spec);
      const violations = await coordinatorAdmission.validate(admissionRequest('CREATE', mutated), ctx);
      expect(violations).toEqual([expect.objectContaining({ field: 'spec', id: 'field-type', rule: 'must be an object' })]);
    }
  });
});
