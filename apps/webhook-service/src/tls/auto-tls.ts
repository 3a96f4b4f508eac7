// SPDX-License-Identifier: Apache-2.0
import type { Clock } from '@spiderpool/k8s';
import { ensureCaBundles } from './ca-bundle.ts';
import type { TlsMaterial } from './certificate-authority.ts';
import { ensureMaterial, type EnsuredMaterial } from './ensure-material.ts';
import type { TlsRequirements } from './material-check.ts';
import type { TlsSecretPort } from './tls-secret.ts';
import type { OnCertificate, ServingCertificate, TlsLogger } from './tls-types.ts';
import { WakeableLoop } from './wakeable-loop.ts';
import type { WebhookConfigPort } from './webhook-configurations.ts';

export interface AutoTlsOptions {
  secret: TlsSecretPort;
  webhooks: WebhookConfigPort;
  webhookConfigNames: readonly string[];
  requirements: TlsRequirements;
  caValidityMs: number;
  /** Pause between re-checks of the Secret and the caBundles. */
  recheckIntervalMs: number;
  /** Pause after a failed re-check. */
  retryIntervalMs: number;
  clock: Clock;
  onCertificate: OnCertificate;
  logger: TlsLogger;
}

/**
 * Self-managed TLS: the Secret is the one store all replicas share. Every pass (start-up, then
 * periodically and whenever woken) makes the Secret hold usable material (renewing it when
 * needed, adopting another replica's when it won the race), makes the caBundles trust its CA,
 * and only then hands a changed serving certificate to the server.
 */
export class AutoTls {
  readonly #options: AutoTlsOptions;
  readonly #loop: WakeableLoop;
  #served: TlsMaterial | undefined;

  constructor(options: AutoTlsOptions) {
    this.#options = options;
    this.#loop = new WakeableLoop({
      clock: options.clock,
      intervalMs: options.recheckIntervalMs,
      retryMs: options.retryIntervalMs,
      pass: () => this.#recheck(),
    });
  }

  /** The first pass; fails when it cannot produce a certificate or patch the caBundles. */
  async start(): Promise<ServingCertificate> {
    const ensured = await this.#ensure();
    this.#served = ensured.material;
    this.#loop.start();
    return { cert: ensured.material.cert, key: ensured.material.key, ca: ensured.material.caCert };
  }

  /** Re-check now, e.g. because the Secret changed. */
  wake(): void {
    this.#loop.wake();
  }

  stop(): Promise<void> {
    return this.#loop.stop();
  }

  async #recheck(): Promise<boolean> {
    try {
      const ensured = await this.#ensure();
      if (ensured.material.cert !== this.#served?.cert || ensured.material.key !== this.#served.key) {
        // Remembered only once handed over: a server that threw gets it again at the next pass.
        this.#options.onCertificate(ensured.material.cert, ensured.material.key);
        this.#served = ensured.material;
        this.#options.logger.info({ resourceVersion: ensured.resourceVersion }, 'webhook serving certificate replaced');
      }
      return true;
    } catch (err) {
      this.#options.logger.warn({ err }, 'webhook TLS re-check failed; retrying');
      return false;
    }
  }

  async #ensure(): Promise<EnsuredMaterial> {
    const { clock, requirements, caValidityMs, logger } = this.#options;
    const ensured = await ensureMaterial(this.#options.secret, { requirements, caValidityMs, now: () => clock.now() });
    if (ensured.renewedBecause) logger.info({ reason: ensured.renewedBecause, newCa: ensured.newCa }, 'issued a new webhook serving certificate');
    // The caBundles trust the CA before any server presents a certificate it signed.
    const report = await ensureCaBundles(this.#options.webhooks, this.#options.webhookConfigNames, ensured.material.caCert, clock.now());
    if (report.patched.length > 0) logger.info({ patched: report.patched }, 'webhook caBundle updated');
    if (report.missing.length > 0) logger.warn({ missing: report.missing }, 'webhook configurations not found; their caBundle is set once they exist');
    return ensured;
  }
}
