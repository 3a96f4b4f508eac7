// SPDX-License-Identifier: Apache-2.0
// Metrics of the SpiderCoordinator status controller. The controller is started again after
// every leadership change, on the same registry, so each metric is created once and reused.
import { Counter, Gauge, type Registry } from '@spiderpool/observability';
import type { CoordinatorStatusMetrics } from './coordinator-status-loop.ts';

function reuse<M>(registry: Registry, name: string, create: () => M): M {
  return (registry.getSingleMetric(name) as M | undefined) ?? create();
}

export function coordinatorStatusMetrics(registry: Registry): CoordinatorStatusMetrics {
  const passes = reuse(registry, 'spiderpool_coordinator_status_passes_total', () => new Counter({
    name: 'spiderpool_coordinator_status_passes_total',
    help: 'SpiderCoordinator status passes, by result (ok, error: a source could not be read; statuses unchanged).',
    labelNames: ['result'],
    registers: [registry],
  }));
  const writes = reuse(registry, 'spiderpool_coordinator_status_writes_total', () => new Counter({
    name: 'spiderpool_coordinator_status_writes_total',
    help: 'SpiderCoordinator status writes, by the phase written.',
    labelNames: ['phase'],
    registers: [registry],
  }));
  const notReady = reuse(registry, 'spiderpool_coordinator_not_ready', () => new Gauge({
    name: 'spiderpool_coordinator_not_ready',
    help: 'SpiderCoordinators whose status is not Synced after the last pass.',
    registers: [registry],
  }));
  return {
    passed: (result) => passes.inc({ result }),
    wrote: (phase) => writes.inc({ phase }),
    notReady: (count) => notReady.set(count),
  };
}
