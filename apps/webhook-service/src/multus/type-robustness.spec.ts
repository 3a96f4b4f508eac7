// SPDX-License-Identifier: Apache-2.0
// Mutating webhooks see objects before schema validation: every spec field may hold any JSON
// value. SpiderMultusConfig admission must never throw on one (a throw is a 500 denial):
// mutation leaves what it cannot read as written, validation names the field.
import { describe, expect, it } from '@jest/globals';
import type { V1Pod } from '@kubernetes/client-node';
import type { SpiderMultusConfig, SpiderMultusConfigSpec } from '@spiderpool/crds';
import type { AdmissionRequestView, Operation } from '../admission/admission-types.ts';
import { BAD_VALUES } from '../admission/testing/bad-values.ts';
import { admissionRequest, FakeAdmissionContext } from '../admission/testing/fake-context.ts';
import type { CniType } from './multus-config-blocks.ts';
import { multusConfigAdmission } from './multus-config-admission.ts';
import { defaultMultusConfig } from './multus-config-defaults.ts';
import { createPodInjectionAdmission, podInjectionAdmission } from './pod-injection-admission.ts';
import { multusConfig } from './testing/multus-samples.ts';

const OPERATIONS: readonly Operation[] = ['CREATE', 'UPDATE', 'DELETE'];

const COORDINATOR = {
  mode: 'underlay',
  podCIDRType: 'cluster',
  hijackCIDR: ['169.254.25.10'],
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

const POOLS = { ipv4: ['v4-pool'], ipv6: ['v6-pool'], matchMasterSubnet: false };
const BOND = { name: 'bond0', mode: 1, options: 'primary=eth1' };

/** Per cniType, a spec with every field of its block set (so that each can be replaced). */
const FULL: Readonly<Record<CniType, Record<string, unknown>>> = {
  macvlan: { cniType: 'macvlan', macvlan: { master: ['eth1', 'eth2'], mtu: 1500, vlanID: 100, bond: BOND, rdmaResourceName: 'example.com/rdma', ippools: POOLS } },
  ipvlan: { cniType: 'ipvlan', ipvlan: { master: ['eth1', 'eth2'], mtu: 1500, vlanID: 100, bond: BOND, rdmaResourceName: 'example.com/rdma', ippools: POOLS } },
  vlan: { cniType: 'vlan', vlan: { master: ['eth1'], mtu: 1500, vlanID: 300, vlanMode: 'manual', rdmaResourceName: 'example.com/rdma', ippools: POOLS } },
  sriov: { cniType: 'sriov', sriov: { resourceName: 'example.com/vf', vlanID: 200, mtu: 9000, minTxRateMbps: 100, maxTxRateMbps: 1000, rdmaIsolation: true, ippools: { ...POOLS, matchMasterSubnet: true } } },
  'ib-sriov': { cniType: 'ib-sriov', ibsriov: { resourceName: 'example.com/ib_vf', pkey: '0x7fff', linkState: 'enable', rdmaIsolation: true, enableIbKubernetes: false, ippools: POOLS } },
  ipoib: { cniType: 'ipoib', ipoib: { master: 'ib0', ippools: POOLS } },
  ovs: { cniType: 'ovs', ovs: { bridge: 'br1', vlan: 10, trunk: [{ minID: 20, maxID: 29 }, { id: 40 }], deviceID: '0000:3b:00.2', ippools: POOLS } },
  custom: { cniType: 'custom', customCNI: '{"cniVersion":"0.4.0","type":"bridge","bridge":"br-custom"}' },
};

const TOP_LEVEL = ['cniType', 'macvlan', 'ipvlan', 'vlan', 'sriov', 'ibsriov', 'ipoib', 'ovs', 'enableCoordinator', 'disableIPAM', 'coordinator', 'chainCNIJsonData', 'customCNI'];

/** Every path below `value` (objects and lists), depth first: `['macvlan', 'bond', 'name']`. */
function pathsOf(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (Array.isArray(value)) return value.flatMap((v, i) => [[...prefix, i], ...pathsOf(v, [...prefix, i])]);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => [[...prefix, k], ...pathsOf(v, [...prefix, k])]);
}

function sample(type: CniType): Record<string, unknown> {
  const spec = structuredClone(FULL[type]);
  return type === 'custom' ? spec : { ...spec, enableCoordinator: true, disableIPAM: false, coordinator: structuredClone(COORDINATOR), chainCNIJsonData: ['{"type":"tuning"}'] };
}

function withValue(spec: Record<string, unknown>, path: ReadonlyArray<string | number>, value: unknown): Record<string, unknown> {
  const out = structuredClone(spec);
  let at: Record<string | number, unknown> = out;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  at[path[path.length - 1] as string | number] = structuredClone(value);
  return out;
}

const smcWith = (spec: unknown): SpiderMultusConfig => ({ ...multusConfig('macvlan', { name: 'net' }), spec: spec as SpiderMultusConfigSpec });

function requestFor(operation: Operation, object: SpiderMultusConfig): AdmissionRequestView<SpiderMultusConfig> {
  const stored = multusConfig('macvlan', { name: 'net' });
  if (operation === 'CREATE') return admissionRequest('CREATE', structuredClone(object));
  if (operation === 'UPDATE') return admissionRequest('UPDATE', structuredClone(object), stored);
  return admissionRequest('DELETE', undefined, structuredClone(object));
}

async function admit(operation: Operation, object: SpiderMultusConfig): Promise<void> {
  const ctx = new FakeAdmissionContext();
  const mutated = await multusConfigAdmission.mutate!(requestFor(operation, object), ctx);
  await multusConfigAdmission.validate(requestFor(operation, mutated ?? object), ctx);
  await multusConfigAdmission.validate(requestFor(operation, object), ctx);
}

const SPEC_CASES = (Object.keys(FULL) as CniType[]).flatMap((type) => {
  const spec = sample(type);
  const paths = [...TOP_LEVEL.map((f) => [f]), ...pathsOf(spec).filter((p) => p.length > 1)];
  return paths.map((path) => [type, `spec.${path.join('.')}`, path] as const);
});

describe('SpiderMultusConfig admission with fields of the wrong type', () => {
  describe.each(OPERATIONS)('%s', (operation) => {
    it.each(BAD_VALUES)('spec = %s neither throws in mutate nor in validate', async (_label, value) => {
      await expect(admit(operation, smcWith(structuredClone(value)))).resolves.toBeUndefined();
    });

    it.each(SPEC_CASES)('%s with %s of every wrong type neither throws in mutate nor in validate', async (type, _field, path) => {
      for (const [, value] of BAD_VALUES) {
        await expect(admit(operation, smcWith(withValue(sample(type), path, value)))).resolves.toBeUndefined();
      }
    });
  });

  it('leaves fields it cannot read as written and names them with field-type', async () => {
    const ctx = new FakeAdmissionContext();
    const cases: Array<[CniType, Array<string | number>, unknown]> = [
      ['macvlan', ['macvlan', 'ippools'], 'text'],
      ['macvlan', ['macvlan', 'bond'], [1, {}]],
      ['sriov', ['sriov', 'mtu'], 'text'],
      ['vlan', ['vlan', 'master'], { a: 1 }],
      ['ovs', ['ovs', 'trunk'], 42],
      ['macvlan', ['coordinator', 'podMACPrefix'], 42],
      ['macvlan', ['coordinator'], [1, {}]],
      ['macvlan', ['chainCNIJsonData'], 'text'],
      ['custom', ['customCNI'], { a: 1 }],
      ['macvlan', ['enableCoordinator'], 'yes'],
    ];
    for (const [type, path, value] of cases) {
      const mutated = await multusConfigAdmission.mutate!(admissionRequest('CREATE', smcWith(withValue(sample(type), path, value))), ctx);
      let at: unknown = mutated.spec;
      for (const key of path) at = (at as Record<string | number, unknown>)[key];
      expect(at).toEqual(value);
      const violations = await multusConfigAdmission.validate(admissionRequest('CREATE', mutated), ctx);
      expect(violations).toContainEqual(expect.objectContaining({ field: `spec.${path.join('.')}`, id: 'field-type' }));
    }
  });

  it('leaves a spec that is not an object as written and reports it', async () => {
    const ctx = new FakeAdmissionContext();
    for (const spec of [42, 'text', [1, {}], true]) {
      const mutated = await multusConfigAdmission.mutate!(admissionRequest('CREATE', smcWith(spec)), ctx);
      expect(mutated.spec).toEqual(spec);
      const violations = await multusConfigAdmission.validate(admissionRequest('CREATE', mutated), ctx);
      expect(violations).toContainEqual(expect.objectContaining({ field: 'spec', id: 'field-type', rule: 'must be an object' }));
    }
  });
});

describe('Pod resource injection with malformed pods', () => {
  const RDMA = 'cni.spidernet.io/rdma-resource-inject';
  const smc = defaultMultusConfig(multusConfig('sriov', { name: 'vf', namespace: 'net', annotations: { [RDMA]: 'gpu' } }));
  const annotations = { [RDMA]: 'gpu' };
  const MALFORMED: ReadonlyArray<readonly [string, unknown]> = [
    ['metadata: 5', { metadata: 5, spec: { containers: [{ name: 'app' }] } }],
    ['annotations: [1]', { metadata: { name: 'p', annotations: [1] }, spec: { containers: [{ name: 'app' }] } }],
    ['an annotation that is no string', { metadata: { name: 'p', annotations: { [RDMA]: 42 } }, spec: { containers: [{ name: 'app' }] } }],
    ['spec: "x"', { metadata: { name: 'p', annotations }, spec: 'x' }],
    ['containers: {}', { metadata: { name: 'p', annotations }, spec: { containers: {} } }],
    ['containers: [null, 1]', { metadata: { name: 'p', annotations }, spec: { containers: [null, 1] } }],
    ['a container whose resources are a string', { metadata: { name: 'p', annotations }, spec: { containers: [{ name: 'app', resources: 'x' }] } }],
  ];

  it.each(MALFORMED)('admits a pod with %s unchanged, and never denies it', async (_label, pod) => {
    for (const operation of OPERATIONS) {
      const ctx = new FakeAdmissionContext().put('SpiderMultusConfig', smc);
      const request = operation === 'DELETE' ? admissionRequest<V1Pod>('DELETE', undefined, structuredClone(pod) as V1Pod) : admissionRequest<V1Pod>(operation, structuredClone(pod) as V1Pod);
      const out = await podInjectionAdmission.mutate!(request, ctx);
      expect(out).toEqual(pod);
      expect(await podInjectionAdmission.validate(request, ctx)).toEqual([]);
    }
  });

  it('admits the pod unchanged when the read throws something that is no Error and the error hook throws too', async () => {
    const admission = createPodInjectionAdmission({
      onError: () => {
        throw new Error('hook broken');
      },
    });
    const ctx = new FakeAdmissionContext();
    ctx.list = () => Promise.reject('not an Error');
    const pod: V1Pod = { metadata: { name: 'p', namespace: 'team-a', annotations }, spec: { containers: [{ name: 'app' }] } };
    expect(await admission.mutate!(admissionRequest('CREATE', structuredClone(pod)), ctx)).toEqual(pod);
  });
});
