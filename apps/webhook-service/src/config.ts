// SPDX-License-Identifier: Apache-2.0
import { envLogLevel, envPort, loadConfig, z } from '@spiderpool/service-runtime';

export const WebhookServiceConfigSchema = z.object({
  SPIDERPOOL_LOG_LEVEL: envLogLevel,
  SPIDERPOOL_WEBHOOK_HOST: z.string().default('0.0.0.0'),
  SPIDERPOOL_WEBHOOK_PORT: envPort(5722),
  /** Serving certificate and key (PEM files). Both or neither. */
  SPIDERPOOL_TLS_CERT_FILE: z.string().optional(),
  SPIDERPOOL_TLS_KEY_FILE: z.string().optional(),
  SPIDERPOOL_OPS_HOST: z.string().default('0.0.0.0'),
  SPIDERPOOL_OPS_PORT: envPort(5723),
  KUBECONFIG: z.string().optional(),
  SPIDERPOOL_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(20_000),
}).refine((c) => Boolean(c.SPIDERPOOL_TLS_CERT_FILE) === Boolean(c.SPIDERPOOL_TLS_KEY_FILE), {
  message: 'SPIDERPOOL_TLS_CERT_FILE and SPIDERPOOL_TLS_KEY_FILE must be set together',
  path: ['SPIDERPOOL_TLS_CERT_FILE'],
});

export type WebhookServiceConfig = z.infer<typeof WebhookServiceConfigSchema>;

export const loadWebhookServiceConfig = (env: NodeJS.ProcessEnv = process.env): WebhookServiceConfig =>
  loadConfig(WebhookServiceConfigSchema, env);
