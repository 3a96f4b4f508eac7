// SPDX-License-Identifier: Apache-2.0
// Metrics of the SpiderMultusConfig controller. The controller is started again each time this
// process becomes leader, so the metrics are looked up before being created on the registry.
import { Counter, Histogram, type Registry } from '@spiderpool/observability';

export type ReconcileResult = 'created' | 'updated' | 'unchanged' | 'deleted' | 'absent' | 'terminating' | 'waiting' | 'invalid' | 'foreign' | 'error';

export interface MultusMetrics {
  reconciled(result: ReconcileResult, seconds: number): void;
}

const RECONCILES = 'spiderpool_multus_config_reconcile_total';
const DURATION = 'spiderpool_multus_config_reconcile_duration_seconds';

export function createMultusMetrics(registry: Registry): MultusMetrics {
  const counter =
    (registry.getSingleMetric(RECONCILES) as Counter<'result'> | undefined) ??
    new Counter({ name: RECONCILES, help: 'SpiderMultusConfig reconciles by result (created, updated, unchanged, deleted, absent, terminating, waiting, invalid, foreign, error).', labelNames: ['result'], registers: [registry] });
  const histogram =
    (registry.getSingleMetric(DURATION) as Histogram | undefined) ??
    new Histogram({ name: DURATION, help: 'Duration of SpiderMultusConfig reconciles.', buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers: [registry] });
  return {
    reconciled(result, seconds) {
      counter.inc({ result });
      histogram.observe(seconds);
    },
  };
}
