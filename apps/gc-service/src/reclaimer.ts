// SPDX-License-Identifier: Apache-2.0
// The one place GC frees addresses. Whatever found a candidate (scan or trace) decided on
// cached reads; here the decision is taken again on live reads, and only the records that
// still qualify go to ipam-service, which frees each only if the pool still records it for the
// same pod UID. The endpoint follows only when every record of the pod went — removed by
// ipam-service too (it writes both halves of an allocation), after checking it backs nothing.
import { decideRecord, type GcDecision, type RecordFacts } from '@spiderpool/ipam-domain';
import type { Candidate } from './candidates.ts';
import { splitPodKey } from './fact-gatherer.ts';
import type { GcContext } from './gc-context.ts';
import { OrphanLedger } from './orphan-ledger.ts';
import type { IpamReleaser } from './ports.ts';

export interface ReclaimerDeps extends GcContext {
  releaser: IpamReleaser;
}

export type ReclaimOutcome =
  | { kind: 'released'; released: number }
  | { kind: 'kept'; reason: string }
  | { kind: 'trace'; until: number; reason: string };

export class Reclaimer {
  readonly #d: ReclaimerDeps;

  constructor(deps: ReclaimerDeps) {
    this.#d = deps;
  }

  /**
   * Re-validates and releases the records of one pod UID; throws when a call failed. `signal`
   * is the leadership term: once it aborted, nothing more is released by this process.
   */
  async reclaim(candidates: readonly Candidate[], signal?: AbortSignal): Promise<ReclaimOutcome> {
    const decided = await this.#decideFresh(candidates);
    const toRelease = decided.filter((d) => d.decision.action === 'release');
    if (toRelease.length === 0) return this.#notNow(decided.map((d) => d.decision));
    if (signal?.aborted) return { kind: 'kept', reason: 'leadership lost' };
    const first = toRelease[0] as (typeof toRelease)[number];
    const [namespace, name] = splitPodKey(first.facts.record.pod) ?? ['', ''];
    const uid = first.facts.record.podUid;
    const expected = toRelease.map((d) => ({ pool: d.facts.pool, ip: d.facts.ip }));
    const removeEndpoint = toRelease.length === decided.length && toRelease.every((d) => d.decision.action === 'release' && d.decision.deleteEndpoint);
    const result = await this.#d.releaser.release({ pod: { namespace, name, uid }, expected, removeEndpoint });
    for (const d of toRelease) if (result.released.some((r) => r.pool === d.facts.pool && r.ip === d.facts.ip)) this.#d.metrics.reclaimed.inc({ reason: d.decision.reason });
    this.#d.logger.info({ pod: `${namespace}/${name}`, podUid: uid, released: result.released, reasons: [...new Set(toRelease.map((d) => d.decision.reason))] }, 'gc released addresses');
    if (result.endpointRemoved) this.#d.metrics.endpointsDeleted.inc();
    return { kind: 'released', released: result.released.length };
  }

  async #decideFresh(candidates: readonly Candidate[]): Promise<Array<{ facts: RecordFacts; decision: GcDecision }>> {
    const now = this.#d.clock.now();
    const memo = new Map();
    return Promise.all(
      candidates.map(async (c) => {
        const facts = await this.#d.gatherer.recordFacts({ ...c, now, fresh: true }, memo);
        // The live reads count too: an orphan first seen here starts its grace window now.
        const since = this.#d.orphans.observe(OrphanLedger.key(c.pool, c.ip, c.record.podUid), !facts.pod && !facts.endpoint, now);
        if (since !== undefined) facts.orphanSinceMs = since;
        return { facts, decision: decideRecord(facts, this.#d.settings) };
      }),
    );
  }

  /** Nothing to release on live reads: the earliest trace, else why it stays. */
  #notNow(decisions: GcDecision[]): ReclaimOutcome {
    const traces = decisions.flatMap((d) => (d.action === 'trace' ? [d] : []));
    if (traces.length > 0) {
      const earliest = traces.reduce((a, b) => (b.until < a.until ? b : a));
      return { kind: 'trace', until: earliest.until, reason: earliest.reason };
    }
    const kept = decisions.find((d) => d.action === 'keep');
    if (kept?.action === 'keep' && kept.unsure) this.#d.metrics.keptUnsure.inc({ reason: kept.reason });
    return { kind: 'kept', reason: kept?.reason ?? 'no records' };
  }
}
