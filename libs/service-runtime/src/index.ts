// SPDX-License-Identifier: Apache-2.0
export { HealthRegistry, type HealthReport, type ReadinessCheck } from './health.ts';
export { OpsServer, type OpsServerOptions } from './ops-server.ts';
export { loadConfig, envBool, envPort, envLogLevel, z } from './config.ts';
export { runService, type Component, type RunOptions } from './lifecycle.ts';
export { createServiceBase, SPIDERPOOL_VERSION, type ServiceBase, type ServiceBaseOptions } from './service-base.ts';
export { exitOnStartupError } from './fatal.ts';
