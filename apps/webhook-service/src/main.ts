// SPDX-License-Identifier: Apache-2.0
// Composition root of webhook-service.
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';
import { apiServerCheck, loadKubeConfig } from '@spiderpool/k8s';
import { createServiceBase, exitOnStartupError, runService, type Component } from '@spiderpool/service-runtime';
import { loadWebhookServiceConfig } from './config.ts';

async function main(): Promise<void> {
  const config = loadWebhookServiceConfig();
  const base = createServiceBase({
    service: 'webhook-service',
    logLevel: config.SPIDERPOOL_LOG_LEVEL,
    opsHost: config.SPIDERPOOL_OPS_HOST,
    opsPort: config.SPIDERPOOL_OPS_PORT,
  });
  const kc = loadKubeConfig(config.KUBECONFIG);
  base.health.addReadinessCheck('kube-apiserver', apiServerCheck(kc));

  const https = config.SPIDERPOOL_TLS_CERT_FILE && config.SPIDERPOOL_TLS_KEY_FILE
    ? { cert: readFileSync(config.SPIDERPOOL_TLS_CERT_FILE), key: readFileSync(config.SPIDERPOOL_TLS_KEY_FILE) }
    : null;
  if (!https) base.logger.warn('no serving certificate configured: admission endpoint serves plain HTTP (development only)');

  const app = Fastify({ loggerInstance: base.logger, https, bodyLimit: 4 * 1024 * 1024 });

  const server: Component = {
    name: 'admission-server',
    async start() {
      await app.listen({ host: config.SPIDERPOOL_WEBHOOK_HOST, port: config.SPIDERPOOL_WEBHOOK_PORT });
    },
    stop: () => app.close(),
  };

  await runService({
    logger: base.logger,
    components: [base.ops, server],
    onShutdown: () => base.health.markShuttingDown(),
    shutdownTimeoutMs: config.SPIDERPOOL_SHUTDOWN_TIMEOUT_MS,
  });
}

main().catch(exitOnStartupError('webhook-service'));
