// SPDX-License-Identifier: Apache-2.0
import type { Clock } from '@spiderpool/k8s';
import type { Logger } from '@spiderpool/observability';
import type { GcMetrics } from './metrics.ts';
import type { Scanner } from './scanner.ts';
import type { Tracer } from './tracer.ts';

export interface GcLoopsOptions {
  scanner: Pick<Scanner, 'scan'>;
  tracer: Pick<Tracer, 'run'>;
  clock: Clock;
  /** SPIDERPOOL_GC_DEFAULT_INTERVAL_DURATION in milliseconds. */
  intervalMs: number;
  metrics: GcMetrics;
  logger: Logger;
  /** Ends both loops (leadership lost, or shutdown). */
  signal: AbortSignal;
}

/** A full scan at once and then every interval, and the tracing loop, until the signal aborts. */
export async function runGcLoops(o: GcLoopsOptions): Promise<void> {
  await Promise.all([scanLoop(o), o.tracer.run(o.signal)]);
}

async function scanLoop(o: GcLoopsOptions): Promise<void> {
  while (!o.signal.aborted) {
    try {
      await o.scanner.scan(o.signal);
    } catch (err) {
      // A failed scan (API unavailable) is retried at the next interval; tracing goes on.
      o.metrics.failures.inc({ reason: 'scan' });
      o.logger.error({ err }, 'gc scan failed');
    }
    await o.clock.sleep(o.intervalMs, o.signal);
  }
}
