// SPDX-License-Identifier: Apache-2.0
// An in-memory AdmissionContext for unit tests of SpiderCoordinator admission: objects are
// held per kind, `exclusive` serialises per key in this process, claims expire by a fake time.
import type { KubeObject } from '@spiderpool/k8s';
import type { AdmissionContext, AdmissionRequestView, Claim, Operation, WatchedKind } from '../../admission/admission-types.ts';

export interface FakeAdmissionContext extends AdmissionContext {
  /** Puts objects in the fake cache (and the fake API server). */
  seed(kind: WatchedKind, ...objects: KubeObject[]): void;
  /** Keys of the `exclusive` sections entered so far, in order. */
  readonly exclusiveKeys: string[];
}

export function fakeAdmissionContext(options: { now?: () => number } = {}): FakeAdmissionContext {
  const now = options.now ?? (() => 0);
  const store = new Map<WatchedKind, KubeObject[]>();
  const claims: Array<{ claim: Claim; expires: number }> = [];
  const locks = new Map<string, Promise<unknown>>();
  const exclusiveKeys: string[] = [];
  const inNamespace = (o: KubeObject, namespace: string | undefined): boolean => namespace === undefined || o.metadata?.namespace === namespace;
  return {
    settings: { protectInUseDeletion: true },
    exclusiveKeys,
    seed(kind, ...objects) {
      store.set(kind, [...(store.get(kind) ?? []), ...structuredClone(objects)]);
    },
    async list<T extends KubeObject>(kind: WatchedKind, opts: { fresh?: boolean; namespace?: string } = {}): Promise<T[]> {
      return structuredClone((store.get(kind) ?? []).filter((o) => inNamespace(o, opts.namespace))) as T[];
    },
    async get<T extends KubeObject>(kind: WatchedKind, name: string, namespace?: string): Promise<T | undefined> {
      const found = (store.get(kind) ?? []).find((o) => o.metadata?.name === name && (namespace === undefined || o.metadata?.namespace === namespace));
      return found ? (structuredClone(found) as T) : undefined;
    },
    async exclusive<R>(key: string, fn: () => Promise<R>): Promise<R> {
      exclusiveKeys.push(key);
      const before = locks.get(key) ?? Promise.resolve();
      const run = before.then(fn, fn);
      locks.set(key, run.catch(() => undefined));
      return run;
    },
    claims: {
      async add(claim, ttlMs) {
        claims.push({ claim: structuredClone(claim), expires: now() + ttlMs });
      },
      async list(kind) {
        return claims.filter((c) => c.claim.kind === kind && c.expires > now()).map((c) => structuredClone(c.claim));
      },
    },
  };
}

/** An admission request as the server would hand it to a kind's logic. */
export function requestOf<T extends KubeObject>(operation: Operation, object: T | undefined, oldObject?: T): AdmissionRequestView<T> {
  const meta = object?.metadata ?? oldObject?.metadata;
  return {
    uid: 'test-request',
    operation,
    name: meta?.name ?? '',
    namespace: meta?.namespace,
    object: object === undefined ? undefined : structuredClone(object),
    oldObject: oldObject === undefined ? undefined : structuredClone(oldObject),
    dryRun: false,
    username: 'test-user',
  };
}
