// SPDX-License-Identifier: Apache-2.0

/** A readiness check: resolves when ready, throws (with a reason) when not. */
export type ReadinessCheck = (signal: AbortSignal) => Promise<void>;

export interface HealthReport {
  ready: boolean;
  checks: Record<string, { ok: boolean; reason?: string }>;
}

/**
 * Liveness says the process is not wedged; readiness says it can serve. Checks run on demand
 * with a timeout so that a hanging dependency makes the service unready instead of hanging
 * the probe.
 */
export class HealthRegistry {
  readonly #checks = new Map<string, ReadinessCheck>();
  readonly #timeoutMs: number;
  #shuttingDown = false;

  constructor(timeoutMs = 2_000) {
    this.#timeoutMs = timeoutMs;
  }

  addReadinessCheck(name: string, check: ReadinessCheck): void {
    this.#checks.set(name, check);
  }

  /** Once shutting down, readiness fails first so that load balancers stop sending traffic. */
  markShuttingDown(): void {
    this.#shuttingDown = true;
  }

  async readiness(): Promise<HealthReport> {
    const checks: HealthReport['checks'] = {};
    if (this.#shuttingDown) checks['shutdown'] = { ok: false, reason: 'service is shutting down' };
    await Promise.all([...this.#checks].map(async ([name, check]) => (checks[name] = await this.#run(check))));
    return { ready: Object.values(checks).every((c) => c.ok), checks };
  }

  async #run(check: ReadinessCheck): Promise<{ ok: boolean; reason?: string }> {
    const signal = AbortSignal.timeout(this.#timeoutMs);
    const timeout = new Promise<never>((_, reject) =>
      signal.addEventListener('abort', () => reject(new Error(`check timed out after ${this.#timeoutMs}ms`)), { once: true }),
    );
    try {
      await Promise.race([check(signal), timeout]);
      return { ok: true };
    } catch (err) {
      return { ok: false, reason: err instanceof Error ? err.message : String(err) };
    }
  }
}
