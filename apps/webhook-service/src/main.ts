// SPDX-License-Identifier: Apache-2.0
// Composition root of webhook-service.
import { KubeClient, apiServerCheck, loadKubeConfig, type KubeObject } from '@spiderpool/k8s';
import { createServiceBase, exitOnStartupError, runService, type Component } from '@spiderpool/service-runtime';
import { createAdmissionContext } from './admission/admission-context.ts';
import { createAdmissionMetrics } from './admission/admission-metrics.ts';
import { createAdmissionServer } from './admission/admission-server.ts';
import type { KindAdmission } from './admission/admission-types.ts';
import { loadWebhookServiceConfig } from './config.ts';
import { coordinatorAdmission } from './coordinator/coordinator-admission.ts';
import { ipPoolAdmission, reservedIpAdmission, subnetAdmission } from './ippool/index.ts';
import { coordinatorStatusComponent } from './coordinator/coordinator-status-component.ts';
import { loadCoordinatorStatusConfig } from './coordinator/coordinator-status-config.ts';
import { multusConfigAdmission } from './multus/multus-config-admission.ts';
import { multusControllerComponent } from './multus/multus-controller-component.ts';
import { loadMultusControllerConfig } from './multus/multus-controller-config.ts';
import { createPodInjectionAdmission } from './multus/pod-injection-admission.ts';
import { startTlsBootstrap, type TlsBootstrap } from './tls/index.ts';

async function main(): Promise<void> {
  const config = loadWebhookServiceConfig();
  const base = createServiceBase({
    service: 'webhook-service',
    logLevel: config.SPIDERPOOL_LOG_LEVEL,
    opsHost: config.SPIDERPOOL_OPS_HOST,
    opsPort: config.SPIDERPOOL_OPS_PORT,
  });
  const logger = base.logger;
  const metrics = createAdmissionMetrics(base.metrics);
  const kc = loadKubeConfig(config.KUBECONFIG);
  base.health.addReadinessCheck('kube-apiserver', apiServerCheck(kc));
  const client = await KubeClient.create(kc);

  const admissionContext = createAdmissionContext({
    client,
    logger,
    settings: { protectInUseDeletion: config.SPIDERPOOL_PROTECT_IN_USE_DELETION },
    redisUrl: config.SPIDERPOOL_REDIS_URL,
    onRedisDegraded: (degraded) => metrics.redisDegraded.set(degraded ? 1 : 0),
  });
  base.health.addReadinessCheck('admission-caches', async () => {
    if (!admissionContext.ready()) throw new Error('watch caches of pools, subnets and reserved IPs are not synced yet');
  });

  // ── Admission logic, one entry per kind (each kind at most once) ───────────────────────────
  const kinds: KindAdmission<KubeObject>[] = [
    coordinatorAdmission,
    ipPoolAdmission, subnetAdmission, reservedIpAdmission,
    multusConfigAdmission,
    createPodInjectionAdmission({ excludedNamespaces: ['kube-system', config.SPIDERPOOL_NAMESPACE], onError: (err, pod) => logger.warn({ err, pod }, 'pod resource injection skipped') }),
  ];

  // The serving certificate: self-managed CA in a Secret (auto) or files (provided). The first
  // one is ready before the server listens; later ones are swapped in without a restart.
  const tls: TlsBootstrap = await startTlsBootstrap({
    config,
    client,
    logger,
    onCertificate: (cert, key) => admission.setCertificate({ cert, key }),
  });
  const admission = createAdmissionServer({
    kinds,
    context: admissionContext.context,
    metrics,
    logger,
    tls: { cert: tls.cert, key: tls.key },
    bodyLimitBytes: config.SPIDERPOOL_WEBHOOK_BODY_LIMIT_BYTES,
    admissionTimeoutMs: config.SPIDERPOOL_WEBHOOK_ADMISSION_TIMEOUT_MS,
  });

  const server: Component = {
    name: 'admission-server',
    async start() {
      const port = await admission.listen(config.SPIDERPOOL_WEBHOOK_HOST, config.SPIDERPOOL_WEBHOOK_PORT);
      logger.info({ host: config.SPIDERPOOL_WEBHOOK_HOST, port, kinds: admission.dispatcher.kinds }, 'admission endpoint listening (POST /mutate, /validate)');
    },
    async stop() {
      await tls.stop();
      await admission.close();
    },
  };

  // Leader-only: discovers pod and service CIDRs into SpiderCoordinator status.
  const coordinatorStatus = coordinatorStatusComponent({ client, logger, metrics: base.metrics, config: loadCoordinatorStatusConfig(), replica: config.SPIDERPOOL_POD_NAME });

  // Leader-only (own Lease): generates a NetworkAttachmentDefinition per SpiderMultusConfig.
  const multusController = multusControllerComponent({ client, logger, metrics: base.metrics, config: loadMultusControllerConfig(), replica: config.SPIDERPOOL_POD_NAME });

  await runService({
    logger,
    components: [base.ops, admissionContext, server, coordinatorStatus, multusController],
    onShutdown: () => base.health.markShuttingDown(),
    shutdownTimeoutMs: config.SPIDERPOOL_SHUTDOWN_TIMEOUT_MS,
  });
}

main().catch(exitOnStartupError('webhook-service'));
