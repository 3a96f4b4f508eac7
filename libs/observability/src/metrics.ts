// SPDX-License-Identifier: Apache-2.0
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';

export { Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface MetricsOptions {
  /** Service name, e.g. `ipam-service`; becomes the `service` label of the build-info series. */
  service: string;
  version: string;
  collectProcessMetrics?: boolean;
}

/**
 * One registry per service (never the global one), so that tests can create several
 * services in one process without metric name collisions.
 */
export function createMetricsRegistry(options: MetricsOptions): Registry {
  const registry = new Registry();
  if (options.collectProcessMetrics ?? true) collectDefaultMetrics({ register: registry });
  const info = new Gauge({
    name: 'spiderpool_build_info',
    help: 'Build information of the running service; the value is always 1.',
    labelNames: ['service', 'version', 'node_version'],
    registers: [registry],
  });
  info.set({ service: options.service, version: options.version, node_version: process.version }, 1);
  return registry;
}
