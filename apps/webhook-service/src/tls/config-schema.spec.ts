// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { loadWebhookServiceConfig } from '../config.ts';
import { requirementsOf } from './tls-settings.ts';

const DAY = 86_400_000;

describe('TLS configuration', () => {
  it('defaults to a self-managed CA covering the Service names in the namespace', () => {
    const config = loadWebhookServiceConfig({});
    expect(config).toMatchObject({
      SPIDERPOOL_TLS_MODE: 'auto',
      SPIDERPOOL_NAMESPACE: 'spiderpool',
      SPIDERPOOL_TLS_SECRET_NAME: 'spiderpool-webhook-tls',
      SPIDERPOOL_TLS_RENEW_BEFORE: 30 * DAY,
      SPIDERPOOL_TLS_VALIDITY: 365 * DAY,
      SPIDERPOOL_TLS_RECHECK_INTERVAL: 600_000,
      SPIDERPOOL_WEBHOOK_CONFIG_NAMES: ['spiderpool-webhook'],
    });
    expect(requirementsOf(config)).toEqual({
      dnsNames: ['spiderpool-webhook', 'spiderpool-webhook.spiderpool', 'spiderpool-webhook.spiderpool.svc'],
      ipAddresses: [],
      renewBeforeMs: 30 * DAY,
      validityMs: 365 * DAY,
    });
    expect(requirementsOf(loadWebhookServiceConfig({ SPIDERPOOL_NAMESPACE: 'kube-system' })).dnsNames).toContain('spiderpool-webhook.kube-system.svc');
  });

  it('reads lists and durations', () => {
    const config = loadWebhookServiceConfig({
      SPIDERPOOL_TLS_DNS_NAMES: 'a.example, b.example,',
      SPIDERPOOL_TLS_IP_ADDRESSES: '127.0.0.1,::1',
      SPIDERPOOL_TLS_RENEW_BEFORE: '720h',
      SPIDERPOOL_TLS_VALIDITY: '90d',
      SPIDERPOOL_WEBHOOK_CONFIG_NAMES: 'one,two',
    });
    expect(requirementsOf(config)).toEqual({ dnsNames: ['a.example', 'b.example'], ipAddresses: ['127.0.0.1', '::1'], renewBeforeMs: 30 * DAY, validityMs: 90 * DAY });
    expect(config.SPIDERPOOL_WEBHOOK_CONFIG_NAMES).toEqual(['one', 'two']);
  });

  it.each([
    [{ SPIDERPOOL_TLS_MODE: 'manual' }, 'SPIDERPOOL_TLS_MODE'],
    [{ SPIDERPOOL_TLS_MODE: 'provided' }, 'SPIDERPOOL_TLS_CERT_FILE'],
    [{ SPIDERPOOL_TLS_CERT_FILE: '/tls/tls.crt' }, 'SPIDERPOOL_TLS_CERT_FILE'],
    [{ SPIDERPOOL_TLS_VALIDITY: 'a year' }, 'SPIDERPOOL_TLS_VALIDITY'],
    [{ SPIDERPOOL_TLS_IP_ADDRESSES: '10.0.0.1,nope' }, 'SPIDERPOOL_TLS_IP_ADDRESSES'],
    [{ SPIDERPOOL_TLS_RENEW_BEFORE: '400d' }, 'SPIDERPOOL_TLS_RENEW_BEFORE'],
  ])('refuses %j, naming %s', (env, field) => {
    expect(() => loadWebhookServiceConfig(env)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', field }));
  });

  it('accepts provided mode with both files', () => {
    const config = loadWebhookServiceConfig({ SPIDERPOOL_TLS_MODE: 'provided', SPIDERPOOL_TLS_CERT_FILE: '/tls/tls.crt', SPIDERPOOL_TLS_KEY_FILE: '/tls/tls.key', SPIDERPOOL_TLS_CA_FILE: '/tls/ca.crt' });
    expect(config).toMatchObject({ SPIDERPOOL_TLS_MODE: 'provided', SPIDERPOOL_TLS_CA_FILE: '/tls/ca.crt' });
  });
});
