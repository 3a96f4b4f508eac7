// SPDX-License-Identifier: Apache-2.0
// Composition root of ipam-service: the only place that wires adapters to the domain.
import { IpamService } from '@spiderpool/proto';
import { GrpcServer } from '@spiderpool/grpc-kit';
import { IpSet } from '@spiderpool/ipam-domain';
import { KubeClient, apiServerCheck, leaderElectedComponent, loadKubeConfig } from '@spiderpool/k8s';
import { Histogram } from '@spiderpool/observability';
import { RedisLockService } from '@spiderpool/redis-lock';
import { createServiceBase, exitOnStartupError, runService, type Component } from '@spiderpool/service-runtime';
import { Allocator } from './allocation/allocator.ts';
import { AutoPoolResolver } from './allocation/auto-pool-resolver.ts';
import { EndpointStore } from './allocation/endpoint-store.ts';
import { FixedIpKeeper } from './allocation/fixed-ip-keeper.ts';
import { summarisePools } from './allocation/inspector.ts';
import { PoolCommitter, type PoolLockPort } from './allocation/pool-committer.ts';
import { Releaser } from './allocation/releaser.ts';
import { ipamSettings, loadIpamServiceConfig } from './config.ts';
import { createIpamHandlers } from './grpc/ipam-handlers.ts';
import { ClusterView } from './k8s/cluster-view.ts';
import { PoolFinalizer } from './k8s/pool-finalizer.ts';
import { PoolStore } from './k8s/pool-store.ts';
import { SubnetControllerTerm } from './subnet/subnet-controller.ts';
import { createIpamMetrics } from './metrics.ts';

async function main(): Promise<void> {
  const config = loadIpamServiceConfig();
  const settings = ipamSettings(config);
  const base = createServiceBase({
    service: 'ipam-service',
    logLevel: config.SPIDERPOOL_LOG_LEVEL,
    opsHost: config.SPIDERPOOL_OPS_HOST,
    opsPort: config.SPIDERPOOL_OPS_PORT,
  });
  const logger = base.logger;
  const metrics = createIpamMetrics(base.metrics);
  const kc = loadKubeConfig(config.KUBECONFIG);
  base.health.addReadinessCheck('kube-apiserver', apiServerCheck(kc));

  const client = await KubeClient.create(kc, {
    observer: ({ verb, resource, status, durationSeconds }) =>
      metrics.apiRequests.observe({ verb, resource: resourceOf(resource), status: String(status) }, durationSeconds),
  });
  const onWatchError = (err: unknown): void => logger.warn({ err }, 'watch failed; re-listing');
  const view = new ClusterView(client, onWatchError);
  const pools = new PoolStore(client, onWatchError);
  let cachesSynced = false;
  base.health.addReadinessCheck('caches', async () => {
    if (!cachesSynced) throw new Error('watch caches are not synced yet');
  });

  const redis = config.SPIDERPOOL_REDIS_URL
    ? new RedisLockService({
        url: config.SPIDERPOOL_REDIS_URL,
        ownerId: config.SPIDERPOOL_POD_NAME,
        ttlMs: config.SPIDERPOOL_LOCK_TTL_MS,
        onStateChange: (degraded, reason) => {
          metrics.lockDegraded.set(degraded ? 1 : 0);
          if (degraded) logger.warn({ reason }, 'Redis unreachable: allocation continues on compare-and-swap alone');
          else logger.info('Redis reachable again: pool locks in use');
        },
      })
    : undefined;
  const lock: PoolLockPort = {
    acquire: async (name, options) => {
      if (!redis) return { kind: 'timeout' };
      const result = await redis.acquire(name, options);
      // An aborted wait means nobody wants the lock any more: proceed as after a timeout.
      return result.kind === 'aborted' ? { kind: 'timeout' } : result;
    },
  };
  if (!redis) logger.warn('SPIDERPOOL_REDIS_URL is not set: pool writes are serialised by compare-and-swap only');

  const committer = new PoolCommitter({
    store: pools,
    lock,
    reservedFor: (version) => reservedSet(view, version),
    maxRecordsPerPool: settings.maxAllocatedIPsPerPool,
    logger,
    observer: {
      queueWait: (s) => metrics.allocationQueueWait.observe(s),
      conflict: () => metrics.allocationConflicts.inc(),
      statusWrite: (_pool, ops) => {
        metrics.statusWrites.inc();
        metrics.batchedOps.inc(ops);
      },
      lockDegraded: () => metrics.lockDegraded.set(1),
    },
  });
  const endpoints = new EndpointStore(client, view);
  const keeper = new FixedIpKeeper({ view, pools, committer, endpoints, settings, logger });
  const autoPools = new AutoPoolResolver({ pools, waitMs: config.SPIDERPOOL_AUTO_POOL_WAIT_MS });
  const allocator = new Allocator({ view, pools, committer, endpoints, settings, logger, keeper, autoPools });
  const releaser = new Releaser({ view, committer, keeper, settings, logger });

  const rpcDuration = new Histogram({
    name: 'spiderpool_ipam_rpc_duration_seconds',
    help: 'Duration of IpamService RPCs by method and result code.',
    labelNames: ['method', 'code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [base.metrics],
  });
  const grpc = new GrpcServer({
    onCall: ({ path, durationSeconds, code, error }) => {
      rpcDuration.observe({ method: path.split('/').pop() ?? path, code: code ?? 'OK' }, durationSeconds);
      if (code === 'INTERNAL') logger.error({ err: error, path }, 'rpc failed');
    },
  });
  grpc.addService(
    IpamService,
    createIpamHandlers({
      allocator,
      releaser,
      view,
      pools,
      health: base.health,
      metrics,
      logger,
      lockDegraded: () => redis?.degraded ?? false,
      detection: { ipConflict: config.SPIDERPOOL_ENABLE_IP_CONFLICT_DETECTION, gateway: config.SPIDERPOOL_ENABLE_GATEWAY_DETECTION },
    }),
  );

  const finalizer = new PoolFinalizer({ client, pools, logger });
  const subnetController = leaderElectedComponent({
    name: 'subnet-controller',
    client,
    logger,
    lease: { namespace: config.SPIDERPOOL_NAMESPACE, name: config.SPIDERPOOL_SUBNET_CONTROLLER_LEASE_NAME },
    replica: config.SPIDERPOOL_POD_NAME,
    enabled: settings.enableSpiderSubnet && settings.enableAutoPoolForApplication && config.SPIDERPOOL_SUBNET_CONTROLLER_ENABLED,
    disabledReason: 'SPIDERPOOL_ENABLE_SPIDER_SUBNET, SPIDERPOOL_ENABLE_AUTO_POOL_FOR_APPLICATION or SPIDERPOOL_SUBNET_CONTROLLER_ENABLED is false',
    run: (signal) =>
      new SubnetControllerTerm({
        client,
        view,
        pools,
        reserved: (version) => reservedSet(view, version),
        logger: logger.child({ component: 'subnet-controller' }),
        settings: { enableIPv4: settings.enableIPv4, enableIPv6: settings.enableIPv6, defaultExtra: config.SPIDERPOOL_CLUSTER_SUBNET_DEFAULT_FLEXIBLE_IP_NUMBER, resyncPeriodMs: config.SPIDERPOOL_SUBNET_RESYNC_PERIOD_MS },
        observer: {
          ensured: (r) => metrics.autoPoolReconciles.inc({ outcome: r.outcome }),
          reclaimed: () => metrics.autoPoolsReclaimed.inc(),
          failed: () => metrics.autoPoolFailures.inc(),
        },
      }).run(signal),
  });

  let poolGauges: NodeJS.Timeout | undefined;
  const caches: Component = {
    name: 'watch-caches',
    async start() {
      await Promise.all([view.start(), pools.start(), redis?.start()]);
      cachesSynced = true;
      finalizer.start();
      poolGauges = setInterval(() => updatePoolGauges(pools, metrics), 5_000).unref();
    },
    async stop() {
      clearInterval(poolGauges);
      finalizer.stop();
      view.stop();
      pools.stop();
      await redis?.stop();
    },
  };
  const grpcComponent: Component = {
    name: 'grpc-server',
    async start() {
      const port = await grpc.listen(config.SPIDERPOOL_GRPC_ADDRESS);
      logger.info({ address: config.SPIDERPOOL_GRPC_ADDRESS, port }, 'IpamService listening');
    },
    stop: () => grpc.stop(config.SPIDERPOOL_SHUTDOWN_TIMEOUT_MS / 2),
  };

  await runService({
    logger,
    // Stopped in reverse: the controller ends its term (and releases its Lease) before the caches stop.
    components: [base.ops, caches, subnetController, grpcComponent],
    onShutdown: () => base.health.markShuttingDown(),
    shutdownTimeoutMs: config.SPIDERPOOL_SHUTDOWN_TIMEOUT_MS,
  });
}

/** Every SpiderReservedIP of one family, as one set (recomputed per batch; there are few). */
function reservedSet(view: ClusterView, version: 4 | 6): IpSet {
  return view.reservedIPs.list().reduce((acc, r) => {
    const v = r.spec?.ipVersion ?? ((r.spec?.ips?.[0] ?? '').includes(':') ? 6 : 4);
    if (v !== version) return acc;
    try {
      return acc.union(IpSet.fromRanges(version, r.spec?.ips ?? [], `SpiderReservedIP ${r.metadata?.name}`));
    } catch {
      return acc;
    }
  }, IpSet.empty(version));
}

/** `/apis/g/v/namespaces/ns/spiderendpoints/x/status?…` → `spiderendpoints/status` (bounded labels). */
function resourceOf(path: string): string {
  const parts = (path.split('?')[0] ?? '').split('/').filter(Boolean);
  const start = parts[0] === 'api' ? 2 : 3;
  const rest = parts.slice(start);
  const plural = rest[0] === 'namespaces' && rest.length > 2 ? rest[2] : rest[0];
  return `${plural ?? ''}${path.includes('/status') ? '/status' : ''}`;
}

function updatePoolGauges(pools: PoolStore, metrics: ReturnType<typeof createIpamMetrics>): void {
  const summary = summarisePools(pools);
  metrics.pools.set(summary.length);
  metrics.poolTotal.reset();
  metrics.poolAvailable.reset();
  for (const p of summary) {
    metrics.poolTotal.set({ pool: p.name }, p.total);
    metrics.poolAvailable.set({ pool: p.name }, p.available);
  }
}

main().catch(exitOnStartupError('ipam-service'));
