// SPDX-License-Identifier: Apache-2.0
import type { Clock } from '@spiderpool/k8s';

export interface WakeableLoopOptions {
  clock: Clock;
  /** Pause after a pass that succeeded. */
  intervalMs: number;
  /** Pause after a pass that failed (answered false). */
  retryMs: number;
  /** One pass; false asks for the shorter retry pause. */
  pass: () => Promise<boolean>;
}

/**
 * A periodic loop that can be woken early (a watch event, a file change). A wake-up during a
 * pass is not lost: it ends the following pause at once. Stopping waits for a running pass.
 */
export class WakeableLoop {
  readonly #options: WakeableLoopOptions;
  readonly #abort = new AbortController();
  #wake = new AbortController();
  #running: Promise<void> | undefined;

  constructor(options: WakeableLoopOptions) {
    this.#options = options;
  }

  start(): void {
    this.#running ??= this.#run(this.#abort.signal);
  }

  wake(): void {
    this.#wake.abort();
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#running;
  }

  async #run(signal: AbortSignal): Promise<void> {
    let pause = this.#options.intervalMs;
    while (!signal.aborted) {
      await this.#options.clock.sleep(pause, AbortSignal.any([signal, this.#wake.signal]));
      if (signal.aborted) return;
      this.#wake = new AbortController();
      pause = (await this.#options.pass()) ? this.#options.intervalMs : this.#options.retryMs;
    }
  }
}
