// SPDX-License-Identifier: Apache-2.0
// Composition root of gc-service.
import { IpamService } from '@spiderpool/proto';
import { createGrpcClient } from '@spiderpool/grpc-kit';
import { apiServerCheck, loadKubeConfig } from '@spiderpool/k8s';
import { createServiceBase, exitOnStartupError, runService, type Component } from '@spiderpool/service-runtime';
import { loadGcServiceConfig } from './config.ts';

async function main(): Promise<void> {
  const config = loadGcServiceConfig();
  const base = createServiceBase({
    service: 'gc-service',
    logLevel: config.SPIDERPOOL_LOG_LEVEL,
    opsHost: config.SPIDERPOOL_OPS_HOST,
    opsPort: config.SPIDERPOOL_OPS_PORT,
  });
  const kc = loadKubeConfig(config.KUBECONFIG);
  base.health.addReadinessCheck('kube-apiserver', apiServerCheck(kc));

  // Every release goes through ipam-service (the single writer of pool state).
  const ipam = createGrpcClient(IpamService, config.SPIDERPOOL_IPAM_SERVICE_ADDRESS, { defaultDeadlineMs: 30_000 });
  const ipamClient: Component = { name: 'ipam-client', start: async () => {}, stop: async () => ipam.close() };

  await runService({
    logger: base.logger,
    components: [base.ops, ipamClient],
    onShutdown: () => base.health.markShuttingDown(),
    shutdownTimeoutMs: config.SPIDERPOOL_SHUTDOWN_TIMEOUT_MS,
  });
}

main().catch(exitOnStartupError('gc-service'));
