// SPDX-License-Identifier: Apache-2.0
// GC as a service component: it campaigns for a Lease and runs only while leading, so that one
// replica at a time reclaims. Each leadership term builds its own watch caches, tracing queue
// and orphan ledger, and tears them down when the term's signal aborts; the elector waits for
// that before anyone else can lead.
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import type { SpiderEndpoint } from '@spiderpool/crds';
import { leaderElectedComponent, Reflector, Resources, systemClock, type Clock, type KubeClient, type KubeObject } from '@spiderpool/k8s';
import type { Logger } from '@spiderpool/observability';
import type { Component } from '@spiderpool/service-runtime';
import { gcSettingsOf, type GcServiceConfig } from './config.ts';
import { DueQueue } from './due-queue.ts';
import { FactGatherer } from './fact-gatherer.ts';
import { runGcLoops } from './gc-loops.ts';
import { KubeClusterReader } from './k8s/kube-cluster-reader.ts';
import { slimNode, slimPod } from './k8s/slim-objects.ts';
import type { GcMetrics } from './metrics.ts';
import { OrphanLedger } from './orphan-ledger.ts';
import type { IpamReleaser } from './ports.ts';
import { Reclaimer } from './reclaimer.ts';
import { Scanner } from './scanner.ts';
import { Tracer } from './tracer.ts';

export interface GcComponentOptions {
  client: KubeClient;
  config: GcServiceConfig;
  releaser: IpamReleaser;
  metrics: GcMetrics;
  logger: Logger;
  clock?: Clock;
}

export function gcComponent(options: GcComponentOptions): Component {
  const { client, config } = options;
  const logger = options.logger.child({ component: 'gc' });
  return leaderElectedComponent({
    name: 'gc',
    client,
    logger,
    lease: { namespace: config.SPIDERPOOL_GC_LEASE_NAMESPACE, name: config.SPIDERPOOL_GC_LEASE_NAME },
    replica: config.SPIDERPOOL_POD_NAME,
    enabled: config.SPIDERPOOL_GC_IP_ENABLED,
    disabledReason: 'SPIDERPOOL_GC_IP_ENABLED=false',
    timings: {
      leaseDurationMs: config.SPIDERPOOL_LEADER_DURATION * 1000,
      renewDeadlineMs: config.SPIDERPOOL_LEADER_RENEW_DEADLINE * 1000,
      retryPeriodMs: config.SPIDERPOOL_LEADER_RETRY_PERIOD * 1000,
    },
    run: (signal) => runGcTerm({ ...options, logger, signal }),
  });
}

/** One leadership term: caches, tracing and scanning until `signal` aborts. */
export async function runGcTerm(o: GcComponentOptions & { signal: AbortSignal }): Promise<void> {
  const { client, config, metrics, logger, signal } = o;
  const clock = o.clock ?? systemClock;
  const settings = gcSettingsOf(config);
  const workers = config.SPIDERPOOL_GC_IP_WORKER_NUM;
  const onError = (err: unknown): void => logger.warn({ err }, 'gc watch cache');
  const caches = {
    pods: new Reflector<V1Pod & KubeObject>(client, Resources.pods, {
      transform: (p) => slimPod(p) as V1Pod & KubeObject,
      // Events flow only after start(), below, when the tracer exists.
      onEvent: (type, pod) => void tracer.onPodEvent(type, pod).catch((err: unknown) => logger.warn({ err }, 'gc trace event')),
      onError,
    }),
    nodes: new Reflector<V1Node & KubeObject>(client, Resources.nodes, { transform: (n) => slimNode(n) as V1Node & KubeObject, onError }),
    endpoints: new Reflector<SpiderEndpoint & KubeObject>(client, Resources.endpoints, { onError }),
  };
  const cluster = new KubeClusterReader(client, caches);
  const gatherer = new FactGatherer({ cluster, features: { statefulSet: config.SPIDERPOOL_ENABLE_STATEFULSET, kubevirt: config.SPIDERPOOL_ENABLE_KUBEVIRT_STATIC_IP } });
  const orphans = new OrphanLedger();
  const reclaimer = new Reclaimer({ gatherer, releaser: o.releaser, orphans, settings, clock, metrics, logger });
  const queue = new DueQueue(config.SPIDERPOOL_GC_MAX_PODENTRY_DB_CAP);
  const tracer = new Tracer({ cluster, gatherer, reclaimer, queue, settings, clock, metrics, logger, gapMs: config.SPIDERPOOL_GC_TRACE_POD_GAP_DURATION * 1000, maxRetries: config.SPIDERPOOL_GC_PODENTRY_MAX_RETRIES, workers });
  const scanner = new Scanner({ cluster, gatherer, reclaimer, tracer, releaser: o.releaser, orphans, settings, clock, metrics, logger, workers, cleanEndpoints: config.SPIDERPOOL_GC_CLEAN_OUTDATED_ENDPOINT_ENABLED });
  logger.info('gc leading: starting watch caches');
  try {
    // Nodes and endpoints before pods: pod events judged against an empty node cache would
    // read every node as unknown (and keep), which is safe but makes tracing useless.
    if (!(await untilAborted(Promise.all([caches.nodes.start(), caches.endpoints.start()]), signal))) return;
    if (!(await untilAborted(caches.pods.start(), signal))) return;
    await runGcLoops({ scanner, tracer, clock, intervalMs: config.SPIDERPOOL_GC_DEFAULT_INTERVAL_DURATION * 1000, metrics, logger, signal });
  } finally {
    for (const cache of Object.values(caches)) cache.stop();
    logger.info('gc stopped leading');
  }
}

/** True when `work` finished first, false when `signal` aborted first. */
async function untilAborted(work: Promise<unknown>, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  const aborted = new Promise<false>((resolve) => signal.addEventListener('abort', () => resolve(false), { once: true }));
  return Promise.race([work.then(() => true as const), aborted]);
}
