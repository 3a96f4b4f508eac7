// SPDX-License-Identifier: Apache-2.0
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

export interface ManagedProcessOptions {
  name: string;
  command: string;
  args: string[];
  logFile: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/**
 * A child process of the test bed. Output goes straight to a log file (no piping through the
 * test runner), readiness is polled with a probe, and an early exit fails the wait at once
 * with the tail of the log instead of a silent timeout.
 */
export class ManagedProcess {
  readonly name: string;
  readonly logFile: string;
  readonly #child: ChildProcess;
  #exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  #spawnError: Error | undefined;
  readonly #exited: Promise<void>;
  /** Settles once the OS has started the process or refused to (spawn errors are async). */
  readonly #spawned: Promise<void>;

  constructor(options: ManagedProcessOptions) {
    this.name = options.name;
    this.logFile = options.logFile;
    const fd = openSync(options.logFile, 'a');
    try {
      this.#child = spawn(options.command, options.args, {
        stdio: ['ignore', fd, fd],
        env: options.env ?? process.env,
        cwd: options.cwd,
      });
    } finally {
      closeSync(fd);
    }
    this.#spawned = new Promise((resolve) => {
      this.#child.once('spawn', () => resolve());
      this.#child.once('error', () => resolve());
    });
    this.#exited = new Promise((resolve) => {
      this.#child.once('exit', (code, signal) => {
        this.#exit = { code, signal };
        resolve();
      });
      this.#child.once('error', (err) => {
        this.#exit = { code: -1, signal: null };
        this.#spawnError = err;
        resolve();
      });
    });
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Exit code once exited (null when killed by a signal), undefined while running. */
  get exitCode(): number | null | undefined {
    return this.#exit?.code;
  }

  get running(): boolean {
    return this.#exit === undefined;
  }

  /** Polls `probe` until it resolves true; rejects if the process exits or time runs out. */
  async waitReady(probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let lastError = 'not ready yet';
    await this.#spawned;
    while (Date.now() < deadline) {
      if (!this.running) throw this.#failure(`exited before it was ready (${this.#describeExit()})`);
      try {
        if (await probe()) return;
      } catch (err) {
        lastError = err instanceof Error ? err.message : String(err);
      }
      await sleep(150);
    }
    throw this.#failure(`not ready after ${timeoutMs} ms (last probe: ${lastError})`);
  }

  /** Resolves when the process has exited. */
  exited(): Promise<void> {
    return this.#exited;
  }

  /** SIGTERM, then SIGKILL after `graceMs`. Idempotent. */
  async stop(graceMs = 5_000): Promise<void> {
    if (!this.running) return;
    this.#child.kill('SIGTERM');
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), graceMs);
    await this.#exited;
    clearTimeout(timer);
  }

  logTail(lines = 30): string {
    try {
      return readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  #describeExit(): string {
    if (this.#spawnError) return this.#spawnError.message;
    return this.#exit?.signal ? `signal ${this.#exit.signal}` : `exit code ${this.#exit?.code}`;
  }

  #failure(what: string): Error {
    return new Error(`${this.name} ${what}\n--- ${this.logFile} (tail) ---\n${this.logTail()}`);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
