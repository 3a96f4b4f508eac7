// SPDX-License-Identifier: Apache-2.0

/**
 * Time as loops see it, injectable so that lease expiry and certificate renewal are tested in
 * virtual time. `sleep` never rejects: an aborted signal ends it early, and the caller checks
 * the signal afterwards, which keeps every loop a plain `while (!signal.aborted)`.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`, or at once when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      signal?.addEventListener('abort', done, { once: true });
    }),
};

interface Sleeper {
  at: number;
  resolve: () => void;
}

/**
 * A clock that moves only when told to. Sleepers wake in deadline order when `advance` passes
 * their deadline; what they do next runs on the microtask queue, so tests advance in steps and
 * let the event loop turn between them (see `settle`).
 */
export class ManualClock implements Clock {
  #now: number;
  #sleepers: Sleeper[] = [];

  constructor(start = Date.UTC(2030, 0, 1)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const sleeper: Sleeper = { at: this.#now + Math.max(0, ms), resolve };
      const wake = (): void => {
        this.#sleepers = this.#sleepers.filter((s) => s !== sleeper);
        resolve();
      };
      sleeper.resolve = () => {
        signal?.removeEventListener('abort', wake);
        resolve();
      };
      signal?.addEventListener('abort', wake, { once: true });
      this.#sleepers.push(sleeper);
    });
  }

  /** Moves time forward by `ms` and wakes every sleeper whose deadline has come. */
  advance(ms: number): void {
    this.#now += ms;
    const due = this.#sleepers.filter((s) => s.at <= this.#now).sort((a, b) => a.at - b.at);
    this.#sleepers = this.#sleepers.filter((s) => s.at > this.#now);
    for (const sleeper of due) sleeper.resolve();
  }

  /** How many sleepers are waiting. */
  get sleeping(): number {
    return this.#sleepers.length;
  }

  /**
   * Advances `totalMs` in steps of `stepMs`, letting woken loops run between steps, and calls
   * `each` after every step (e.g. to check an invariant at every instant of virtual time).
   */
  async run(totalMs: number, stepMs: number, each?: () => void): Promise<void> {
    for (let elapsed = 0; elapsed < totalMs; elapsed += stepMs) {
      this.advance(Math.min(stepMs, totalMs - elapsed));
      await settle();
      each?.();
    }
  }
}

/** Lets the event loop turn a few times so that woken loops and in-memory fakes make progress. */
export async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i += 1) await new Promise<void>((resolve) => setImmediate(resolve));
}
