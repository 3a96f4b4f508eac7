// SPDX-License-Identifier: Apache-2.0
/**
 * Keys waiting to be worked on, each at most once (a key marked again while waiting is not
 * doubled), handed out in the order they were first marked. Failed keys come back after a
 * growing delay. One consumer: the controller works on one key at a time, so that its own
 * writes never race each other.
 */
export class WorkQueue {
  readonly #pending = new Set<string>();
  readonly #failures = new Map<string, number>();
  readonly #timers = new Set<NodeJS.Timeout>();
  #wake: (() => void) | undefined;

  mark(key: string): void {
    this.#pending.add(key);
    this.#wake?.();
  }

  /** The next key; resolves undefined once `signal` aborted. */
  async next(signal: AbortSignal): Promise<string | undefined> {
    while (!signal.aborted) {
      const [first] = this.#pending;
      if (first !== undefined) {
        this.#pending.delete(first);
        return first;
      }
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        signal.addEventListener('abort', () => resolve(), { once: true });
      });
      this.#wake = undefined;
    }
    return undefined;
  }

  succeeded(key: string): void {
    this.#failures.delete(key);
  }

  /** Marks the key again after 0.5 s, 1 s, 2 s, … up to 30 s. */
  failed(key: string): void {
    const n = (this.#failures.get(key) ?? 0) + 1;
    this.#failures.set(key, n);
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.mark(key);
    }, Math.min(30_000, 500 * 2 ** (n - 1)));
    timer.unref();
    this.#timers.add(timer);
  }

  clear(): void {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    this.#pending.clear();
    this.#failures.clear();
  }
}
