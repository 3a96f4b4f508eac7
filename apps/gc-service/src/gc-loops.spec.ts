// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { ManualClock, settle } from '@spiderpool/k8s';
import { createLogger, Registry } from '@spiderpool/observability';
import { runGcLoops } from './gc-loops.ts';
import { createGcMetrics } from './metrics.ts';

describe('runGcLoops', () => {
  it('scans at start and every interval, survives a failed scan, and stops on abort', async () => {
    const clock = new ManualClock();
    const registry = new Registry();
    let scans = 0;
    let tracerStopped = false;
    const scanner = {
      scan: async () => {
        scans += 1;
        if (scans === 2) throw new Error('apiserver unavailable');
        return { records: 0, released: 0, traced: 0, kept: 0, endpointsDeleted: 0, failed: 0 };
      },
    };
    const tracer = {
      run: async (signal: AbortSignal) => {
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        tracerStopped = true;
      },
    };
    const abort = new AbortController();
    const done = runGcLoops({ scanner, tracer, clock, intervalMs: 600_000, metrics: createGcMetrics(registry), logger: createLogger({ service: 't', level: 'silent' }), signal: abort.signal });
    await settle();
    expect(scans).toBe(1);
    await clock.run(600_000, 100_000);
    expect(scans).toBe(2);
    await clock.run(600_000, 100_000);
    expect(scans).toBe(3);
    expect(await registry.getSingleMetricAsString('spiderpool_gc_failures_total')).toContain('reason="scan"} 1');
    abort.abort();
    await done;
    expect(tracerStopped).toBe(true);
  });
});
