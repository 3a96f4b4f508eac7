// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { Registry } from '@spiderpool/observability';
import { createMultusMetrics } from './multus-metrics.ts';

describe('createMultusMetrics', () => {
  it('counts reconciles by result, and survives being created again on the same registry (new leadership term)', async () => {
    const registry = new Registry();
    createMultusMetrics(registry).reconciled('created', 0.01);
    createMultusMetrics(registry).reconciled('created', 0.02);
    createMultusMetrics(registry).reconciled('error', 0.03);
    const text = await registry.metrics();
    expect(text).toContain('spiderpool_multus_config_reconcile_total{result="created"} 2');
    expect(text).toContain('spiderpool_multus_config_reconcile_total{result="error"} 1');
    expect(text).toContain('spiderpool_multus_config_reconcile_duration_seconds_count 3');
  });
});
