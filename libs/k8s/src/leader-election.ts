// SPDX-License-Identifier: Apache-2.0
import { SpiderpoolError, isSpiderpoolError } from '@spiderpool/errors';
import { systemClock, type Clock } from './clock.ts';
import type { KubeClient } from './kube-client.ts';
import { kubeLeasePort, type LeasePort, type LeaseRecord, type LeaseSnapshot } from './lease-port.ts';

/** Where the Lease lives: a Kubernetes Lease through the client, or any LeasePort (tests). */
export type LeaseLocation = { lease: LeasePort } | { client: KubeClient; namespace: string; name: string };

export type LeaderElectorOptions = LeaseLocation & {
  /** Unique per process (pod name plus a random suffix): two processes with one identity would both lead. */
  identity: string;
  /** How long a holder's claim stands after its last renewal, on the observer's clock. Default 15 s. */
  leaseDurationMs?: number;
  /** A leader that could not renew for this long stops leading. Default 10 s; must be below leaseDurationMs. */
  renewDeadlineMs?: number;
  /** Pause between attempts to acquire or renew. Default 2 s; must be below renewDeadlineMs. */
  retryPeriodMs?: number;
  clock?: Clock;
  /** Aborting it stops the elector as `stop()` does (releasing the lease). */
  signal?: AbortSignal;
  /**
   * Called when this process becomes leader; `signal` aborts when leadership ends. Work must
   * honour the signal: a returned promise is awaited (up to renewDeadlineMs) before the lease is
   * released, so that the next leader never overlaps with work still running here.
   */
  onStartedLeading: (signal: AbortSignal) => void | Promise<void>;
  /** Called once per leadership term, after the term's signal aborted. */
  onStoppedLeading?: () => void;
  /** Called when the observed holder changes (including to this process). */
  onNewLeader?: (identity: string) => void;
  /** Failed API calls and callback errors; the elector keeps going. */
  onError?: (err: unknown) => void;
};

const DEFAULTS = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };

type Outcome<T> = { done: true; value: T } | { done: false };

/**
 * Leader election on a coordination.k8s.io/v1 Lease, with client-go's safety argument:
 *
 * - A candidate never trusts the holder's renewTime (other clocks); it takes over only when the
 *   record has not changed for the record's leaseDurationSeconds as measured on its own clock
 *   from when it first saw that version (observedAt, taken after the read returned).
 * - A leader counts its term from just before it sent its last successful write (renewedAt) and
 *   stops considering itself leader renewDeadlineMs later unless a renewal succeeded, whether
 *   or not the API call ever returns.
 *
 * Since renewedAt <= the write <= any observation of it, and renewDeadline < leaseDuration, a
 * new leader starts only after the old one stopped, as long as both clocks run at the same rate.
 * Every write is a compare-and-swap on resourceVersion, so concurrent candidates cannot both win.
 */
export class LeaderElector {
  readonly name: string;
  readonly #lease: LeasePort;
  readonly #options: LeaderElectorOptions;
  readonly #clock: Clock;
  readonly #leaseDurationMs: number;
  readonly #renewDeadlineMs: number;
  readonly #retryPeriodMs: number;
  #observed: LeaseSnapshot | undefined;
  #observedAt = 0;
  #renewedAt = Number.NEGATIVE_INFINITY;
  #leading = false;
  #release = true;
  #abort: AbortController | undefined;
  #loop: Promise<void> | undefined;

  constructor(options: LeaderElectorOptions) {
    this.#options = options;
    this.#lease = 'lease' in options ? options.lease : kubeLeasePort(options.client, options.namespace, options.name);
    this.name = 'lease' in options ? 'leader-election' : `leader-election ${options.namespace}/${options.name}`;
    this.#clock = options.clock ?? systemClock;
    this.#leaseDurationMs = options.leaseDurationMs ?? DEFAULTS.leaseDurationMs;
    this.#renewDeadlineMs = options.renewDeadlineMs ?? DEFAULTS.renewDeadlineMs;
    this.#retryPeriodMs = options.retryPeriodMs ?? DEFAULTS.retryPeriodMs;
    validateTiming(options.identity, this.#leaseDurationMs, this.#renewDeadlineMs, this.#retryPeriodMs);
  }

  /** Starts campaigning; resolves at once (leadership is reported through the callbacks). */
  async start(): Promise<void> {
    if (this.#loop) return;
    const abort = new AbortController();
    this.#abort = abort;
    const external = this.#options.signal;
    if (external?.aborted) abort.abort();
    external?.addEventListener('abort', () => abort.abort(), { once: true });
    this.#loop = this.#run(abort.signal);
  }

  /**
   * Stops campaigning and, when leading, ends the term and releases the lease so another
   * candidate takes over at once. `release: false` behaves like a crash: the others wait for
   * the lease to expire. Idempotent.
   */
  async stop(options: { release?: boolean } = {}): Promise<void> {
    this.#release = options.release ?? true;
    this.#abort?.abort();
    await this.#loop;
  }

  /** True only while the current term is within renewDeadlineMs of its last successful renewal. */
  isLeader(): boolean {
    return this.#leading && this.#clock.now() < this.#renewedAt + this.#renewDeadlineMs;
  }

  /** The holder last observed in the Lease, if any. */
  leader(): string | undefined {
    return this.#observed?.record.holderIdentity || undefined;
  }

  async #run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const acquired = await this.#acquire(signal);
      if (!acquired) break;
      await this.#lead(signal);
    }
  }

  /** Tries every retry period until the lease is ours; false when stopped first. */
  async #acquire(signal: AbortSignal): Promise<boolean> {
    while (!signal.aborted) {
      const attempt = await this.#attempt(this.#renewDeadlineMs, signal);
      if (attempt) return true;
      await this.#clock.sleep(this.#retryPeriodMs, signal);
    }
    return false;
  }

  /** One leadership term: from a successful acquisition until stopped or a renewal deadline missed. */
  async #lead(signal: AbortSignal): Promise<void> {
    if (signal.aborted) {
      // Won the lease while stopping: hand it straight back, no term was started.
      if (this.#release) await this.#releaseLease();
      return;
    }
    const term = new AbortController();
    this.#leading = true;
    const work = this.#startWork(term.signal);
    const lost = await this.#renewUntilLost(signal);
    this.#leading = false;
    term.abort();
    const settled = await this.#within(work, this.#renewDeadlineMs);
    this.#safely(() => this.#options.onStoppedLeading?.());
    // A stopped work that is still running must not overlap with the next leader: then the
    // lease is left to expire instead of being handed over.
    if (!lost && this.#release && settled.done) await this.#releaseLease();
  }

  #startWork(signal: AbortSignal): Promise<void> {
    try {
      return Promise.resolve(this.#options.onStartedLeading(signal)).catch((err: unknown) => this.#options.onError?.(err));
    } catch (err) {
      this.#options.onError?.(err);
      return Promise.resolve();
    }
  }

  /** Renews every retry period; true when leadership was lost, false when stopped. */
  async #renewUntilLost(signal: AbortSignal): Promise<boolean> {
    while (!signal.aborted) {
      await this.#clock.sleep(this.#retryPeriodMs, signal);
      if (signal.aborted) return false;
      if (!(await this.#renew(signal))) return true;
    }
    return false;
  }

  /** Retries a renewal until it succeeds, another holder shows up, or the deadline passes. */
  async #renew(signal: AbortSignal): Promise<boolean> {
    const deadline = this.#renewedAt + this.#renewDeadlineMs;
    while (!signal.aborted) {
      const remaining = deadline - this.#clock.now();
      if (remaining <= 0) return false;
      if (await this.#attempt(remaining, signal)) return true;
      if (this.#heldByOther()) return false;
      await this.#clock.sleep(Math.min(this.#retryPeriodMs, remaining), signal);
    }
    return true;
  }

  /** tryAcquireOrRenew bounded in time: a hung API call counts as a failed attempt, and so does stopping. */
  async #attempt(timeoutMs: number, signal: AbortSignal): Promise<boolean> {
    const outcome = await this.#within(this.#tryAcquireOrRenew(), timeoutMs, signal);
    return outcome.done && outcome.value;
  }

  async #tryAcquireOrRenew(): Promise<boolean> {
    const startedAt = this.#clock.now();
    try {
      const current = await this.#lease.get();
      if (!current) return this.#won(startedAt, await this.#lease.create(this.#claim(startedAt, undefined)));
      this.#observe(current);
      if (this.#heldByOther() && !this.#expired(current.record)) return false;
      return this.#won(startedAt, await this.#lease.update(this.#claim(startedAt, current.record), current.resourceVersion));
    } catch (err) {
      if (!isSpiderpoolError(err, 'CONFLICT') && !isSpiderpoolError(err, 'ALREADY_EXISTS')) this.#options.onError?.(err);
      return false;
    }
  }

  #claim(now: number, previous: LeaseRecord | undefined): LeaseRecord {
    const ours = previous?.holderIdentity === this.#options.identity;
    return {
      holderIdentity: this.#options.identity,
      leaseDurationSeconds: Math.ceil(this.#leaseDurationMs / 1000),
      acquireTime: ours ? previous.acquireTime : now,
      renewTime: now,
      leaseTransitions: previous === undefined ? 0 : previous.leaseTransitions + (ours ? 0 : 1),
    };
  }

  #won(startedAt: number, written: LeaseSnapshot): boolean {
    this.#observe(written);
    // The term is counted from before the request left, never from when the answer came.
    this.#renewedAt = Math.max(this.#renewedAt, startedAt);
    return true;
  }

  /** Remembers when a new version of the record was first seen, on this process's clock. */
  #observe(snapshot: LeaseSnapshot): void {
    if (snapshot.resourceVersion === this.#observed?.resourceVersion) return;
    const previousHolder = this.#observed?.record.holderIdentity;
    this.#observed = snapshot;
    this.#observedAt = this.#clock.now();
    const holder = snapshot.record.holderIdentity;
    if (holder && holder !== previousHolder) this.#safely(() => this.#options.onNewLeader?.(holder));
  }

  #heldByOther(): boolean {
    const holder = this.#observed?.record.holderIdentity;
    return Boolean(holder) && holder !== this.#options.identity;
  }

  #expired(record: LeaseRecord): boolean {
    return this.#clock.now() >= this.#observedAt + record.leaseDurationSeconds * 1000;
  }

  /** Hands the lease over: an empty holder lets any candidate take it at its next attempt. */
  async #releaseLease(): Promise<void> {
    try {
      const current = await this.#lease.get();
      if (!current || current.record.holderIdentity !== this.#options.identity) return;
      const now = this.#clock.now();
      const released: LeaseRecord = { holderIdentity: '', leaseDurationSeconds: 1, acquireTime: now, renewTime: now, leaseTransitions: current.record.leaseTransitions };
      this.#observe(await this.#lease.update(released, current.resourceVersion));
    } catch (err) {
      // CONFLICT: someone wrote the lease since; it is no longer ours to release.
      if (!isSpiderpoolError(err, 'CONFLICT')) this.#options.onError?.(err);
    }
  }

  async #within<T>(promise: Promise<T>, ms: number, signal?: AbortSignal): Promise<Outcome<T>> {
    const timer = new AbortController();
    const wake = signal ? AbortSignal.any([timer.signal, signal]) : timer.signal;
    const timeout = this.#clock.sleep(ms, wake).then((): Outcome<T> => ({ done: false }));
    try {
      return await Promise.race([promise.then((value): Outcome<T> => ({ done: true, value })), timeout]);
    } finally {
      timer.abort();
    }
  }

  #safely(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.#options.onError?.(err);
    }
  }
}

function validateTiming(identity: string, leaseDurationMs: number, renewDeadlineMs: number, retryPeriodMs: number): void {
  if (!identity) throw new SpiderpoolError('INVALID_INPUT', 'leader election needs a non-empty identity', { field: 'identity' });
  if (!(retryPeriodMs > 0 && renewDeadlineMs > retryPeriodMs && leaseDurationMs > renewDeadlineMs)) {
    throw new SpiderpoolError(
      'INVALID_INPUT',
      `leader election timing must satisfy leaseDuration (${leaseDurationMs} ms) > renewDeadline (${renewDeadlineMs} ms) > retryPeriod (${retryPeriodMs} ms) > 0`,
      { field: 'leaseDurationMs' },
    );
  }
}
