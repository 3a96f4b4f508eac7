// SPDX-License-Identifier: Apache-2.0
/**
 * Lets a deleted SpiderIPPool go once no pod holds one of its addresses: its finalizer is
 * removed by a JSON patch that first tests the resourceVersion, so that an allocation committed
 * after the check (which changes the resourceVersion) keeps the pool. Runs on every replica:
 * the test makes concurrent removals harmless.
 */
import { FINALIZER, type SpiderIPPool } from '@spiderpool/crds';
import { isSpiderpoolError } from '@spiderpool/errors';
import { decodeAllocatedIPs } from '@spiderpool/ipam-domain';
import type { Logger } from '@spiderpool/observability';
import { Resources, type KubeClient } from '@spiderpool/k8s';
import type { PoolStore } from './pool-store.ts';

export class PoolFinalizer {
  readonly #client: KubeClient;
  readonly #pools: PoolStore;
  readonly #logger: Logger;
  readonly #inFlight = new Set<string>();
  #unsubscribe: (() => void) | undefined;

  constructor(deps: { client: KubeClient; pools: PoolStore; logger: Logger }) {
    this.#client = deps.client;
    this.#pools = deps.pools;
    this.#logger = deps.logger;
  }

  /** Call once the pool cache is synced. */
  start(): void {
    this.#unsubscribe = this.#pools.onChange((type, pool) => {
      if (type !== 'DELETED') void this.#consider(pool);
    });
    for (const pool of this.#pools.all()) void this.#consider(pool);
  }

  stop(): void {
    this.#unsubscribe?.();
  }

  async #consider(pool: SpiderIPPool): Promise<void> {
    const name = pool.metadata?.name ?? '';
    const index = pool.metadata?.finalizers?.indexOf(FINALIZER) ?? -1;
    if (!pool.metadata?.deletionTimestamp || index < 0 || this.#inFlight.has(name) || !isEmpty(pool)) return;
    this.#inFlight.add(name);
    try {
      await this.#client.jsonPatch(Resources.ipPools, name, [
        { op: 'test', path: '/metadata/resourceVersion', value: pool.metadata.resourceVersion },
        { op: 'test', path: `/metadata/finalizers/${index}`, value: FINALIZER },
        { op: 'remove', path: `/metadata/finalizers/${index}` },
      ]);
      this.#logger.info({ pool: name }, 'deleted pool holds no address: finalizer removed');
    } catch (err) {
      // Changed meanwhile (the next event brings it back here) or already gone.
      if (!isSpiderpoolError(err, 'INVALID_INPUT') && !isSpiderpoolError(err, 'CONFLICT') && !isSpiderpoolError(err, 'NOT_FOUND')) {
        this.#logger.warn({ err, pool: name }, 'could not remove the finalizer of a deleted pool');
      }
    } finally {
      this.#inFlight.delete(name);
    }
  }
}

function isEmpty(pool: SpiderIPPool): boolean {
  if ((pool.status?.allocatedIPCount ?? 0) > 0) return false;
  try {
    return decodeAllocatedIPs(pool.status?.allocatedIPs, pool.metadata?.name ?? '').size === 0;
  } catch {
    return false;
  }
}
