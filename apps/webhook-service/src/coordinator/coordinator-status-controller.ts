// SPDX-License-Identifier: Apache-2.0
// The SpiderCoordinator status controller: discovers the cluster's pod and service CIDRs and
// writes them, with phase Synced or NotReady, into every SpiderCoordinator's status. Run it on
// the leader only (one status writer); it stops when `signal` aborts, e.g. on leadership loss.
//
// Watches only trigger passes; a pass always reads the API afresh (a handful of GET/LIST
// requests), so the status never depends on a cache being current. Watches of APIs that may
// not be served (the Calico CRD) re-list every min(resync, 30 s) until they appear.
import { Reflector, Resources, systemClock, type Clock, type KubeClient, type KubeObject, type ReflectorOptions, type ResourceRef } from '@spiderpool/k8s';
import type { Logger, Registry } from '@spiderpool/observability';
import { CILIUM_CONFIG_MAP } from './cilium-config.ts';
import { CoordinatorStatusLoop } from './coordinator-status-loop.ts';
import { coordinatorStatusMetrics } from './coordinator-status-metrics.ts';
import { KUBEADM_CONFIG_MAP } from './kubeadm-config.ts';
import { kubeCoordinatorStore } from './kube-coordinator-store.ts';
import { NetworkResources, kubeNetworkSources } from './kube-network-sources.ts';

export interface CoordinatorStatusControllerOptions {
  client: KubeClient;
  logger: Logger;
  metrics: Registry;
  signal: AbortSignal;
  clock?: Clock;
  /** Namespace of kubeadm-config, cilium-config and the control-plane Pods (default kube-system). */
  namespace?: string;
  /** Only SpiderCoordinators with these labels are written (default: all). */
  labelSelector?: string;
  /** Period of the full re-evaluation (default 60 s). */
  resyncMs?: number;
}

export interface CoordinatorStatusController {
  /** Resolves once the controller has stopped after `signal` aborted (no pass runs any more). */
  readonly stopped: Promise<void>;
}

/** Watches keep names and versions only: they exist to wake the loop, not to be read. */
const metadataOnly = (o: KubeObject): KubeObject => ({ metadata: { name: o.metadata?.name, namespace: o.metadata?.namespace, resourceVersion: o.metadata?.resourceVersion } });

interface WatchSpec {
  ref: ResourceRef;
  options: ReflectorOptions<KubeObject>;
  /** The API may not be served at all (no Calico): re-list it slowly instead of every second. */
  optional?: boolean;
}

function watchesOf(options: CoordinatorStatusControllerOptions, namespace: string): WatchSpec[] {
  const system = (extra: ReflectorOptions<KubeObject>): ReflectorOptions<KubeObject> => ({ namespace, ...extra });
  return [
    { ref: Resources.coordinators, options: options.labelSelector ? { labelSelector: options.labelSelector } : {} },
    { ref: NetworkResources.configMaps, options: system({ fieldSelector: `metadata.name=${KUBEADM_CONFIG_MAP}` }) },
    { ref: NetworkResources.configMaps, options: system({ fieldSelector: `metadata.name=${CILIUM_CONFIG_MAP}` }) },
    { ref: Resources.pods, options: system({ labelSelector: 'component in (kube-controller-manager,kube-apiserver)' }) },
    { ref: NetworkResources.serviceCIDRs, options: {}, optional: true },
    { ref: NetworkResources.calicoIPPools, options: {}, optional: true },
  ];
}

export function startCoordinatorStatusController(options: CoordinatorStatusControllerOptions): CoordinatorStatusController {
  const namespace = options.namespace ?? 'kube-system';
  const resyncMs = options.resyncMs ?? 60_000;
  const logger = options.logger.child({ component: 'coordinator-status' });
  const loop = new CoordinatorStatusLoop({
    store: kubeCoordinatorStore(options.client, { labelSelector: options.labelSelector }),
    sources: kubeNetworkSources(options.client, { namespace }),
    clock: options.clock ?? systemClock,
    logger,
    metrics: coordinatorStatusMetrics(options.metrics),
    resyncMs,
  });
  const reflectors = watchesOf(options, namespace).map(({ ref, options: watch, optional }) => new Reflector<KubeObject>(options.client, ref, {
    ...watch,
    transform: metadataOnly,
    onEvent: () => loop.trigger(),
    onError: (err) => logger.debug({ err, resource: `${ref.base}/${ref.plural}` }, 'watch failed; retrying'),
    // A failed watch only delays triggers (passes read the API afresh), but an API server that
    // is restarting answers 503 for a while, and a coordinator watch down for long would leave
    // new coordinators without status until the resync.
    retryDelayMs: optional ? Math.min(resyncMs, 30_000) : 1_000,
  }));

  options.signal.addEventListener('abort', () => {
    for (const r of reflectors) r.stop();
  }, { once: true });
  if (!options.signal.aborted) {
    for (const r of reflectors) void r.start();
    logger.info({ namespace, labelSelector: options.labelSelector ?? '' }, 'SpiderCoordinator status controller started');
  }
  return { stopped: loop.run(options.signal) };
}
