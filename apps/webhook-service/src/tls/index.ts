// SPDX-License-Identifier: Apache-2.0
// TLS bootstrap of webhook-service: where the serving certificate comes from, how the webhook
// configurations learn to trust it, and how a renewed one reaches the running server.
import { SpiderpoolError } from '@spiderpool/errors';
import { systemClock, type Clock, type KubeClient } from '@spiderpool/k8s';
import { AutoTls } from './auto-tls.ts';
import { nodeFileSource, type FileSource } from './file-source.ts';
import { ProvidedTls } from './provided-tls.ts';
import { kubeTlsSecret, watchTlsSecret } from './tls-secret.ts';
import { CA_VALIDITY_MS, requirementsOf, retryIntervalOf, type TlsConfig } from './tls-settings.ts';
import type { OnCertificate, ServingCertificate, TlsLogger } from './tls-types.ts';
import { kubeWebhookConfigs } from './webhook-configurations.ts';

export type { TlsConfig } from './tls-settings.ts';
export type { OnCertificate, ServingCertificate, TlsLogger } from './tls-types.ts';

export interface TlsBootstrapOptions {
  config: TlsConfig;
  /** Needed in auto mode, and in provided mode with a CA file (caBundle patching). */
  client: KubeClient | undefined;
  /** Called with every later certificate; see OnCertificate. */
  onCertificate: OnCertificate;
  logger: TlsLogger;
  clock?: Clock;
  /** Provided mode's files; the real file system by default. */
  files?: FileSource;
  /** Provided mode: how often file versions are polled besides change events. Default 10 s. */
  filePollIntervalMs?: number;
}

export interface TlsBootstrap extends ServingCertificate {
  stop(): Promise<void>;
}

/**
 * Produces the serving certificate to start the server with, and keeps it current until
 * `stop()`. Fails (start-up error) when no usable certificate can be had or the caBundles
 * cannot be patched.
 */
export async function startTlsBootstrap(options: TlsBootstrapOptions): Promise<TlsBootstrap> {
  return options.config.SPIDERPOOL_TLS_MODE === 'provided' ? startProvided(options) : startAuto(options);
}

async function startAuto(options: TlsBootstrapOptions): Promise<TlsBootstrap> {
  const { config, logger } = options;
  const client = requireClient(options, 'SPIDERPOOL_TLS_MODE=auto');
  const namespace = config.SPIDERPOOL_NAMESPACE;
  const name = config.SPIDERPOOL_TLS_SECRET_NAME;
  const auto = new AutoTls({
    secret: kubeTlsSecret(client, namespace, name),
    webhooks: kubeWebhookConfigs(client),
    webhookConfigNames: config.SPIDERPOOL_WEBHOOK_CONFIG_NAMES,
    requirements: requirementsOf(config),
    caValidityMs: CA_VALIDITY_MS,
    recheckIntervalMs: config.SPIDERPOOL_TLS_RECHECK_INTERVAL,
    retryIntervalMs: retryIntervalOf(config.SPIDERPOOL_TLS_RECHECK_INTERVAL),
    clock: options.clock ?? systemClock,
    onCertificate: options.onCertificate,
    logger,
  });
  const served = await auto.start();
  const watch = watchTlsSecret(client, { namespace, name }, {
    onChange: () => auto.wake(),
    onError: (err) => logger.warn({ err }, 'watch of the webhook TLS Secret failed; periodic checks continue'),
  });
  logger.info({ secret: `${namespace}/${name}` }, 'webhook TLS from the self-managed CA');
  return {
    ...served,
    async stop() {
      watch.stop();
      await auto.stop();
    },
  };
}

async function startProvided(options: TlsBootstrapOptions): Promise<TlsBootstrap> {
  const { config } = options;
  const certFile = config.SPIDERPOOL_TLS_CERT_FILE;
  const keyFile = config.SPIDERPOOL_TLS_KEY_FILE;
  if (!certFile || !keyFile) throw new SpiderpoolError('INVALID_INPUT', 'SPIDERPOOL_TLS_MODE=provided needs SPIDERPOOL_TLS_CERT_FILE and SPIDERPOOL_TLS_KEY_FILE', { field: 'SPIDERPOOL_TLS_CERT_FILE' });
  const caFile = config.SPIDERPOOL_TLS_CA_FILE;
  const provided = new ProvidedTls({
    certFile,
    keyFile,
    caFile,
    files: options.files ?? nodeFileSource,
    webhooks: caFile ? kubeWebhookConfigs(requireClient(options, 'SPIDERPOOL_TLS_CA_FILE')) : undefined,
    webhookConfigNames: config.SPIDERPOOL_WEBHOOK_CONFIG_NAMES,
    clock: options.clock ?? systemClock,
    pollIntervalMs: options.filePollIntervalMs ?? 10_000,
    recheckIntervalMs: config.SPIDERPOOL_TLS_RECHECK_INTERVAL,
    onCertificate: options.onCertificate,
    logger: options.logger,
  });
  const served = await provided.start();
  options.logger.info({ certFile, caFile }, 'webhook TLS from provided files');
  return { ...served, stop: () => provided.stop() };
}

function requireClient(options: TlsBootstrapOptions, why: string): KubeClient {
  if (!options.client) throw new SpiderpoolError('INVALID_INPUT', `${why} needs a Kubernetes client`, { field: 'KUBECONFIG' });
  return options.client;
}
