// SPDX-License-Identifier: Apache-2.0
// Tracing: pod events put pods whose addresses will soon be free into a due-time queue; a loop
// wakes every trace gap, takes the due pods, and hands their records to the reclaimer, which
// re-checks everything live. Failures come back for a bounded number of retries; after that the
// next full scan is the safety net.
import type { V1Pod } from '@kubernetes/client-node';
import { traceDeadline } from '@spiderpool/ipam-domain';
import type { WatchEventType } from '@spiderpool/k8s';
import { forEachLimited, recordsByUid, type Candidate } from './candidates.ts';
import type { DueQueue, TraceEntry } from './due-queue.ts';
import type { GcContext } from './gc-context.ts';
import type { ClusterReader, PodRef } from './ports.ts';
import type { Reclaimer } from './reclaimer.ts';

export interface TracerDeps extends Omit<GcContext, 'orphans'> {
  cluster: ClusterReader;
  reclaimer: Reclaimer;
  queue: DueQueue;
  /** SPIDERPOOL_GC_TRACE_POD_GAP_DURATION in milliseconds. */
  gapMs: number;
  /** SPIDERPOOL_GC_PODENTRY_MAX_RETRIES. */
  maxRetries: number;
  /** SPIDERPOOL_GC_IP_WORKER_NUM. */
  workers: number;
}

/** Only these pods can become due; the rest are skipped before any look-up. */
const mayBeDue = (type: WatchEventType, pod: V1Pod): boolean =>
  type === 'DELETED' || Boolean(pod.metadata?.deletionTimestamp) || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';

export class Tracer {
  readonly #d: TracerDeps;

  constructor(deps: TracerDeps) {
    this.#d = deps;
  }

  /** A pod watch event: queue the pod when its addresses will be reclaimable. */
  async onPodEvent(type: WatchEventType, pod: V1Pod): Promise<void> {
    if (!this.#d.settings.enabled || !mayBeDue(type, pod)) return;
    const facts = await this.#d.gatherer.podFacts(pod);
    const due = traceDeadline(facts, type === 'DELETED' ? 'deleted' : 'updated', this.#d.settings, this.#d.clock.now());
    if (due.at === undefined) return;
    this.schedule({ namespace: pod.metadata?.namespace ?? '', name: pod.metadata?.name ?? '', uid: facts.uid }, due.at, due.reason);
  }

  /** Queues a pod (also used by the scan for pods still in their grace period). */
  schedule(pod: PodRef, at: number, reason: string): void {
    if (!pod.uid) return;
    if (!this.#d.queue.schedule(pod, at, reason)) this.#d.metrics.failures.inc({ reason: 'trace-queue-full' });
    this.#d.metrics.traceEntries.set(this.#d.queue.size);
  }

  /** Loops until `signal` aborts: one pass every trace gap. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await this.#d.clock.sleep(this.#d.gapMs, signal);
      if (signal.aborted) return;
      await this.runDue(signal).catch((err: unknown) => this.#d.logger.error({ err }, 'gc trace pass failed'));
    }
  }

  /** One pass: reclaims every due pod (no more releases once `signal` aborted). */
  async runDue(signal?: AbortSignal): Promise<void> {
    const due = this.#d.queue.takeDue(this.#d.clock.now());
    if (due.length === 0) return;
    let byUid: Map<string, Candidate[]>;
    try {
      byUid = recordsByUid(await this.#d.cluster.pools());
    } catch (err) {
      this.#d.logger.warn({ err }, 'gc trace: listing pools failed');
      for (const entry of due) this.#failed(entry, 'list-pools');
      return;
    }
    await forEachLimited(due, this.#d.workers, (entry) => this.#reclaim(entry, byUid.get(entry.pod.uid) ?? [], signal));
    this.#d.metrics.traceEntries.set(this.#d.queue.size);
  }

  async #reclaim(entry: TraceEntry, candidates: Candidate[], signal: AbortSignal | undefined): Promise<void> {
    // No record holds this UID: nothing leaked (or a DEL already released it).
    if (candidates.length === 0) return;
    this.#d.metrics.candidates.inc({ source: 'trace' });
    try {
      const outcome = await this.#d.reclaimer.reclaim(candidates, signal);
      if (outcome.kind === 'trace') this.#d.queue.schedule(entry.pod, outcome.until, outcome.reason);
    } catch (err) {
      this.#d.logger.warn({ err, pod: `${entry.pod.namespace}/${entry.pod.name}`, podUid: entry.pod.uid, attempt: entry.attempts + 1 }, 'gc trace release failed');
      this.#failed(entry, errorReason(err));
    }
  }

  #failed(entry: TraceEntry, reason: string): void {
    this.#d.metrics.failures.inc({ reason });
    if (entry.attempts + 1 < this.#d.maxRetries) this.#d.queue.retry(entry, this.#d.clock.now() + this.#d.gapMs);
    else this.#d.logger.warn({ pod: `${entry.pod.namespace}/${entry.pod.name}`, podUid: entry.pod.uid }, 'gc trace retries exhausted; the next full scan takes over');
  }
}

/** A bounded label for a failure: the error's code when it has one. */
export function errorReason(err: unknown): string {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : 'error';
}
