// SPDX-License-Identifier: Apache-2.0

/**
 * Runs tasks with the same key one after another, in arrival order; different keys run
 * concurrently. The map holds a key only while a task of it runs or waits.
 */
export class KeyedMutex {
  readonly #tails = new Map<string, Promise<void>>();

  async run<R>(key: string, task: () => Promise<R>): Promise<R> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    let done!: () => void;
    const mine = new Promise<void>((resolve) => {
      done = resolve;
    });
    const tail = previous.then(() => mine);
    this.#tails.set(key, tail);
    await previous;
    try {
      return await task();
    } finally {
      done();
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }

  /** Keys with a running or waiting task (for tests and diagnostics). */
  get size(): number {
    return this.#tails.size;
  }
}
