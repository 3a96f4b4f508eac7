// SPDX-License-Identifier: Apache-2.0
// Every CRD kind through @kubernetes/client-node against the real kube-apiserver: create, read,
// update spec, update status, list, delete; objects that break the schema are rejected.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { adminKubeConfig, uniqueName } from '../testbed/index.ts';
import { CRD_CASES, type CrdCase } from './crd-cases.ts';

type Obj = Record<string, unknown> & { metadata: { name: string; namespace?: string; resourceVersion?: string } };

const namespace = uniqueName('crds');
let api: CustomObjectsApi;

beforeAll(async () => {
  const kc = adminKubeConfig();
  api = kc.makeApiClient(CustomObjectsApi);
  await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: namespace } } });
});

afterAll(async () => {
  await adminKubeConfig().makeApiClient(CoreV1Api).deleteNamespace({ name: namespace });
});

/** CustomObjectsApi has separate cluster / namespaced methods; hide that behind one shape. */
function client(c: CrdCase) {
  const base = { group: c.group, version: c.version, plural: c.plural };
  const ns = c.namespaced ? { namespace } : {};
  return {
    create: (body: object) => (c.namespaced ? api.createNamespacedCustomObject({ ...base, namespace, body }) : api.createClusterCustomObject({ ...base, body })) as Promise<Obj>,
    get: (name: string) => (c.namespaced ? api.getNamespacedCustomObject({ ...base, namespace, name }) : api.getClusterCustomObject({ ...base, name })) as Promise<Obj>,
    replace: (body: Obj) => (c.namespaced ? api.replaceNamespacedCustomObject({ ...base, namespace, name: body.metadata.name, body }) : api.replaceClusterCustomObject({ ...base, name: body.metadata.name, body })) as Promise<Obj>,
    replaceStatus: (body: Obj) => (c.namespaced ? api.replaceNamespacedCustomObjectStatus({ ...base, namespace, name: body.metadata.name, body }) : api.replaceClusterCustomObjectStatus({ ...base, name: body.metadata.name, body })) as Promise<Obj>,
    list: () => (c.namespaced ? api.listNamespacedCustomObject({ ...base, namespace }) : api.listClusterCustomObject({ ...base })) as Promise<{ items: Obj[] }>,
    remove: (name: string) => (c.namespaced ? api.deleteNamespacedCustomObject({ ...base, namespace, name }) : api.deleteClusterCustomObject({ ...base, name })),
    ns,
  };
}

function newObject(c: CrdCase, name: string): Obj {
  return { apiVersion: c.apiVersion, kind: c.kind, metadata: { name, ...(c.namespaced ? { namespace } : {}) }, ...c.valid() } as Obj;
}

async function rejection(promise: Promise<unknown>): Promise<{ code: number; message: string }> {
  const err = await promise.then(() => undefined, (e: unknown) => e as { code?: number; body?: unknown });
  if (!err) throw new Error('the apiserver accepted an object that violates the schema');
  const body = typeof err.body === 'string' ? (JSON.parse(err.body) as { message?: string }) : (err.body as { message?: string });
  return { code: err.code ?? 0, message: body?.message ?? '' };
}

describe.each(CRD_CASES.map((c) => [c.kind, c] as const))('%s', (_kind, c) => {
  const name = uniqueName(c.kind.toLowerCase());
  const k = client(c);

  it('is created and read back as written', async () => {
    const created = await k.create(newObject(c, name));
    expect(created.metadata.name).toBe(name);
    const read = await k.get(name);
    const { metadata: _m, apiVersion: _a, kind: _k, ...content } = read;
    expect(content).toMatchObject(c.valid());
  });

  it('accepts a spec update with optimistic concurrency', async () => {
    const current = await k.get(name);
    const changed = structuredClone(current);
    c.changeSpec(changed);
    const updated = await k.replace(changed);
    expect(Number(updated.metadata.resourceVersion)).toBeGreaterThan(Number(current.metadata.resourceVersion));
    const { metadata: _m, ...expected } = changed;
    expect(await k.get(name)).toMatchObject(expected);
    // A write against the old resourceVersion must lose: this is the CAS allocation relies on.
    const stale = await rejection(k.replace(current));
    expect(stale.code).toBe(409);
  });

  if (c.statusSubresource && c.status) {
    const status = c.status;
    it('writes status only through the status subresource', async () => {
      const current = await k.get(name);
      const viaMain = await k.replace({ ...current, status });
      expect(viaMain['status'] ?? {}).not.toMatchObject(status);
      const viaStatus = await k.replaceStatus({ ...(await k.get(name)), status });
      expect(viaStatus['status']).toMatchObject(status);
      expect((await k.get(name))['status']).toMatchObject(status);
    });
  }

  it('lists the object', async () => {
    const list = await k.list();
    expect(list.items.map((i) => i.metadata.name)).toContain(name);
  });

  it.each(c.invalid.map((i) => [i.why, i] as const))('rejects an object with a %s', async (_why, bad) => {
    const obj = newObject(c, uniqueName('bad'));
    bad.patch(obj);
    const { code, message } = await rejection(k.create(obj));
    expect(code).toBe(422);
    expect(message).toContain(bad.field);
  });

  it('is deleted', async () => {
    await k.remove(name);
    const gone = await rejection(k.get(name));
    expect(gone.code).toBe(404);
  });
});
