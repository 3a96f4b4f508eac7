// SPDX-License-Identifier: Apache-2.0
import { envLogLevel, envPort, loadConfig, z } from '@spiderpool/service-runtime';

/** ipam-service settings, from SPIDERPOOL_* environment variables. */
export const IpamServiceConfigSchema = z.object({
  SPIDERPOOL_LOG_LEVEL: envLogLevel,
  /** gRPC listen address: `host:port` or `unix:///path`. */
  SPIDERPOOL_GRPC_ADDRESS: z.string().min(1).default('0.0.0.0:5720'),
  SPIDERPOOL_OPS_HOST: z.string().default('0.0.0.0'),
  SPIDERPOOL_OPS_PORT: envPort(5721),
  /** Redis for per-pool allocation locks; correctness never depends on it. */
  SPIDERPOOL_REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional(),
  KUBECONFIG: z.string().optional(),
  SPIDERPOOL_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(20_000),
});

export type IpamServiceConfig = z.infer<typeof IpamServiceConfigSchema>;

export const loadIpamServiceConfig = (env: NodeJS.ProcessEnv = process.env): IpamServiceConfig =>
  loadConfig(IpamServiceConfigSchema, env);
