// SPDX-License-Identifier: Apache-2.0
// Scan-all: every record of every pool and every SpiderEndpoint, judged on cached reads.
// Releasable pods go to the reclaimer (which re-checks live), pods still in a grace period go
// to the tracer, and endpoints no pool record backs any more are deleted (by ipam-service) after
// a live re-check.
import { decideEndpoint, decideRecord, type GcDecision, type RecordFacts } from '@spiderpool/ipam-domain';
import type { SpiderEndpoint } from '@spiderpool/crds';
import { forEachLimited, recordsByUid, type Candidate } from './candidates.ts';
import { splitPodKey, type ValidityMemo } from './fact-gatherer.ts';
import type { GcContext } from './gc-context.ts';
import { OrphanLedger } from './orphan-ledger.ts';
import type { ClusterReader, IpamReleaser } from './ports.ts';
import type { Reclaimer } from './reclaimer.ts';
import { errorReason, type Tracer } from './tracer.ts';

export interface ScannerDeps extends GcContext {
  cluster: ClusterReader;
  reclaimer: Reclaimer;
  tracer: Pick<Tracer, 'schedule'>;
  /** ipam-service, which deletes unbacked endpoints (Release with remove_endpoint). */
  releaser: IpamReleaser;
  workers: number;
  /** SPIDERPOOL_GC_CLEAN_OUTDATED_ENDPOINT_ENABLED. */
  cleanEndpoints: boolean;
}

export interface ScanSummary {
  records: number;
  released: number;
  traced: number;
  kept: number;
  endpointsDeleted: number;
  failed: number;
}

type Judged = { candidate: Candidate; facts: RecordFacts; decision: GcDecision };

export class Scanner {
  readonly #d: ScannerDeps;

  constructor(deps: ScannerDeps) {
    this.#d = deps;
  }

  /** One full scan; `signal` (the leadership term) stops further releases once aborted. */
  async scan(signal?: AbortSignal): Promise<ScanSummary> {
    const started = this.#d.clock.now();
    const summary: ScanSummary = { records: 0, released: 0, traced: 0, kept: 0, endpointsDeleted: 0, failed: 0 };
    if (!this.#d.settings.enabled) return summary;
    const byUid = recordsByUid(await this.#d.cluster.pools());
    const memo: ValidityMemo = new Map();
    const seen = new Set<string>();
    await forEachLimited([...byUid.values()], this.#d.workers, async (group) => {
      summary.records += group.length;
      const judged = await Promise.all(group.map((c) => this.#judge(c, memo, seen)));
      await this.#act(judged, summary, signal);
    });
    this.#d.orphans.retainOnly(seen);
    if (this.#d.cleanEndpoints && !signal?.aborted) await this.#scanEndpoints({ byUid, memo, summary, signal });
    this.#d.metrics.scanDuration.observe((this.#d.clock.now() - started) / 1000);
    this.#d.logger.info({ ...summary }, 'gc scan done');
    return summary;
  }

  async #judge(candidate: Candidate, memo: ValidityMemo, seen: Set<string>): Promise<Judged> {
    const now = this.#d.clock.now();
    const key = OrphanLedger.key(candidate.pool, candidate.ip, candidate.record.podUid);
    seen.add(key);
    const facts = await this.#d.gatherer.recordFacts({ ...candidate, now, fresh: false }, memo);
    const orphanSinceMs = this.#d.orphans.observe(key, !facts.pod && !facts.endpoint, now);
    if (orphanSinceMs !== undefined) facts.orphanSinceMs = orphanSinceMs;
    return { candidate, facts, decision: decideRecord(facts, this.#d.settings) };
  }

  /** One pod UID's records: release them together, or trace / keep. */
  async #act(judged: Judged[], summary: ScanSummary, signal: AbortSignal | undefined): Promise<void> {
    const releasable = judged.filter((j) => j.decision.action === 'release');
    for (const j of judged) this.#noteKeepOrTrace(j, summary);
    if (releasable.length === 0) return;
    this.#d.metrics.candidates.inc({ source: 'scan' });
    try {
      const outcome = await this.#d.reclaimer.reclaim(releasable.map((j) => j.candidate), signal);
      if (outcome.kind === 'released') summary.released += outcome.released;
      if (outcome.kind === 'trace') this.#trace(releasable[0] as Judged, outcome.until, outcome.reason);
    } catch (err) {
      summary.failed += releasable.length;
      this.#d.metrics.failures.inc({ reason: errorReason(err) });
      this.#d.logger.warn({ err, pod: releasable[0]?.candidate.record.pod }, 'gc scan release failed; retried next scan');
    }
  }

  #noteKeepOrTrace(j: Judged, summary: ScanSummary): void {
    if (j.decision.action === 'keep') {
      summary.kept += 1;
      if (j.decision.unsure) this.#d.metrics.keptUnsure.inc({ reason: j.decision.reason });
    } else if (j.decision.action === 'trace') {
      summary.traced += 1;
      this.#trace(j, j.decision.until, j.decision.reason);
    }
  }

  /** Seeds the tracer, so a freshly elected leader does not lose a pending grace period. */
  #trace(j: Judged, until: number, reason: string): void {
    const [namespace, name] = splitPodKey(j.candidate.record.pod) ?? ['', ''];
    this.#d.tracer.schedule({ namespace, name, uid: j.candidate.record.podUid }, until, reason);
  }

  async #scanEndpoints(o: { byUid: Map<string, Candidate[]>; memo: ValidityMemo; summary: ScanSummary; signal: AbortSignal | undefined }): Promise<void> {
    const { byUid, memo, summary, signal } = o;
    const unbacked = (await this.#d.cluster.endpoints()).filter((e) => !byUid.has(e.status?.current.uid ?? ''));
    if (unbacked.length === 0) return;
    // Pools were listed before the endpoints: an ADD may have written both since. List again.
    const live = recordsByUid(await this.#d.cluster.pools());
    await forEachLimited(unbacked, this.#d.workers, async (endpoint) => {
      if (signal?.aborted) return;
      try {
        if (await this.#deleteIfUnbacked(endpoint, live, memo)) summary.endpointsDeleted += 1;
      } catch (err) {
        summary.failed += 1;
        this.#d.metrics.failures.inc({ reason: errorReason(err) });
      }
    });
  }

  async #deleteIfUnbacked(cached: SpiderEndpoint, live: Map<string, Candidate[]>, memo: ValidityMemo): Promise<boolean> {
    const namespace = cached.metadata?.namespace ?? '';
    const name = cached.metadata?.name ?? '';
    const [endpoint, pod] = await Promise.all([this.#d.cluster.endpoint(namespace, name, true), this.#d.cluster.pod(namespace, name, true)]);
    if (!endpoint) return false;
    const facts = {
      endpoint: await this.#d.gatherer.endpointFacts(endpoint, memo),
      hasPoolRecords: live.has(endpoint.status?.current.uid ?? ''),
      ...(pod ? { pod: await this.#d.gatherer.podFacts(pod, memo) } : {}),
    };
    const decision = decideEndpoint(facts, this.#d.settings);
    if (decision.action !== 'delete') return false;
    // ipam-service deletes it, and only if it still backs no record of that pod UID.
    const result = await this.#d.releaser.release({ pod: { namespace, name, uid: facts.endpoint.uid }, expected: [], removeEndpoint: true });
    if (!result.endpointRemoved) return false;
    this.#d.metrics.endpointsDeleted.inc();
    this.#d.logger.info({ endpoint: `${namespace}/${name}`, podUid: facts.endpoint.uid, reason: decision.reason }, 'gc deleted endpoint');
    return true;
  }
}
