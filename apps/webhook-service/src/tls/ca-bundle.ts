// SPDX-License-Identifier: Apache-2.0
import { X509Certificate } from 'node:crypto';
import { SpiderpoolError, isSpiderpoolError } from '@spiderpool/errors';
import { WEBHOOK_KINDS, type WebhookConfigPort, type WebhookConfiguration, type WebhookKind } from './webhook-configurations.ts';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The certificates of a PEM bundle that parse, in order, with their PEM text. */
export function certificatesOf(pem: string): Array<{ pem: string; cert: X509Certificate }> {
  const found: Array<{ pem: string; cert: X509Certificate }> = [];
  for (const block of pem.match(PEM_CERTIFICATE) ?? []) {
    try {
      found.push({ pem: `${block}\n`, cert: new X509Certificate(block) });
    } catch {
      // Not a certificate after all: a bundle is judged by the certificates it really holds.
    }
  }
  return found;
}

/**
 * The caBundle (base64 of PEM) that trusts `caPem`, or undefined when `current` already does.
 * Certificates already trusted and not yet expired stay after the new ones: during a CA
 * rotation, replicas still serving a certificate of the previous CA keep being trusted until
 * they pick up the new one.
 */
export function mergeCaBundle(current: string | undefined, caPem: string, now: number): string | undefined {
  const wanted = certificatesOf(caPem);
  if (wanted.length === 0) throw new SpiderpoolError('INVALID_INPUT', 'the CA bundle holds no certificate', { field: 'caBundle' });
  const present = certificatesOf(current ? Buffer.from(current, 'base64').toString('utf8') : '');
  const has = (fingerprint: string): boolean => present.some((p) => p.cert.fingerprint256 === fingerprint);
  if (wanted.every((w) => has(w.cert.fingerprint256))) return undefined;
  const isWanted = (fingerprint: string): boolean => wanted.some((w) => w.cert.fingerprint256 === fingerprint);
  const kept = present.filter((p) => !isWanted(p.cert.fingerprint256) && p.cert.validToDate.getTime() > now);
  return Buffer.from([...wanted, ...kept].map((c) => c.pem).join(''), 'utf8').toString('base64');
}

/** The configuration with every webhook's caBundle trusting `caPem`, or undefined when nothing changes. */
export function withCaBundle(configuration: WebhookConfiguration, caPem: string, now: number): WebhookConfiguration | undefined {
  let changed = false;
  const webhooks = (configuration.webhooks ?? []).map((webhook) => {
    const bundle = mergeCaBundle(webhook.clientConfig?.caBundle, caPem, now);
    if (bundle === undefined) return webhook;
    changed = true;
    return { ...webhook, clientConfig: { ...webhook.clientConfig, caBundle: bundle } };
  });
  return changed ? { ...configuration, webhooks } : undefined;
}

export interface CaBundleReport {
  /** `validating/name` of each configuration written. */
  patched: string[];
  /** Names found as neither kind (not deployed yet, or a typo in the configuration). */
  missing: string[];
}

const MAX_ATTEMPTS = 5;

/**
 * Makes every webhook of the named configurations (mutating and validating alike) trust
 * `caPem`. A JSON merge patch would replace the whole webhooks list, so each configuration is
 * read, changed in place and written back at its resourceVersion, again after a conflict.
 */
export async function ensureCaBundles(port: WebhookConfigPort, names: readonly string[], caPem: string, now: number): Promise<CaBundleReport> {
  const report: CaBundleReport = { patched: [], missing: [] };
  for (const name of names) {
    const outcomes = await Promise.all(WEBHOOK_KINDS.map((kind) => ensureOne(port, { kind, name }, caPem, now)));
    WEBHOOK_KINDS.forEach((kind, i) => {
      if (outcomes[i] === 'patched') report.patched.push(`${kind}/${name}`);
    });
    if (outcomes.every((o) => o === 'missing')) report.missing.push(name);
  }
  return report;
}

async function ensureOne(port: WebhookConfigPort, target: { kind: WebhookKind; name: string }, caPem: string, now: number): Promise<'patched' | 'current' | 'missing'> {
  const { kind, name } = target;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    const configuration = await port.find(kind, name);
    if (!configuration) return 'missing';
    const next = withCaBundle(configuration, caPem, now);
    if (!next) return 'current';
    try {
      await port.update(kind, next);
      return 'patched';
    } catch (err) {
      if (!isSpiderpoolError(err, 'CONFLICT')) throw err;
    }
  }
  throw new SpiderpoolError('RETRIES_EXHAUSTED', `caBundle of ${kind} webhook configuration ${name}: lost ${MAX_ATTEMPTS} write races in a row`);
}
