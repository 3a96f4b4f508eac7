// SPDX-License-Identifier: Apache-2.0
// The SpiderMultusConfig controller: keeps one NetworkAttachmentDefinition per SpiderMultusConfig
// equal to its rendering. It must run in one replica only: the composition root starts it when
// this process becomes leader and aborts `signal` when leadership ends.
//
// Triggers: every SpiderMultusConfig event; every event of a NAD carrying MULTUS_CONFIG_LABEL
// (a NAD deleted by hand is re-created, one edited by hand is put back); a periodic resync of
// every SpiderMultusConfig. Deleting a SpiderMultusConfig deletes its NAD here and through the
// owner reference (kube-controller-manager's garbage collector), whichever comes first.
import type { NetworkAttachmentDefinition, SpiderMultusConfig } from '@spiderpool/crds';
import { Reflector, Resources, type KubeClient, type KubeObject } from '@spiderpool/k8s';
import type { Logger, Registry } from '@spiderpool/observability';
import { KeyedQueue } from './keyed-queue.ts';
import { kubeNadApi } from './kube-nad-api.ts';
import { MULTUS_CONFIG_LABEL } from './multus-keys.ts';
import { createMultusMetrics, type MultusMetrics } from './multus-metrics.ts';
import { multusConfigOfNad } from './nad-ownership.ts';
import { reconcileMultusConfig, type ReconcileDeps } from './nad-reconciler.ts';
import type { RenderOptions } from './nad-render.ts';

export interface MultusControllerOptions {
  client: KubeClient;
  logger: Logger;
  metrics: Registry;
  /** Aborting stops the controller (leadership lost, or shutdown). */
  signal: AbortSignal;
  /** Every SpiderMultusConfig is reconciled again this often (default 5 minutes). */
  resyncIntervalMs?: number;
  /** First retry delay of a failed reconcile; doubles up to 30 s (default 500 ms). */
  retryBaseMs?: number;
  render?: RenderOptions;
}

export interface MultusController {
  /** Resolves once the controller stopped and its last reconcile finished. */
  readonly stopped: Promise<void>;
  /** Resolves when no reconcile is queued or running (for tests). */
  idle(): Promise<void>;
}

const keyOf = (o: KubeObject): string => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

function splitKey(key: string): { namespace: string; name: string } {
  const i = key.indexOf('/');
  return { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
}

interface Parts {
  smcs: Reflector<SpiderMultusConfig>;
  nads: Reflector<NetworkAttachmentDefinition>;
  queue: KeyedQueue;
}

function build(o: MultusControllerOptions, metrics: MultusMetrics): Parts {
  const log = o.logger.child({ component: 'multus-controller' });
  const queue = new KeyedQueue({
    retryBaseMs: o.retryBaseMs ?? 500,
    process: async (key) => {
      const started = performance.now();
      try {
        metrics.reconciled(await reconcileMultusConfig(splitKey(key), deps), (performance.now() - started) / 1_000);
      } catch (err) {
        metrics.reconciled('error', (performance.now() - started) / 1_000);
        throw err;
      }
    },
    onError: (key, err, attempt) => log.warn({ err, smc: key, attempt }, 'reconcile of SpiderMultusConfig failed; retrying'),
  });
  const onError = (err: unknown): void => log.warn({ err }, 'watch failed; re-listing');
  const smcs = new Reflector<SpiderMultusConfig>(o.client, Resources.multusConfigs, { onEvent: (_t, smc) => queue.add(keyOf(smc)), onError });
  const nads = new Reflector<NetworkAttachmentDefinition>(o.client, Resources.networkAttachmentDefinitions, {
    labelSelector: MULTUS_CONFIG_LABEL,
    onEvent: (_t, nad) => {
      const owner = multusConfigOfNad(nad);
      if (owner) queue.add(`${nad.metadata?.namespace ?? ''}/${owner}`);
    },
    onError,
  });
  // Used by `process` above, which runs only after start(): by then it is set.
  const deps: ReconcileDeps = {
    api: kubeNadApi(o.client, nads),
    view: {
      multusConfig: (namespace, name) => smcs.get(name, namespace),
      nadsOf: (namespace, smcName) => nads.list().filter((n) => n.metadata?.namespace === namespace && multusConfigOfNad(n) === smcName),
    },
    render: o.render,
    note: (message, details) => log.warn(details, message),
  };
  return { smcs, nads, queue };
}

async function run(o: MultusControllerOptions, parts: Parts): Promise<void> {
  const { smcs, nads, queue } = parts;
  const synced = Promise.all([smcs.start(), nads.start()]);
  await Promise.race([synced, aborted(o.signal)]);
  let resync: NodeJS.Timeout | undefined;
  if (!o.signal.aborted) {
    // Both caches are complete: reconciling now cannot mistake a not-yet-listed object for a deleted one.
    queue.start();
    resync = setInterval(() => smcs.list().forEach((smc) => queue.add(keyOf(smc))), o.resyncIntervalMs ?? 300_000);
    resync.unref();
    o.logger.info({ multusConfigs: smcs.list().length }, 'multus controller started');
  }
  await aborted(o.signal);
  clearInterval(resync);
  smcs.stop();
  nads.stop();
  await queue.stop();
  o.logger.info('multus controller stopped');
}

/**
 * Starts the controller; it runs until `signal` aborts. Returns at once: reconciles begin once
 * both watch caches have their first list.
 */
export function startMultusController(options: MultusControllerOptions): MultusController {
  const parts = build(options, createMultusMetrics(options.metrics));
  const stopped = run(options, parts);
  return { stopped, idle: () => parts.queue.idle() };
}
