// SPDX-License-Identifier: Apache-2.0
// A level-triggered work queue (what client-go's workqueue does for a controller): a key is
// queued at most once however many events name it, one key is processed at a time, a key
// re-added while it is processed runs again afterwards, and failures come back with
// exponential backoff. Processing always reads the current state, so merging events is safe.

export interface KeyedQueueOptions {
  process: (key: string) => Promise<void>;
  /** Called for each failure before the retry is scheduled; `attempt` starts at 1. */
  onError: (key: string, err: unknown, attempt: number) => void;
  retryBaseMs?: number;
  retryMaxMs?: number;
}

export class KeyedQueue {
  readonly #o: Required<KeyedQueueOptions>;
  readonly #pending = new Set<string>();
  readonly #delayed = new Map<string, NodeJS.Timeout>();
  readonly #failures = new Map<string, number>();
  #idleWaiters: Array<() => void> = [];
  #draining: Promise<void> | undefined;
  #started = false;
  #stopped = false;

  constructor(options: KeyedQueueOptions) {
    this.#o = { retryBaseMs: 200, retryMaxMs: 30_000, ...options };
  }

  /** Keys added before start() wait; they run once start() is called. */
  start(): void {
    this.#started = true;
    this.#kick();
  }

  add(key: string): void {
    if (this.#stopped) return;
    const timer = this.#delayed.get(key);
    if (timer) {
      clearTimeout(timer);
      this.#delayed.delete(key);
    }
    this.#pending.add(key);
    this.#kick();
  }

  /** Queues `key` after `ms`, unless it is queued sooner by add(). */
  addAfter(key: string, ms: number): void {
    if (this.#stopped || this.#pending.has(key) || this.#delayed.has(key)) return;
    const timer = setTimeout(() => {
      this.#delayed.delete(key);
      this.add(key);
    }, ms);
    timer.unref();
    this.#delayed.set(key, timer);
  }

  get size(): number {
    return this.#pending.size + this.#delayed.size;
  }

  /** Resolves once nothing is queued, scheduled or running (tests wait for a quiet controller). */
  idle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Drops what is queued; resolves when the key being processed (if any) is done. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#pending.clear();
    for (const timer of this.#delayed.values()) clearTimeout(timer);
    this.#delayed.clear();
    await this.#draining;
    this.#notifyIdle();
  }

  #isIdle(): boolean {
    return this.#draining === undefined && this.#pending.size === 0 && this.#delayed.size === 0;
  }

  #notifyIdle(): void {
    if (!this.#isIdle() && !this.#stopped) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  #kick(): void {
    if (!this.#started || this.#stopped || this.#draining) return;
    this.#draining = this.#drain().finally(() => {
      this.#draining = undefined;
      // A key added between the loop's last check and now would otherwise wait for the next add.
      if (this.#pending.size > 0) this.#kick();
      else this.#notifyIdle();
    });
  }

  async #drain(): Promise<void> {
    for (let key = this.#next(); key !== undefined && !this.#stopped; key = this.#next()) {
      await this.#processOne(key);
    }
  }

  #next(): string | undefined {
    const [key] = this.#pending;
    if (key !== undefined) this.#pending.delete(key);
    return key;
  }

  async #processOne(key: string): Promise<void> {
    try {
      await this.#o.process(key);
      this.#failures.delete(key);
    } catch (err) {
      const attempt = (this.#failures.get(key) ?? 0) + 1;
      this.#failures.set(key, attempt);
      this.#o.onError(key, err, attempt);
      this.addAfter(key, Math.min(this.#o.retryMaxMs, this.#o.retryBaseMs * 2 ** (attempt - 1)));
    }
  }
}
