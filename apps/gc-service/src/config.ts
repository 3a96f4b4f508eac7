// SPDX-License-Identifier: Apache-2.0
import { envLogLevel, envPort, loadConfig, z } from '@spiderpool/service-runtime';

export const GcServiceConfigSchema = z.object({
  SPIDERPOOL_LOG_LEVEL: envLogLevel,
  SPIDERPOOL_IPAM_SERVICE_ADDRESS: z.string().min(1, 'must be set to the ipam-service address'),
  SPIDERPOOL_OPS_HOST: z.string().default('0.0.0.0'),
  SPIDERPOOL_OPS_PORT: envPort(5731),
  KUBECONFIG: z.string().optional(),
  SPIDERPOOL_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(20_000),
});

export type GcServiceConfig = z.infer<typeof GcServiceConfigSchema>;

export const loadGcServiceConfig = (env: NodeJS.ProcessEnv = process.env): GcServiceConfig =>
  loadConfig(GcServiceConfigSchema, env);
