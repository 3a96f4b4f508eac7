// SPDX-License-Identifier: Apache-2.0
// The AdmissionContext of the running service: watch caches + live reads, the admission lock
// (in-process mutex, plus Redis across replicas) and the claim registry (in-process, plus Redis).
// Redis is optional: without it, or while it is down, one replica still admits correctly.
import { Reflector, Resources, type KubeClient, type KubeObject, type ResourceRef } from '@spiderpool/k8s';
import type { Logger } from '@spiderpool/observability';
import { RedisLockService } from '@spiderpool/redis-lock';
import type { Component } from '@spiderpool/service-runtime';
import { throwIfExpired } from './admission-deadline.ts';
import { AdmissionLock } from './admission-lock.ts';
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
  /** Prefix of every Redis key (`<prefix>lock:…`, `<prefix>claims:<kind>`); default `spiderpool:admission:`. */
  redisKeyPrefix?: string;
  /** Names this replica in Redis lock values (pod name). */
  ownerId: string;
  /** Longest wait for another replica's admission lock. */
  lockWaitMs?: number;
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
  const redis = redisParts(options);
  const lock = new AdmissionLock({ ...(redis.lock ? { lock: redis.lock } : {}), waitTimeoutMs: options.lockWaitMs ?? 3_000 });
  const claims = new SharedClaimRegistry({ ...(redis.claims ? { store: redis.claims } : {}), onStoreError: redis.onClaimStoreError });
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
    exclusive: (key, fn) => lock.run(key, fn),
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
      await Promise.all([redis.lock?.start(), redis.claims?.start()]);
    },
    async stop() {
      reader.stop();
      await Promise.all([redis.lock?.stop(), redis.claims?.stop()]);
    },
  };
}

function liveReader(client: KubeClient): LiveReader {
  return {
    list: (kind, namespace) => retryUnavailable(async () => (await client.list<KubeObject>(WATCHED_RESOURCES[kind], namespace ? { namespace } : {})).items),
    get: (kind, name, namespace) => retryUnavailable(() => client.find<KubeObject>(WATCHED_RESOURCES[kind], name, namespace)),
  };
}

interface RedisParts {
  lock: RedisLockService | undefined;
  claims: RedisClaimStore | undefined;
  onClaimStoreError: (err: unknown) => void;
}

function redisParts(options: AdmissionContextOptions): RedisParts {
  const { logger, redisUrl } = options;
  if (!redisUrl) {
    logger.warn('SPIDERPOOL_REDIS_URL is not set: admission locks and claims are per replica (fine for one replica)');
    return { lock: undefined, claims: undefined, onClaimStoreError: () => undefined };
  }
  const prefix = options.redisKeyPrefix ?? 'spiderpool:admission:';
  const lock = new RedisLockService({
    url: redisUrl,
    ownerId: options.ownerId,
    keyPrefix: `${prefix}lock:`,
    onStateChange: (degraded, reason) => {
      options.onRedisDegraded?.(degraded);
      if (degraded) logger.warn({ reason }, 'Redis unusable: admission serialises per replica only');
      else logger.info('Redis usable: admission locks and claims are shared between replicas');
    },
  });
  // Claim store errors are logged once per outage, not once per request.
  let failing = false;
  const onClaimStoreError = (err: unknown): void => {
    if (failing) return;
    failing = true;
    logger.warn({ err }, 'Redis claim store failed: using this replica\'s claims only');
    setTimeout(() => {
      failing = false;
    }, 30_000).unref();
  };
  return { lock, claims: new RedisClaimStore({ url: redisUrl, keyPrefix: `${prefix}claims:` }), onClaimStoreError };
}

/** Managed fields are most of a small object's bytes and no admission rule reads them. */
function withoutManagedFields(object: KubeObject): KubeObject {
  if (!object.metadata?.managedFields) return object;
  const { managedFields: _dropped, ...metadata } = object.metadata;
  return { ...object, metadata };
}
