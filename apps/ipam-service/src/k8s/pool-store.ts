// SPDX-License-Identifier: Apache-2.0
import type { SpiderIPPool } from '@spiderpool/crds';
import { Reflector, Resources, type KubeClient, type WatchEventType } from '@spiderpool/k8s';
import type { PoolStorePort } from '../allocation/pool-committer.ts';

type PoolObject = SpiderIPPool & { metadata: { name: string } };

/**
 * Pools from a watch cache for selection, live GETs after a lost compare-and-swap, and status
 * writes through the status subresource (spec edits by users never conflict with allocation
 * writes at the field level, but share the resourceVersion, which is the point).
 */
export class PoolStore implements PoolStorePort {
  readonly #client: KubeClient;
  readonly reflector: Reflector<PoolObject>;
  readonly #listeners = new Set<(type: WatchEventType, pool: SpiderIPPool) => void>();

  constructor(client: KubeClient, onError: (err: unknown) => void) {
    this.#client = client;
    this.reflector = new Reflector<PoolObject>(client, Resources.ipPools, { onError, onEvent: (type, pool) => this.#notify(type, pool) });
  }

  /** Calls `listener` on every change the cache sees (watch events and this process's writes). */
  onChange(listener: (type: WatchEventType, pool: SpiderIPPool) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Puts a pool this process just wrote into the cache and tells the listeners. */
  observe(pool: SpiderIPPool): void {
    this.reflector.observe(pool as PoolObject);
    this.#notify('MODIFIED', pool);
  }

  #notify(type: WatchEventType, pool: SpiderIPPool): void {
    for (const listener of this.#listeners) listener(type, pool);
  }

  start(): Promise<void> {
    return this.reflector.start();
  }

  stop(): void {
    this.reflector.stop();
  }

  all(): SpiderIPPool[] {
    return [...this.reflector.list()];
  }

  cached(name: string): SpiderIPPool | undefined {
    return this.reflector.get(name);
  }

  async fetch(name: string): Promise<SpiderIPPool> {
    const pool = await this.#client.get<PoolObject>(Resources.ipPools, name);
    this.observe(pool);
    return pool;
  }

  async writeStatus(pool: SpiderIPPool): Promise<SpiderIPPool> {
    const written = await this.#client.updateStatus<PoolObject>(Resources.ipPools, pool as PoolObject);
    this.observe(written);
    return written;
  }
}
