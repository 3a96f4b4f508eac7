// SPDX-License-Identifier: Apache-2.0
/**
 * An in-memory AdmissionContext for unit tests of admission logic. It keeps two views of the
 * objects — the API server (`fresh` lists) and the watch cache (everything else), equal unless
 * a test makes the cache lag — a per-key mutex for `exclusive`, and a claim registry with a
 * test-controlled clock. Every I/O method yields to the event loop first, so concurrent
 * admissions really interleave unless `exclusive` serialises them.
 */
import type { KubeObject } from '@spiderpool/k8s';
import type {
  AdmissionContext,
  AdmissionSettings,
  Claim,
  ClaimRegistry,
  WatchedKind,
} from '../admission-types.ts';

export interface FakeContextOptions {
  settings?: Partial<AdmissionSettings>;
  /**
   * false turns `exclusive` into a plain call, to show that a test detects the missing lock.
   * @defaultValue true
   */
  serialize?: boolean;
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class FakeClaimRegistry implements ClaimRegistry {
  /** The registry's clock (ms); tests move it forward to expire claims. */
  now = 0;
  readonly added: Claim[] = [];
  readonly #entries = new Map<string, { claim: Claim; expiresAt: number }>();

  async add(claim: Claim, ttlMs: number): Promise<void> {
    await tick();
    this.added.push(structuredClone(claim));
    // One entry per kind and name, the newest replacing the older, as the real registry does.
    this.#entries.set(`${claim.kind}/${claim.name}`, { claim: structuredClone(claim), expiresAt: this.now + ttlMs });
  }

  async list(kind: WatchedKind): Promise<Claim[]> {
    await tick();
    return [...this.#entries.values()]
      .filter((e) => e.claim.kind === kind && e.expiresAt > this.now)
      .map((e) => structuredClone(e.claim));
  }
}

export class FakeAdmissionContext implements AdmissionContext {
  readonly settings: AdmissionSettings;
  readonly claims = new FakeClaimRegistry();
  /** Keys passed to `exclusive`, in call order. */
  readonly exclusiveKeys: string[] = [];
  /** Kinds listed with `fresh: true`, in call order. */
  readonly freshLists: WatchedKind[] = [];
  /** Highest number of tasks that ran at once under one key (1 when serialised). */
  maxConcurrent = 0;

  readonly #server = new Map<WatchedKind, Map<string, KubeObject>>();
  readonly #cache = new Map<WatchedKind, Map<string, KubeObject>>();
  readonly #tails = new Map<string, Promise<unknown>>();
  readonly #running = new Map<string, number>();
  readonly #serialize: boolean;

  constructor(options: FakeContextOptions = {}) {
    this.settings = { protectInUseDeletion: true, ...options.settings };
    this.#serialize = options.serialize ?? true;
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

  async exclusive<R>(key: string, fn: () => Promise<R>): Promise<R> {
    this.exclusiveKeys.push(key);
    if (!this.#serialize) return this.#counted(key, fn);
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const run = previous.then(() => this.#counted(key, fn));
    // The next waiter starts after this task, whether it succeeded or failed.
    this.#tails.set(key, run.catch(() => undefined));
    return run;
  }

  async #counted<R>(key: string, fn: () => Promise<R>): Promise<R> {
    const running = (this.#running.get(key) ?? 0) + 1;
    this.#running.set(key, running);
    this.maxConcurrent = Math.max(this.maxConcurrent, running);
    try {
      await tick();
      return await fn();
    } finally {
      this.#running.set(key, (this.#running.get(key) ?? 1) - 1);
    }
  }
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
