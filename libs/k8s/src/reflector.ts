// SPDX-License-Identifier: Apache-2.0
import type { KubeClient, KubeObject, ResourceRef } from './kube-client.ts';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface ReflectorOptions<T extends KubeObject> {
  namespace?: string;
  labelSelector?: string;
  /** e.g. `spec.nodeName=node-1`: a node agent caches only its own pods. */
  fieldSelector?: string;
  onEvent?: (type: WatchEventType, object: T) => void;
  onError?: (err: unknown) => void;
  /** Delay before re-listing after an error. */
  retryDelayMs?: number;
  /**
   * Keeps only what readers need (client-go's transform): a cache of thousands of pods costs
   * a fraction of the memory when managed fields, container specs and statuses are dropped.
   */
  transform?: (object: T) => T;
}

interface WatchEvent<T> {
  type: WatchEventType | 'BOOKMARK' | 'ERROR';
  object: T & { code?: number; message?: string };
}

const key = (namespace: string | undefined, name: string): string => (namespace ? `${namespace}/${name}` : name);

/**
 * A list+watch cache of one resource: what informers do, in a few lines and without model
 * re-serialisation. Reads are served from memory; correctness never depends on the cache being
 * current (writers use compare-and-swap, and callers fall back to a live GET on a miss).
 */
export class Reflector<T extends KubeObject> {
  readonly #client: KubeClient;
  readonly #ref: ResourceRef;
  readonly #options: ReflectorOptions<T>;
  readonly #store = new Map<string, T>();
  #snapshot: readonly T[] | undefined;
  #resourceVersion = '';
  #abort: AbortController | undefined;
  #synced: Promise<void> | undefined;

  constructor(client: KubeClient, ref: ResourceRef, options: ReflectorOptions<T> = {}) {
    this.#client = client;
    this.#ref = ref;
    this.#options = options;
  }

  /** Starts the loop; resolves once the first list is in the cache. */
  start(): Promise<void> {
    if (this.#synced) return this.#synced;
    const abort = new AbortController();
    this.#abort = abort;
    this.#synced = new Promise((resolve) => {
      void this.#run(abort.signal, resolve);
    });
    return this.#synced;
  }

  stop(): void {
    this.#abort?.abort();
  }

  get(name: string, namespace?: string): T | undefined {
    return this.#store.get(key(namespace, name));
  }

  /**
   * Every cached object. The same array comes back until the cache changes, so that callers
   * can keep what they derive from it (an index, compiled forms); it must not be modified.
   */
  list(): readonly T[] {
    this.#snapshot ??= [...this.#store.values()];
    return this.#snapshot;
  }

  /** Lets a writer put its own fresh result in the cache before the watch event arrives. */
  observe(object: T): void {
    const k = key(object.metadata?.namespace, object.metadata?.name ?? '');
    const current = this.#store.get(k);
    if (!current || newer(object, current)) {
      this.#store.set(k, object);
      this.#snapshot = undefined;
    }
  }

  async #run(signal: AbortSignal, synced: () => void): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.#list();
        synced();
        await this.#watchUntilExpired(signal);
      } catch (err) {
        if (signal.aborted) return;
        this.#options.onError?.(err);
        await sleep(this.#options.retryDelayMs ?? 1_000, signal);
      }
    }
  }

  async #list(): Promise<void> {
    const list = await this.#client.list<T>(this.#ref, {
      ...(this.#options.namespace ? { namespace: this.#options.namespace } : {}),
      ...(this.#options.labelSelector ? { labelSelector: this.#options.labelSelector } : {}),
      ...(this.#options.fieldSelector ? { fieldSelector: this.#options.fieldSelector } : {}),
    });
    const seen = new Set<string>();
    this.#snapshot = undefined;
    for (const raw of list.items) {
      const item = this.#options.transform ? this.#options.transform(raw) : raw;
      const k = key(item.metadata?.namespace, item.metadata?.name ?? '');
      seen.add(k);
      const before = this.#store.get(k);
      this.#store.set(k, item);
      if (!before || before.metadata?.resourceVersion !== item.metadata?.resourceVersion) this.#options.onEvent?.(before ? 'MODIFIED' : 'ADDED', item);
    }
    for (const [k, item] of this.#store) {
      if (seen.has(k)) continue;
      this.#store.delete(k);
      this.#options.onEvent?.('DELETED', item);
    }
    this.#resourceVersion = list.metadata.resourceVersion ?? '';
  }

  /** Watches from the last resource version until the server says it is too old (410). */
  async #watchUntilExpired(signal: AbortSignal): Promise<void> {
    for (;;) {
      const q = new URLSearchParams({ watch: '1', allowWatchBookmarks: 'true', resourceVersion: this.#resourceVersion, timeoutSeconds: '300' });
      if (this.#options.labelSelector) q.set('labelSelector', this.#options.labelSelector);
      if (this.#options.fieldSelector) q.set('fieldSelector', this.#options.fieldSelector);
      const path = `${this.#client.path(this.#ref, this.#options.namespace)}?${q}`;
      const res = await this.#client.watch(path, signal);
      const expired = await this.#consume(res);
      if (expired) return;
    }
  }

  /**
   * Applies events from one watch response; true when the resource version expired. Events
   * can be large (a pool with thousands of records) and arrive in many chunks: chunks are
   * collected and joined once per line, never re-scanned, so a line costs O(its size).
   */
  async #consume(stream: AsyncIterable<Buffer>): Promise<boolean> {
    let pending: Buffer[] = [];
    for await (const chunk of stream) {
      let start = 0;
      let newline = chunk.indexOf(10);
      while (newline >= 0) {
        pending.push(chunk.subarray(start, newline));
        const line = Buffer.concat(pending).toString('utf8');
        pending = [];
        if (line.trim() && this.#apply(JSON.parse(line) as WatchEvent<T>)) return true;
        start = newline + 1;
        newline = chunk.indexOf(10, start);
      }
      if (start < chunk.length) pending.push(chunk.subarray(start));
    }
    return false;
  }

  #apply(event: WatchEvent<T>): boolean {
    if (event.type === 'ERROR') return true;
    if (event.object.metadata?.resourceVersion) this.#resourceVersion = event.object.metadata.resourceVersion;
    if (event.type === 'BOOKMARK') return false;
    const object = this.#options.transform ? this.#options.transform(event.object) : event.object;
    const k = key(object.metadata?.namespace, object.metadata?.name ?? '');
    const current = this.#store.get(k);
    if (event.type === 'DELETED') this.#store.delete(k);
    else if (!current || newer(object, current)) this.#store.set(k, object);
    this.#snapshot = undefined;
    this.#options.onEvent?.(event.type, object);
    return false;
  }
}

/** resourceVersion is opaque, but etcd-backed servers use increasing integers; compare those. */
function newer(a: KubeObject, b: KubeObject): boolean {
  const x = Number(a.metadata?.resourceVersion);
  const y = Number(b.metadata?.resourceVersion);
  return Number.isFinite(x) && Number.isFinite(y) ? x >= y : true;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
