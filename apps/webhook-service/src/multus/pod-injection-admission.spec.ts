// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import type { V1Pod } from '@kubernetes/client-node';
import type { AdmissionContext } from '../admission/admission-types.ts';
import { admissionRequest, FakeAdmissionContext } from '../admission/testing/fake-context.ts';
import { defaultMultusConfig } from './multus-config-defaults.ts';
import { createPodInjectionAdmission, podInjectionAdmission } from './pod-injection-admission.ts';
import { podInjectionWebhook } from './pod-injection-webhook.ts';
import { multusConfig } from './testing/multus-samples.ts';

const RDMA = 'cni.spidernet.io/rdma-resource-inject';
const smc = defaultMultusConfig(multusConfig('sriov', { name: 'vf', namespace: 'net', annotations: { [RDMA]: 'gpu' } }));
const pod = (annotations: Record<string, string>, namespace = 'team-a'): V1Pod => ({ metadata: { name: 'p', namespace, annotations }, spec: { containers: [{ name: 'app' }] } });
const mutate = (p: V1Pod, ctx: AdmissionContext, operation: 'CREATE' | 'UPDATE' = 'CREATE', admission = podInjectionAdmission): Promise<V1Pod> =>
  Promise.resolve(admission.mutate!(admissionRequest(operation, structuredClone(p)), ctx));

describe('podInjectionAdmission', () => {
  it('injects on CREATE', async () => {
    const out = await mutate(pod({ [RDMA]: 'gpu' }), new FakeAdmissionContext().put('SpiderMultusConfig', smc));
    expect(out.metadata?.annotations?.['k8s.v1.cni.cncf.io/networks']).toBe('net/vf');
    expect(out.spec?.containers[0]?.resources?.limits).toEqual({ 'example.com/sriov_netdevice': '1' });
  });

  it('returns a pod without the annotations as it is, without reading anything', async () => {
    let reads = 0;
    const counting = new FakeAdmissionContext().put('SpiderMultusConfig', smc);
    const list = counting.list.bind(counting);
    counting.list = (kind, o) => (reads++, list(kind, o));
    const p = pod({ other: 'x' });
    expect(await mutate(p, counting)).toEqual(p);
    expect(await mutate({ metadata: { name: 'bare' } }, counting)).toEqual({ metadata: { name: 'bare' } });
    expect(reads).toBe(0);
    await mutate(pod({ [RDMA]: 'gpu' }), counting);
    expect(reads).toBe(1);
  });

  it('never changes pods on UPDATE, nor in excluded namespaces', async () => {
    const ctx = new FakeAdmissionContext().put('SpiderMultusConfig', smc);
    const p = pod({ [RDMA]: 'gpu' });
    expect(await mutate(p, ctx, 'UPDATE')).toEqual(p);
    const inSystem = pod({ [RDMA]: 'gpu' }, 'kube-system');
    expect(await mutate(inSystem, ctx)).toEqual(inSystem);
    const own = createPodInjectionAdmission({ excludedNamespaces: ['spiderpool'] });
    const inOwn = pod({ [RDMA]: 'gpu' }, 'spiderpool');
    expect(await mutate(inOwn, ctx, 'CREATE', own)).toEqual(inOwn);
  });

  it('admits the pod unchanged when the cache cannot be read, and says why', async () => {
    const errors: string[] = [];
    const admission = createPodInjectionAdmission({ onError: (err, p) => errors.push(`${p.namespace}/${p.name}: ${(err as Error).message}`) });
    const ctx = new FakeAdmissionContext().put('SpiderMultusConfig', smc);
    ctx.list = () => Promise.reject(new Error('cache down'));
    const p = pod({ [RDMA]: 'gpu' });
    expect(await mutate(p, ctx, 'CREATE', admission)).toEqual(p);
    expect(errors).toEqual(['team-a/p: cache down']);
  });

  it('admits the pod unchanged when the read is too slow', async () => {
    const admission = createPodInjectionAdmission({ readTimeoutMs: 5 });
    const slow = new FakeAdmissionContext();
    slow.list = () => new Promise(() => {});
    const p = pod({ [RDMA]: 'gpu' });
    expect(await mutate(p, slow, 'CREATE', admission)).toEqual(p);
  });

  it('admits the pod unchanged when its networks annotation is malformed', async () => {
    const p = pod({ [RDMA]: 'gpu', 'k8s.v1.cni.cncf.io/networks': '[{"name": ' });
    expect(await mutate(p, new FakeAdmissionContext().put('SpiderMultusConfig', smc))).toEqual(p);
  });

  it('never validates', async () => {
    expect(await podInjectionAdmission.validate(admissionRequest('CREATE', pod({ [RDMA]: '???' })), new FakeAdmissionContext())).toEqual([]);
  });
});

describe('podInjectionWebhook', () => {
  it('matches only pod CREATEs outside kube-system and its own namespace that carry an inject annotation, and fails open', () => {
    const hook = podInjectionWebhook({ ownNamespace: 'spiderpool', clientConfig: { url: 'https://127.0.0.1:5722/mutate' } });
    expect(hook).toMatchObject({
      failurePolicy: 'Ignore',
      sideEffects: 'None',
      rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
      namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', 'spiderpool'] }] },
      clientConfig: { url: 'https://127.0.0.1:5722/mutate' },
    });
    const [condition] = hook['matchConditions'] as Array<{ expression: string }>;
    expect(condition?.expression).toContain(`'${RDMA}' in object.metadata.annotations`);
    expect(condition?.expression).toContain(`'cni.spidernet.io/network-resource-inject' in object.metadata.annotations`);
  });
});
