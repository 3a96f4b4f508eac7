// SPDX-License-Identifier: Apache-2.0
// The AdmissionContext of the running service: watch caches + live reads and the claim registry
// (in-process, plus Redis across replicas). Redis is optional: without it, or while it is down,
// one replica still admits correctly.
import { Reflector, Resources, type KubeClient, type KubeObject, type ResourceRef } from '@spiderpool/k8s';
import type { Logger } from '@spiderpool/observability';
import type { Component } from '@spiderpool/service-runtime';
import { throwIfExpired } from './admission-deadline.ts';
import type { AdmissionContext, AdmissionSettings, WatchedKind } from './admission-types.ts';
import { SharedClaimRegistry } from './claim-registry.ts';
import { ObjectReader, type LiveReader } from './object-reader.ts';
import { RedisClaimStore } from './redis-claim-store.ts';
import { retryUnavailable } from './retry-unavailable.ts';

export const WATCHED_RESOURCES: Record<WatchedKind, ResourceRef> = {
  SpiderIPPool: Resources.ipPools,
  SpiderSubnet: Resources.subnets,
  SpiderReservedIP: Resources.reservedIPs,
  SpiderEndpoint: Resources.endpoints,
  SpiderMultusConfig: Resources.multusConfigs,
  SpiderCoordinator: Resources.coordinators,
  NetworkAttachmentDefinition: Resources.networkAttachmentDefinitions,
};

/** Caches every replica needs from the first request on; others start when first read. */
export const WARM_KINDS: readonly WatchedKind[] = ['SpiderIPPool', 'SpiderSubnet', 'SpiderReservedIP'];

export interface AdmissionContextOptions {
  client: KubeClient;
  settings: AdmissionSettings;
  logger: Logger;
  /** Shared locks and claims between replicas; absent = this replica alone. */
  redisUrl?: string | undefined;
  /** Prefix of every Redis key (`<prefix>claims:…`); default `spiderpool:admission:`. */
  redisKeyPrefix?: string;
  warmKinds?: readonly WatchedKind[];
  /** Told true while Redis is configured but unusable, false when it is usable again. */
  onRedisDegraded?: (degraded: boolean) => void;
}

/** The context plus its lifecycle: start() starts the warm caches and connects Redis. */
export interface RunningAdmissionContext extends Component {
  readonly context: AdmissionContext;
  /** True once the warm caches have synced (the readiness check). */
  ready(): boolean;
}

export function createAdmissionContext(options: AdmissionContextOptions): RunningAdmissionContext {
  const { client, logger } = options;
  const warm = options.warmKinds ?? WARM_KINDS;
  const reader = new ObjectReader({
    cacheOf: (kind) => new Reflector<KubeObject>(client, WATCHED_RESOURCES[kind], {
      transform: withoutManagedFields,
      onError: (err) => logger.warn({ err, kind }, 'admission watch cache failed; re-listing'),
    }),
    live: liveReader(client),
  });
  const store = claimStore(options);
  const claims = new SharedClaimRegistry({ ...(store ? { store } : {}), onStoreState: storeStateReporter(options) });
  const context: AdmissionContext = {
    list: async (kind, listOptions) => {
      throwIfExpired();
      return reader.list(kind, listOptions);
    },
    get: async (kind, name, namespace) => {
      throwIfExpired();
      return reader.get(kind, name, namespace);
    },
    settings: options.settings,
    claims,
  };
  return {
    name: 'admission-context',
    context,
    ready: () => warm.every((kind) => reader.synced(kind)),
    async start() {
      // Not awaited: until a cache has synced its reads go to the API server, and readiness
      // (ready()) waits for the warm ones. A missing CRD must not keep the endpoint down.
      void reader.warm(warm);
      await store?.start();
    },
    async stop() {
      reader.stop();
      await store?.stop();
    },
  };
}

function liveReader(client: KubeClient): LiveReader {
  return {
    list: (kind, namespace) => retryUnavailable(async () => (await client.list<KubeObject>(WATCHED_RESOURCES[kind], namespace ? { namespace } : {})).items),
    get: (kind, name, namespace) => retryUnavailable(() => client.find<KubeObject>(WATCHED_RESOURCES[kind], name, namespace)),
  };
}

function claimStore(options: AdmissionContextOptions): RedisClaimStore | undefined {
  if (!options.redisUrl) {
    options.logger.warn('SPIDERPOOL_REDIS_URL is not set: admission claims are per replica (fine for one replica)');
    return undefined;
  }
  return new RedisClaimStore({ url: options.redisUrl, keyPrefix: `${options.redisKeyPrefix ?? 'spiderpool:admission:'}claims:` });
}

/** Logs and reports each change between a usable and an unusable store, not every failed call. */
function storeStateReporter(options: AdmissionContextOptions): (usable: boolean, err?: unknown) => void {
  return (usable, err) => {
    options.onRedisDegraded?.(!usable);
    if (usable) options.logger.info('Redis usable: admission claims are shared between replicas');
    else options.logger.warn({ err }, 'Redis unusable: admission claims are this replica\'s only until it is back');
  };
}

/** Managed fields are most of a small object's bytes and no admission rule reads them. */
function withoutManagedFields(object: KubeObject): KubeObject {
  if (!object.metadata?.managedFields) return object;
  const { managedFields: _dropped, ...metadata } = object.metadata;
  return { ...object, metadata };
}
