// SPDX-License-Identifier: Apache-2.0
// The reconcile loop of SpiderCoordinator status. One pass lists the coordinators, reads the
// cluster's network sources once, and writes the status of each coordinator whose status
// would change. Passes never overlap: a trigger during a pass marks the loop dirty and one more
// pass follows. Between passes the loop sleeps for the resync period (or a growing retry delay
// after a failed pass) unless a trigger wakes it; every pass is preceded by a short debounce
// that gathers a burst of watch events into one pass.
import type { SpiderCoordinator, SpiderCoordinatorStatus } from '@spiderpool/crds';
import { SpiderpoolError } from '@spiderpool/errors';
import type { Clock } from '@spiderpool/k8s';
import type { Logger } from '@spiderpool/observability';
import { coordinatorStatusOf, sameStatus } from './cluster-network.ts';
import { readOnce, type ClusterNetworkSources } from './network-sources.ts';

/** The SpiderCoordinators the loop owns (the controller may restrict them by label). */
export interface CoordinatorStatusStore {
  list(): Promise<SpiderCoordinator[]>;
  /** Replaces the status; throws NOT_FOUND when the object is gone. */
  writeStatus(name: string, status: SpiderCoordinatorStatus): Promise<void>;
}

export interface CoordinatorStatusMetrics {
  passed(result: 'ok' | 'error'): void;
  wrote(phase: string): void;
  notReady(count: number): void;
}

export interface CoordinatorStatusLoopOptions {
  store: CoordinatorStatusStore;
  sources: ClusterNetworkSources;
  clock: Clock;
  logger: Pick<Logger, 'debug' | 'info' | 'warn'>;
  metrics: CoordinatorStatusMetrics;
  /** Period of the full re-evaluation (default 60 s). */
  resyncMs?: number;
  /** Delay that gathers a burst of watch events into one pass (default 200 ms). */
  debounceMs?: number;
  /** First retry delay after a failed pass, doubled per failure up to resyncMs (default 2 s). */
  retryMs?: number;
}

export class CoordinatorStatusLoop {
  readonly #o: CoordinatorStatusLoopOptions;
  readonly #resyncMs: number;
  readonly #debounceMs: number;
  readonly #retryMs: number;
  #wake: AbortController | undefined;
  #dirty = false;
  #failures = 0;

  constructor(options: CoordinatorStatusLoopOptions) {
    this.#o = options;
    this.#resyncMs = options.resyncMs ?? 60_000;
    this.#debounceMs = options.debounceMs ?? 200;
    this.#retryMs = options.retryMs ?? 2_000;
  }

  /** Something the status depends on changed: re-evaluate soon (after the debounce). */
  trigger(): void {
    this.#dirty = true;
    this.#wake?.abort();
  }

  /** Passes until `signal` aborts; the first one right away. Resolves when the last pass ended. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      this.#dirty = false;
      const ok = await this.#pass(signal);
      this.#failures = ok ? 0 : this.#failures + 1;
      const wait = ok ? this.#resyncMs : Math.min(this.#resyncMs, this.#retryMs * 2 ** (this.#failures - 1));
      // A trigger during the pass was not covered by it: no long wait then.
      if (!this.#dirty) await this.#sleepUnlessTriggered(wait, signal);
      await this.#o.clock.sleep(this.#debounceMs, signal);
    }
  }

  async #sleepUnlessTriggered(ms: number, signal: AbortSignal): Promise<void> {
    const wake = new AbortController();
    this.#wake = wake;
    await this.#o.clock.sleep(ms, AbortSignal.any([signal, wake.signal]));
    this.#wake = undefined;
  }

  async #pass(signal: AbortSignal): Promise<boolean> {
    try {
      const coordinators = await this.#o.store.list();
      const sources = readOnce(this.#o.sources);
      let notReady = 0;
      for (const scc of coordinators) {
        // Leadership may end during a pass: the next leader writes from then on.
        if (signal.aborted) return true;
        const phase = await this.#reconcile(scc, sources);
        if (phase !== 'Synced') notReady++;
      }
      this.#o.metrics.notReady(notReady);
      this.#o.metrics.passed('ok');
      return true;
    } catch (err) {
      this.#o.metrics.passed('error');
      this.#o.logger.warn({ err }, 'SpiderCoordinator status pass failed; statuses stay as they are until the retry');
      return false;
    }
  }

  /** Writes the status of one coordinator when it changes; answers the phase it should have. */
  async #reconcile(scc: SpiderCoordinator, sources: ClusterNetworkSources): Promise<string> {
    const name = scc.metadata?.name ?? '';
    const next = await coordinatorStatusOf(scc.spec?.podCIDRType, sources);
    if (sameStatus(scc.status, next)) return next.phase;
    try {
      await this.#o.store.writeStatus(name, next);
    } catch (err) {
      // Deleted since the list: nothing to write, and no reason to fail the pass.
      if (err instanceof SpiderpoolError && err.code === 'NOT_FOUND') return next.phase;
      throw err;
    }
    this.#o.metrics.wrote(next.phase);
    const log = { coordinator: name, phase: next.phase, reason: next.reason, overlayPodCIDR: next.overlayPodCIDR, serviceCIDR: next.serviceCIDR };
    if (next.phase === 'Synced') this.#o.logger.info(log, 'SpiderCoordinator status written');
    else this.#o.logger.warn(log, 'SpiderCoordinator is NotReady');
    return next.phase;
  }
}
