// SPDX-License-Identifier: Apache-2.0
import type { SpiderIPPool } from '@spiderpool/crds';
import { Reflector, Resources, type KubeClient } from '@spiderpool/k8s';
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

  constructor(client: KubeClient, onError: (err: unknown) => void) {
    this.#client = client;
    this.reflector = new Reflector<PoolObject>(client, Resources.ipPools, { onError });
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
    this.reflector.observe(pool);
    return pool;
  }

  async writeStatus(pool: SpiderIPPool): Promise<SpiderIPPool> {
    const written = await this.#client.updateStatus<PoolObject>(Resources.ipPools, pool as PoolObject);
    this.reflector.observe(written);
    return written;
  }
}
