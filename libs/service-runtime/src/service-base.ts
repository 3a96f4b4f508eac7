// SPDX-License-Identifier: Apache-2.0
import { createLogger, createMetricsRegistry, type Logger, type Registry } from '@spiderpool/observability';
import { HealthRegistry } from './health.ts';
import type { Component } from './lifecycle.ts';
import { OpsServer } from './ops-server.ts';

/** The version reported in logs and build-info metrics; images set it at build time. */
export const SPIDERPOOL_VERSION = process.env['SPIDERPOOL_VERSION'] ?? '0.1.0-dev';

export interface ServiceBaseOptions {
  service: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  opsHost: string;
  opsPort: number;
}

/** What every service has: logger, metrics registry, health checks and the ops endpoint. */
export interface ServiceBase {
  logger: Logger;
  metrics: Registry;
  health: HealthRegistry;
  ops: Component & { readonly port: number };
}

export function createServiceBase(options: ServiceBaseOptions): ServiceBase {
  const logger = createLogger({ service: options.service, level: options.logLevel });
  const metrics = createMetricsRegistry({ service: options.service, version: SPIDERPOOL_VERSION });
  const health = new HealthRegistry();
  const server = new OpsServer({ health, metrics, host: options.opsHost, port: options.opsPort });
  let port = 0;
  const ops = {
    name: 'ops-server',
    get port() {
      return port;
    },
    async start() {
      port = await server.start();
      logger.info({ host: options.opsHost, port }, 'ops endpoint listening (/healthz, /readyz, /metrics)');
    },
    stop: () => server.stop(),
  };
  return { logger, metrics, health, ops };
}
