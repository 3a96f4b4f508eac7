// SPDX-License-Identifier: Apache-2.0
import type { PodRef } from './ports.ts';

export interface TraceEntry {
  pod: PodRef;
  /** Epoch milliseconds after which the pod's addresses may be reclaimed. */
  at: number;
  reason: string;
  /** Failed release attempts so far. */
  attempts: number;
}

/**
 * Pods waiting for their grace period, one entry per pod UID (upstream's pod-entry DB). The
 * latest observation of a pod replaces the earlier one; a full queue refuses new pods, which
 * the next full scan picks up instead.
 */
export class DueQueue {
  readonly #entries = new Map<string, TraceEntry>();
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  get size(): number {
    return this.#entries.size;
  }

  has(uid: string): boolean {
    return this.#entries.has(uid);
  }

  /** False when the queue is full and the pod is not in it yet. */
  schedule(pod: PodRef, at: number, reason: string): boolean {
    const current = this.#entries.get(pod.uid);
    if (!current && this.#entries.size >= this.#capacity) return false;
    this.#entries.set(pod.uid, { pod, at, reason, attempts: current?.attempts ?? 0 });
    return true;
  }

  /** Puts a failed entry back for another attempt at `at`. */
  retry(entry: TraceEntry, at: number): void {
    this.#entries.set(entry.pod.uid, { ...entry, at, attempts: entry.attempts + 1 });
  }

  /** Removes and returns every entry due at `now`, earliest first. */
  takeDue(now: number): TraceEntry[] {
    const due = [...this.#entries.values()].filter((e) => e.at <= now).sort((a, b) => a.at - b.at);
    for (const e of due) this.#entries.delete(e.pod.uid);
    return due;
  }
}
