// SPDX-License-Identifier: Apache-2.0
// An in-memory AdmissionContext for unit tests: objects are what the test put in, `exclusive`
// runs the function at once, claims are kept in a list.
import type { KubeObject } from '@spiderpool/k8s';
import type { AdmissionContext, AdmissionRequestView, Claim, Operation, WatchedKind } from '../../admission/admission-types.ts';

export interface FakeAdmissionContext extends AdmissionContext {
  /** Adds or replaces an object (keyed by namespace and name). */
  put(kind: WatchedKind, object: KubeObject): void;
  /** Makes every read fail, to test that callers survive a broken cache. */
  failReads(error: Error | undefined): void;
}

const keyOf = (o: KubeObject): string => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

export function fakeAdmissionContext(objects: Partial<Record<WatchedKind, KubeObject[]>> = {}): FakeAdmissionContext {
  const store = new Map<WatchedKind, Map<string, KubeObject>>();
  const claims: Array<{ claim: Claim; ttlMs: number }> = [];
  let readError: Error | undefined;
  const bucket = (kind: WatchedKind): Map<string, KubeObject> => {
    let b = store.get(kind);
    if (!b) store.set(kind, (b = new Map()));
    return b;
  };
  const put = (kind: WatchedKind, object: KubeObject): void => {
    bucket(kind).set(keyOf(object), structuredClone(object));
  };
  for (const [kind, list] of Object.entries(objects)) for (const o of list ?? []) put(kind as WatchedKind, o);
  const checkReads = (): void => {
    if (readError) throw readError;
  };
  return {
    put,
    failReads(error) {
      readError = error;
    },
    async list<T extends KubeObject>(kind: WatchedKind, options: { fresh?: boolean; namespace?: string } = {}): Promise<T[]> {
      checkReads();
      const all = [...bucket(kind).values()] as T[];
      return structuredClone(options.namespace === undefined ? all : all.filter((o) => o.metadata?.namespace === options.namespace));
    },
    async get<T extends KubeObject>(kind: WatchedKind, name: string, namespace?: string): Promise<T | undefined> {
      checkReads();
      const found = bucket(kind).get(`${namespace ?? ''}/${name}`) as T | undefined;
      return found && structuredClone(found);
    },
    settings: { protectInUseDeletion: true },
    exclusive: (_key, fn) => fn(),
    claims: {
      async add(claim, ttlMs) {
        claims.push({ claim, ttlMs });
      },
      async list(kind) {
        return claims.filter((c) => c.claim.kind === kind).map((c) => c.claim);
      },
    },
  };
}

/** A request view for `object`, with the fields a test rarely cares about filled in. */
export function admissionRequest<T extends KubeObject>(operation: Operation, object: T | undefined, oldObject?: T): AdmissionRequestView<T> {
  const meta = object?.metadata ?? oldObject?.metadata;
  return {
    uid: 'request-1',
    operation,
    name: meta?.name ?? '',
    namespace: meta?.namespace,
    object,
    oldObject,
    dryRun: false,
    username: 'tester',
  };
}
