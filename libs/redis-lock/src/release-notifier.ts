// SPDX-License-Identifier: Apache-2.0

interface Watched {
  refs: number;
  /** Counts releases seen since the first watcher arrived; waiters compare against it. */
  generation: number;
  readonly wakers: Set<() => void>;
}

/** A waiter's view of one lock name's releases. */
export interface ReleaseWatch {
  /** Read this BEFORE trying the lock, then pass it to wait(): a release in between is not missed. */
  readonly generation: number;
  /**
   * Resolves when a release arrives after `since`, after `timeoutMs`, or when `signal` aborts,
   * whichever is first; never rejects.
   */
  wait(since: number, timeoutMs: number, signal?: AbortSignal): Promise<void>;
  dispose(): void;
}

/**
 * Fans release announcements (pub/sub messages, and local releases) out to the waiters
 * in this process. Only names somebody waits for are tracked, so memory is bounded by
 * the number of concurrent waiters, not by the number of locks ever used.
 */
export class ReleaseNotifier {
  readonly #watched = new Map<string, Watched>();

  watch(name: string): ReleaseWatch {
    let entry = this.#watched.get(name);
    if (!entry) {
      entry = { refs: 0, generation: 0, wakers: new Set() };
      this.#watched.set(name, entry);
    }
    entry.refs += 1;
    return this.#handle(name, entry);
  }

  /** Wakes every waiter of `name`. */
  notify(name: string): void {
    const entry = this.#watched.get(name);
    if (!entry) return;
    entry.generation += 1;
    for (const wake of [...entry.wakers]) wake();
  }

  /** Number of names currently watched (for tests and diagnostics). */
  get size(): number {
    return this.#watched.size;
  }

  #handle(name: string, entry: Watched): ReleaseWatch {
    let disposed = false;
    return {
      get generation() {
        return entry.generation;
      },
      wait: (since, timeoutMs, signal) => waitForRelease({ entry, since, timeoutMs, signal }),
      dispose: () => {
        if (disposed) return;
        disposed = true;
        entry.refs -= 1;
        if (entry.refs === 0 && this.#watched.get(name) === entry) this.#watched.delete(name);
      },
    };
  }
}

function waitForRelease(w: { entry: Watched; since: number; timeoutMs: number; signal: AbortSignal | undefined }): Promise<void> {
  const { entry, signal } = w;
  if (entry.generation !== w.since || signal?.aborted) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      entry.wakers.delete(done);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, w.timeoutMs));
    entry.wakers.add(done);
    signal?.addEventListener('abort', done, { once: true });
  });
}
