// SPDX-License-Identifier: Apache-2.0
// `list` and `get` of the admission context: watch caches started on first use (or at start-up
// for the kinds every replica needs), with the API server answering until a cache has synced,
// whenever a caller asks for fresh data, and on a cache miss.
import type { KubeObject } from '@spiderpool/k8s';
import type { WatchedKind } from './admission-types.ts';

/** A list+watch cache of one kind (Reflector implements it). */
export interface KindCache {
  /** Resolves once the first list is in the cache. */
  start(): Promise<void>;
  stop(): void;
  get(name: string, namespace?: string): KubeObject | undefined;
  list(): readonly KubeObject[];
}

/** Direct reads from the API server. */
export interface LiveReader {
  list(kind: WatchedKind, namespace?: string): Promise<KubeObject[]>;
  get(kind: WatchedKind, name: string, namespace?: string): Promise<KubeObject | undefined>;
}

export interface ObjectReaderOptions {
  cacheOf: (kind: WatchedKind) => KindCache;
  live: LiveReader;
}

interface Entry {
  cache: KindCache;
  synced: boolean;
  started: Promise<void>;
}

export class ObjectReader {
  readonly #options: ObjectReaderOptions;
  readonly #entries = new Map<WatchedKind, Entry>();

  constructor(options: ObjectReaderOptions) {
    this.#options = options;
  }

  /** Starts the caches of `kinds`; resolves when all have synced. */
  async warm(kinds: readonly WatchedKind[]): Promise<void> {
    await Promise.all(kinds.map((kind) => this.#entry(kind).started));
  }

  synced(kind: WatchedKind): boolean {
    return this.#entries.get(kind)?.synced ?? false;
  }

  async list<T extends KubeObject>(kind: WatchedKind, options: { fresh?: boolean; namespace?: string } = {}): Promise<readonly T[]> {
    const entry = this.#entry(kind);
    if (options.fresh || !entry.synced) return (await this.#options.live.list(kind, options.namespace)) as T[];
    const all = entry.cache.list();
    return (options.namespace === undefined ? all : all.filter((o) => o.metadata?.namespace === options.namespace)) as readonly T[];
  }

  /** A cache miss is confirmed with a live GET: the object may be newer than the cache. */
  async get<T extends KubeObject>(kind: WatchedKind, name: string, namespace?: string, options: { fresh?: boolean } = {}): Promise<T | undefined> {
    const entry = this.#entry(kind);
    const cached = entry.synced && !options.fresh ? entry.cache.get(name, namespace) : undefined;
    return (cached ?? (await this.#options.live.get(kind, name, namespace))) as T | undefined;
  }

  stop(): void {
    for (const entry of this.#entries.values()) entry.cache.stop();
    this.#entries.clear();
  }

  #entry(kind: WatchedKind): Entry {
    let entry = this.#entries.get(kind);
    if (entry) return entry;
    const cache = this.#options.cacheOf(kind);
    const created: Entry = { cache, synced: false, started: Promise.resolve() };
    // A cache that never syncs only means every read goes to the API server.
    created.started = cache.start().then(
      () => {
        created.synced = true;
      },
      () => undefined,
    );
    entry = created;
    this.#entries.set(kind, entry);
    return entry;
  }
}
