// SPDX-License-Identifier: Apache-2.0

export type HealthListener = (degraded: boolean, reason?: string) => void;

/**
 * Whether the lock server is usable. Starts unknown (reported as degraded), so the first
 * determination is always announced; afterwards the listener hears only real flips, so a
 * reconnect loop that fails every 100 ms reports once. After freeze() (service stopping)
 * nothing changes any more and nothing is announced.
 */
export class HealthState {
  readonly #listener: HealthListener;
  #degraded: boolean | undefined;
  #reason: string | undefined;
  #frozen = false;

  constructor(listener: HealthListener) {
    this.#listener = listener;
  }

  /** True until Redis has answered at least once, and whenever it stops answering. */
  get degraded(): boolean {
    return this.#degraded !== false;
  }

  /** Why the lock is degraded; undefined while it is healthy. */
  get reason(): string | undefined {
    return this.degraded ? (this.#reason ?? 'not connected to redis yet') : undefined;
  }

  markHealthy(): void {
    if (this.#frozen || this.#degraded === false) return;
    this.#degraded = false;
    this.#reason = undefined;
    this.#listener(false);
  }

  /** Records the latest reason even when already degraded, but announces only the flip. */
  markDegraded(reason: string): void {
    if (this.#frozen) return;
    this.#reason = reason;
    if (this.#degraded === true) return;
    this.#degraded = true;
    this.#listener(true, reason);
  }

  freeze(): void {
    this.#frozen = true;
  }
}
