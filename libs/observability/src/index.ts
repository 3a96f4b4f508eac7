// SPDX-License-Identifier: Apache-2.0
export { createLogger, type Logger, type LoggerOptions } from './logger.ts';
export { createMetricsRegistry, Counter, Gauge, Histogram, Registry, type MetricsOptions } from './metrics.ts';
