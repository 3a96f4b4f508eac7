// SPDX-License-Identifier: Apache-2.0
import { envBool, envLogLevel, envPort, loadConfig, z } from '@spiderpool/service-runtime';
import { DAY_MS, envDuration, envIpList, envList } from './tls/config-schema.ts';

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
  /** Redis shared by the replicas for admission locks and claims; unset = each replica alone. */
  SPIDERPOOL_REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional(),
  /** Refuse deleting a pool or subnet that still has allocations (upstream's default: off). */
  SPIDERPOOL_PROTECT_IN_USE_DELETION: envBool(true),
  /** Largest AdmissionReview body accepted (it carries the object and the old object). */
  SPIDERPOOL_WEBHOOK_BODY_LIMIT_BYTES: z.coerce.number().int().min(64 * 1024).default(7 * 1024 * 1024),
  /** Deadline of one admission; keep it below the webhook configurations' timeoutSeconds. */
  SPIDERPOOL_WEBHOOK_ADMISSION_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(8_000),
  /** Name of this replica (pod name): its identity in the controllers' leader election Leases. */
  SPIDERPOOL_POD_NAME: z.string().default(`webhook-service-${process.pid}`),
  /** Where the serving certificate comes from: `auto` (own CA, shared through a Secret) or `provided` (the CERT/KEY files). */
  SPIDERPOOL_TLS_MODE: z.enum(['auto', 'provided']).default('auto'),
  /** Namespace of this service: its TLS Secret lives there, and it names the default DNS names. */
  SPIDERPOOL_NAMESPACE: z.string().min(1).default('spiderpool'),
  /** auto: the Secret (ca.crt, ca.key, tls.crt, tls.key) the replicas share. */
  SPIDERPOOL_TLS_SECRET_NAME: z.string().min(1).default('spiderpool-webhook-tls'),
  /** auto: names the certificate covers (comma list); default spiderpool-webhook, .<ns>, .<ns>.svc. */
  SPIDERPOOL_TLS_DNS_NAMES: envList().optional(),
  /** auto: IP addresses the certificate covers too (comma list), e.g. for a URL-addressed webhook. */
  SPIDERPOOL_TLS_IP_ADDRESSES: envIpList(),
  /** auto: a serving certificate this close to its end is renewed (30d, 720h...). */
  SPIDERPOOL_TLS_RENEW_BEFORE: envDuration(30 * DAY_MS),
  /** auto: lifetime of a new serving certificate (the CA lives 10 years). */
  SPIDERPOOL_TLS_VALIDITY: envDuration(365 * DAY_MS),
  /** Pause between re-checks of the certificate and the caBundles (the Secret is watched as well). */
  SPIDERPOOL_TLS_RECHECK_INTERVAL: envDuration(10 * 60_000),
  /** provided: a CA bundle file; when set, the caBundles are kept trusting it (else cert-manager's CA injector does). */
  SPIDERPOOL_TLS_CA_FILE: z.string().optional(),
  /** Mutating and validating webhook configurations whose caBundle is kept (comma list). */
  SPIDERPOOL_WEBHOOK_CONFIG_NAMES: envList().default(['spiderpool-webhook']),
}).refine((c) => Boolean(c.SPIDERPOOL_TLS_CERT_FILE) === Boolean(c.SPIDERPOOL_TLS_KEY_FILE), {
  message: 'SPIDERPOOL_TLS_CERT_FILE and SPIDERPOOL_TLS_KEY_FILE must be set together',
  path: ['SPIDERPOOL_TLS_CERT_FILE'],
}).refine((c) => c.SPIDERPOOL_TLS_MODE !== 'provided' || Boolean(c.SPIDERPOOL_TLS_CERT_FILE), {
  message: 'SPIDERPOOL_TLS_MODE=provided needs SPIDERPOOL_TLS_CERT_FILE and SPIDERPOOL_TLS_KEY_FILE',
  path: ['SPIDERPOOL_TLS_CERT_FILE'],
}).refine((c) => c.SPIDERPOOL_TLS_RENEW_BEFORE < c.SPIDERPOOL_TLS_VALIDITY, {
  message: 'must be shorter than SPIDERPOOL_TLS_VALIDITY, or every certificate would be renewed at once',
  path: ['SPIDERPOOL_TLS_RENEW_BEFORE'],
});

export type WebhookServiceConfig = z.infer<typeof WebhookServiceConfigSchema>;

export const loadWebhookServiceConfig = (env: NodeJS.ProcessEnv = process.env): WebhookServiceConfig =>
  loadConfig(WebhookServiceConfigSchema, env);
