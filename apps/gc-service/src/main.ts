// SPDX-License-Identifier: Apache-2.0
// Composition root of gc-service.
import { IpamService } from '@spiderpool/proto';
import { createGrpcClient } from '@spiderpool/grpc-kit';
import { apiServerCheck, KubeClient, loadKubeConfig } from '@spiderpool/k8s';
import { createServiceBase, exitOnStartupError, runService, type Component } from '@spiderpool/service-runtime';
import { loadGcServiceConfig } from './config.ts';
import { gcComponent } from './gc-component.ts';
import { grpcIpamReleaser } from './ipam-releaser.ts';
import { createGcMetrics } from './metrics.ts';

async function main(): Promise<void> {
  const config = loadGcServiceConfig();
  const base = createServiceBase({
    service: 'gc-service',
    logLevel: config.SPIDERPOOL_LOG_LEVEL,
    opsHost: config.SPIDERPOOL_OPS_HOST,
    opsPort: config.SPIDERPOOL_OPS_PORT,
  });
  base.logger.info({ config: { ...config, KUBECONFIG: config.KUBECONFIG ? '<set>' : undefined } }, 'gc-service configuration');
  const kc = loadKubeConfig(config.KUBECONFIG);
  base.health.addReadinessCheck('kube-apiserver', apiServerCheck(kc));
  const client = await KubeClient.create(kc);

  // Every release goes through ipam-service (the single writer of pool state).
  const ipam = createGrpcClient(IpamService, config.SPIDERPOOL_IPAM_SERVICE_ADDRESS, { defaultDeadlineMs: 30_000 });
  const ipamClient: Component = { name: 'ipam-client', start: async () => {}, stop: async () => ipam.close() };
  const gc = gcComponent({ client, config, releaser: grpcIpamReleaser(ipam), metrics: createGcMetrics(base.metrics), logger: base.logger });

  await runService({
    logger: base.logger,
    // Stopped in reverse: GC ends its term (and releases the Lease) before the client closes.
    components: [base.ops, ipamClient, gc],
    onShutdown: () => base.health.markShuttingDown(),
    shutdownTimeoutMs: config.SPIDERPOOL_SHUTDOWN_TIMEOUT_MS,
  });
}

main().catch(exitOnStartupError('gc-service'));
