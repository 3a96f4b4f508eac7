// SPDX-License-Identifier: Apache-2.0
// Proves the test bed is the real thing: TLS, authentication, RBAC, admission, controllers,
// simulated nodes and Redis — so that every later suite can rely on it.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { AuthorizationV1Api, CoreV1Api } from '@kubernetes/client-node';
import { adminKubeConfig, testbed, uniqueName } from './context.ts';
import { ping } from './redis-server.ts';
import { sleep } from './managed-process.ts';

const core = (): CoreV1Api => adminKubeConfig().makeApiClient(CoreV1Api);

async function eventually<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await fn();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    await sleep(200);
  }
  throw new Error(`${what} did not happen within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
}

function anonymousGet(path: string): Promise<number> {
  const { apiserverUrl, caCert } = testbed();
  return new Promise((resolve, reject) => {
    const req = request(`${apiserverUrl}${path}`, { ca: readFileSync(caCert) }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('test bed: kube-apiserver', () => {
  it('serves TLS with the test-bed CA and answers readiness anonymously', async () => {
    expect(await anonymousGet('/readyz')).toBe(200);
  });

  it('authorizes with RBAC: anonymous users may not list pods', async () => {
    expect(await anonymousGet('/api/v1/pods')).toBe(403);
  });

  it('evaluates RBAC for service accounts (SubjectAccessReview)', async () => {
    const authz = adminKubeConfig().makeApiClient(AuthorizationV1Api);
    const review = await authz.createSubjectAccessReview({
      body: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec: { user: 'system:serviceaccount:default:nobody', resourceAttributes: { verb: 'create', resource: 'pods', namespace: 'default' } },
      },
    });
    expect(review.status?.allowed).toBe(false);
  });

  it('runs the admission chain: ServiceAccount admission rejects a pod naming a missing account', async () => {
    const namespace = uniqueName('adm');
    await core().createNamespace({ body: { metadata: { name: namespace } } });
    await eventually('default service account', () => core().readNamespacedServiceAccount({ name: 'default', namespace }));
    const err = await core()
      .createNamespacedPod({
        namespace,
        body: { metadata: { name: 'p' }, spec: { serviceAccountName: 'missing', containers: [{ name: 'c', image: 'example.invalid/none' }] } },
      })
      .catch((e: unknown) => e as { code?: number; body?: string });
    expect(err).toMatchObject({ code: 403 });
    const status = JSON.parse(String((err as { body?: unknown }).body)) as { message: string };
    expect(status.message).toContain('serviceaccount "missing" not found');
  });
});

describe('test bed: kube-controller-manager', () => {
  it('finalizes namespace deletion (namespace controller)', async () => {
    const name = uniqueName('gone');
    await core().createNamespace({ body: { metadata: { name } } });
    await core().deleteNamespace({ name });
    await eventually('namespace removal', async () =>
      core().readNamespace({ name }).then(() => undefined, (e: { code?: number }) => (e.code === 404 ? true : undefined)),
    );
  });
});

describe('test bed: kwok', () => {
  it('turns a Node object into a Ready simulated node and runs a pod on it', async () => {
    const node = uniqueName('kwok-node');
    await core().createNode({
      body: { metadata: { name: node, annotations: { 'kwok.x-k8s.io/node': 'fake' }, labels: { type: 'kwok' } } },
    });
    await eventually('node Ready', async () => {
      const n = await core().readNode({ name: node });
      return n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? true : undefined;
    });
    const namespace = uniqueName('kwok');
    await core().createNamespace({ body: { metadata: { name: namespace } } });
    await eventually('default service account', () => core().readNamespacedServiceAccount({ name: 'default', namespace }));
    await core().createNamespacedPod({
      namespace,
      body: { metadata: { name: 'p' }, spec: { nodeName: node, containers: [{ name: 'c', image: 'example.invalid/none' }] } },
    });
    const phase = await eventually('pod Running', async () => {
      const p = await core().readNamespacedPod({ name: 'p', namespace });
      return p.status?.phase === 'Running' ? p.status.phase : undefined;
    });
    expect(phase).toBe('Running');
    await core().deleteNode({ name: node });
  });
});

describe('test bed: redis-server', () => {
  it('answers PING on its own loopback port, not the shared 6379', async () => {
    const port = Number(new URL(testbed().redisUrl).port);
    expect(port).not.toBe(6379);
    expect(await ping(port)).toBe(true);
  });
});
