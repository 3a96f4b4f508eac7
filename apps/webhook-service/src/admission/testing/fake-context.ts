// SPDX-License-Identifier: Apache-2.0
/**
 * An in-memory AdmissionContext for unit tests of admission logic, and `admissionRequest` for
 * the requests they send. The context keeps two views of the objects — the API server (`fresh`
 * lists) and the watch cache (everything else), equal unless a test makes the cache lag — and a
 * claim registry with a test-controlled clock. Every I/O method yields to the event loop first,
 * so concurrent admissions really interleave.
 */
import type { KubeObject } from '@spiderpool/k8s';
import type {
  AdmissionContext,
  AdmissionRequestView,
  AdmissionSettings,
  Claim,
  ClaimRegistry,
  Operation,
  WatchedKind,
} from '../admission-types.ts';

export interface FakeContextOptions {
  settings?: Partial<AdmissionSettings>;
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class FakeClaimRegistry implements ClaimRegistry {
  /** The registry's clock (ms); tests move it forward to expire claims. */
  now = 0;
  /** Claims as recorded, in the order of their sequence numbers. */
  readonly added: Claim[] = [];
  readonly #entries: Array<{ claim: Claim; expiresAt: number }> = [];
  #seq = 0;

  /** Records after a turn of the event loop, as a shared store would; one counter orders all claims. */
  async add(claim: Claim, ttlMs: number): Promise<Claim> {
    await tick();
    this.#seq += 1;
    const recorded: Claim = { ...structuredClone(claim), id: `claim-${this.#seq}`, seq: this.#seq };
    this.added.push(structuredClone(recorded));
    this.#entries.push({ claim: recorded, expiresAt: this.now + ttlMs });
    await tick();
    return structuredClone(recorded);
  }

  async list(kind: WatchedKind): Promise<Claim[]> {
    await tick();
    return this.#entries
      .filter((e) => e.claim.kind === kind && e.expiresAt > this.now)
      .map((e) => structuredClone(e.claim));
  }
}

export class FakeAdmissionContext implements AdmissionContext {
  readonly settings: AdmissionSettings;
  readonly claims = new FakeClaimRegistry();
  /** Kinds listed with `fresh: true`, in call order. */
  readonly freshLists: WatchedKind[] = [];

  readonly #server = new Map<WatchedKind, Map<string, KubeObject>>();
  readonly #cache = new Map<WatchedKind, Map<string, KubeObject>>();

  constructor(options: FakeContextOptions = {}) {
    this.settings = { protectInUseDeletion: true, ...options.settings };
  }

  /** Stores `obj` in the API server and in the cache. */
  put(kind: WatchedKind, obj: KubeObject): this {
    this.putServerOnly(kind, obj);
    mapOf(this.#cache, kind).set(keyOf(obj), structuredClone(obj));
    return this;
  }

  /** Stores `obj` in the API server only: the cache has not seen it yet. */
  putServerOnly(kind: WatchedKind, obj: KubeObject): this {
    mapOf(this.#server, kind).set(keyOf(obj), structuredClone(obj));
    return this;
  }

  remove(kind: WatchedKind, name: string, namespace?: string): this {
    const key = namespace ? `${namespace}/${name}` : name;
    mapOf(this.#server, kind).delete(key);
    mapOf(this.#cache, kind).delete(key);
    return this;
  }

  async list<T extends KubeObject>(kind: WatchedKind, options: { fresh?: boolean; namespace?: string } = {}): Promise<T[]> {
    await tick();
    if (options.fresh) this.freshLists.push(kind);
    const source = mapOf(options.fresh ? this.#server : this.#cache, kind);
    return [...source.values()]
      .filter((o) => options.namespace === undefined || o.metadata?.namespace === options.namespace)
      .map((o) => structuredClone(o) as T);
  }

  async get<T extends KubeObject>(kind: WatchedKind, name: string, namespace?: string): Promise<T | undefined> {
    await tick();
    const found = mapOf(this.#cache, kind).get(namespace ? `${namespace}/${name}` : name);
    return found ? (structuredClone(found) as T) : undefined;
  }
}

/** A request as the server hands it to a kind's logic; objects are copied, so the caller's stay unchanged. */
export function admissionRequest<T extends KubeObject>(operation: Operation, object: T | undefined, oldObject?: T): AdmissionRequestView<T> {
  const meta = object?.metadata ?? oldObject?.metadata;
  return {
    uid: 'req-1',
    operation,
    name: meta?.name ?? '',
    namespace: meta?.namespace,
    object: object === undefined ? undefined : structuredClone(object),
    oldObject: oldObject === undefined ? undefined : structuredClone(oldObject),
    dryRun: false,
    username: 'tester',
  };
}

function mapOf(maps: Map<WatchedKind, Map<string, KubeObject>>, kind: WatchedKind): Map<string, KubeObject> {
  let map = maps.get(kind);
  if (!map) {
    map = new Map();
    maps.set(kind, map);
  }
  return map;
}

function keyOf(obj: KubeObject): string {
  const name = obj.metadata?.name ?? '';
  return obj.metadata?.namespace ? `${obj.metadata.namespace}/${name}` : name;
}
