// SPDX-License-Identifier: Apache-2.0
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { SpiderpoolError } from '@spiderpool/errors';
import type { Clock } from '@spiderpool/k8s';
import { certificatesOf, ensureCaBundles } from './ca-bundle.ts';
import type { FileSource } from './file-source.ts';
import type { OnCertificate, ServingCertificate, TlsLogger } from './tls-types.ts';
import { WakeableLoop } from './wakeable-loop.ts';
import type { WebhookConfigPort } from './webhook-configurations.ts';

export interface ProvidedTlsOptions {
  certFile: string;
  keyFile: string;
  /** When set, the caBundles are kept trusting it; otherwise someone else (cert-manager's CA injector) does. */
  caFile: string | undefined;
  files: FileSource;
  /** Needed only with caFile. */
  webhooks: WebhookConfigPort | undefined;
  webhookConfigNames: readonly string[];
  clock: Clock;
  /** Fallback check of the files' versions, for file systems whose change events get lost. */
  pollIntervalMs: number;
  /** Re-check of the caBundles (someone may re-apply a configuration without it). */
  recheckIntervalMs: number;
  onCertificate: OnCertificate;
  logger: TlsLogger;
}

interface Loaded {
  cert: string;
  key: string;
  ca: string | undefined;
  versions: string;
}

/**
 * Certificates from files (cert-manager, an operator's own PKI): re-read when the files change,
 * handed to the server when the pair is complete and matching. A half-written update (new
 * certificate, old key) is skipped and picked up at the next change or poll.
 */
export class ProvidedTls {
  readonly #options: ProvidedTlsOptions;
  readonly #loop: WakeableLoop;
  #current: Loaded | undefined;
  #bundlesCheckedAt = Number.NEGATIVE_INFINITY;
  #unwatch: (() => void) | undefined;

  constructor(options: ProvidedTlsOptions) {
    if (options.caFile && !options.webhooks) throw new SpiderpoolError('INTERNAL', 'provided TLS with a CA file needs access to webhook configurations');
    this.#options = options;
    this.#loop = new WakeableLoop({ clock: options.clock, intervalMs: options.pollIntervalMs, retryMs: options.pollIntervalMs, pass: () => this.#poll() });
  }

  /** Reads and checks the files; fails when they do not hold a matching certificate and key. */
  async start(): Promise<ServingCertificate> {
    const loaded = await this.#load().catch((err: unknown) => {
      throw new SpiderpoolError('INVALID_INPUT', `cannot read the webhook TLS files: ${err instanceof Error ? err.message : String(err)}`, { field: 'SPIDERPOOL_TLS_CERT_FILE', cause: err });
    });
    const problem = pairProblem(loaded);
    if (problem) throw new SpiderpoolError('INVALID_INPUT', problem, { field: 'SPIDERPOOL_TLS_CERT_FILE' });
    if (loaded.ca !== undefined) await this.#ensureBundles(loaded.ca);
    this.#current = loaded;
    const { certFile, keyFile, caFile } = this.#options;
    this.#unwatch = this.#options.files.watch(caFile ? [certFile, keyFile, caFile] : [certFile, keyFile], () => this.#loop.wake());
    this.#loop.start();
    return { cert: loaded.cert, key: loaded.key, ca: loaded.ca };
  }

  async stop(): Promise<void> {
    this.#unwatch?.();
    await this.#loop.stop();
  }

  async #poll(): Promise<boolean> {
    try {
      const versions = await this.#versions();
      if (versions !== this.#current?.versions) return await this.#reload();
      const { clock, recheckIntervalMs } = this.#options;
      const ca = this.#current.ca;
      if (ca !== undefined && clock.now() - this.#bundlesCheckedAt >= recheckIntervalMs) await this.#ensureBundles(ca);
      return true;
    } catch (err) {
      this.#options.logger.warn({ err }, 'webhook TLS files check failed; retrying');
      return false;
    }
  }

  async #reload(): Promise<boolean> {
    const loaded = await this.#load();
    const problem = pairProblem(loaded);
    if (problem) {
      this.#options.logger.warn({ problem }, 'provided webhook certificate not usable (yet); keeping the current one');
      return true;
    }
    const previous = this.#current;
    if (loaded.ca !== undefined && loaded.ca !== previous?.ca) await this.#ensureBundles(loaded.ca);
    this.#current = loaded;
    if (loaded.cert !== previous?.cert || loaded.key !== previous.key) {
      this.#options.onCertificate(loaded.cert, loaded.key);
      this.#options.logger.info({ file: this.#options.certFile }, 'webhook serving certificate replaced');
    }
    return true;
  }

  async #load(): Promise<Loaded> {
    const { files, certFile, keyFile, caFile } = this.#options;
    // Versions first: a change that lands while reading shows up as a new version next time.
    const versions = await this.#versions();
    const [cert, key, ca] = await Promise.all([files.read(certFile), files.read(keyFile), caFile ? files.read(caFile) : undefined]);
    return { cert, key, ca, versions };
  }

  async #versions(): Promise<string> {
    const { files, certFile, keyFile, caFile } = this.#options;
    const paths = caFile ? [certFile, keyFile, caFile] : [certFile, keyFile];
    return (await Promise.all(paths.map((p) => files.version(p)))).join('|');
  }

  async #ensureBundles(ca: string): Promise<void> {
    const { webhooks, webhookConfigNames, clock, logger } = this.#options;
    if (!webhooks) return;
    const report = await ensureCaBundles(webhooks, webhookConfigNames, ca, clock.now());
    this.#bundlesCheckedAt = clock.now();
    if (report.patched.length > 0) logger.info({ patched: report.patched }, 'webhook caBundle updated');
    if (report.missing.length > 0) logger.warn({ missing: report.missing }, 'webhook configurations not found; their caBundle is set once they exist');
  }
}

/** Why the files cannot serve, or undefined when the certificate and key match (and the CA file holds certificates). */
function pairProblem(loaded: Loaded): string | undefined {
  try {
    const cert = new X509Certificate(loaded.cert);
    if (!cert.checkPrivateKey(createPrivateKey(loaded.key))) return 'the key does not match the certificate';
  } catch (err) {
    return `the certificate or key does not parse: ${err instanceof Error ? err.message : String(err)}`;
  }
  if (loaded.ca !== undefined && certificatesOf(loaded.ca).length === 0) return 'the CA file holds no certificate';
  return undefined;
}
