// SPDX-License-Identifier: Apache-2.0
import type { WebhookServiceConfig } from '../config.ts';
import { DAY_MS } from './config-schema.ts';
import type { TlsRequirements } from './material-check.ts';

/** The configuration keys TLS bootstrap reads (tests pass just these). */
export type TlsConfig = Pick<
  WebhookServiceConfig,
  | 'SPIDERPOOL_TLS_MODE'
  | 'SPIDERPOOL_NAMESPACE'
  | 'SPIDERPOOL_TLS_SECRET_NAME'
  | 'SPIDERPOOL_TLS_DNS_NAMES'
  | 'SPIDERPOOL_TLS_IP_ADDRESSES'
  | 'SPIDERPOOL_TLS_RENEW_BEFORE'
  | 'SPIDERPOOL_TLS_VALIDITY'
  | 'SPIDERPOOL_TLS_RECHECK_INTERVAL'
  | 'SPIDERPOOL_TLS_CERT_FILE'
  | 'SPIDERPOOL_TLS_KEY_FILE'
  | 'SPIDERPOOL_TLS_CA_FILE'
  | 'SPIDERPOOL_WEBHOOK_CONFIG_NAMES'
>;

/** The CA outlives many serving certificates, so that the caBundles rarely change. */
export const CA_VALIDITY_MS = 10 * 365 * DAY_MS;

/** The Service's names, as clients (the API server) address it. */
export function defaultDnsNames(namespace: string, service = 'spiderpool-webhook'): string[] {
  return [service, `${service}.${namespace}`, `${service}.${namespace}.svc`];
}

export function requirementsOf(config: TlsConfig): TlsRequirements {
  return {
    dnsNames: config.SPIDERPOOL_TLS_DNS_NAMES ?? defaultDnsNames(config.SPIDERPOOL_NAMESPACE),
    ipAddresses: config.SPIDERPOOL_TLS_IP_ADDRESSES,
    renewBeforeMs: config.SPIDERPOOL_TLS_RENEW_BEFORE,
    validityMs: config.SPIDERPOOL_TLS_VALIDITY,
  };
}

/** A failed re-check is retried sooner than the regular interval, but not in a tight loop. */
export function retryIntervalOf(recheckIntervalMs: number): number {
  return Math.min(recheckIntervalMs, 30_000);
}
