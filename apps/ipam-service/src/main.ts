// SPDX-License-Identifier: Apache-2.0
// Composition root of ipam-service: the only place that wires adapters to the domain.
import { IpamService } from '@spiderpool/proto';
import { GrpcServer } from '@spiderpool/grpc-kit';
import { apiServerCheck, loadKubeConfig } from '@spiderpool/k8s';
import { Histogram } from '@spiderpool/observability';
import { createServiceBase, exitOnStartupError, runService, type Component } from '@spiderpool/service-runtime';
import { loadIpamServiceConfig } from './config.ts';
import { createIpamHandlers } from './ipam-handlers.ts';

async function main(): Promise<void> {
  const config = loadIpamServiceConfig();
  const base = createServiceBase({
    service: 'ipam-service',
    logLevel: config.SPIDERPOOL_LOG_LEVEL,
    opsHost: config.SPIDERPOOL_OPS_HOST,
    opsPort: config.SPIDERPOOL_OPS_PORT,
  });
  const kc = loadKubeConfig(config.KUBECONFIG);
  base.health.addReadinessCheck('kube-apiserver', apiServerCheck(kc));

  const rpcDuration = new Histogram({
    name: 'spiderpool_ipam_rpc_duration_seconds',
    help: 'Duration of IpamService RPCs by method and result code.',
    labelNames: ['method', 'code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [base.metrics],
  });

  const grpc = new GrpcServer({
    onCall: ({ path, durationSeconds, code, error }) => {
      rpcDuration.observe({ method: path.split('/').pop() ?? path, code: code ?? 'OK' }, durationSeconds);
      if (code === 'INTERNAL') base.logger.error({ err: error, path }, 'rpc failed');
    },
  });
  grpc.addService(IpamService, createIpamHandlers(base.health));

  const grpcComponent: Component = {
    name: 'grpc-server',
    async start() {
      const port = await grpc.listen(config.SPIDERPOOL_GRPC_ADDRESS);
      base.logger.info({ address: config.SPIDERPOOL_GRPC_ADDRESS, port }, 'IpamService listening');
    },
    stop: () => grpc.stop(config.SPIDERPOOL_SHUTDOWN_TIMEOUT_MS / 2),
  };

  await runService({
    logger: base.logger,
    components: [base.ops, grpcComponent],
    onShutdown: () => base.health.markShuttingDown(),
    shutdownTimeoutMs: config.SPIDERPOOL_SHUTDOWN_TIMEOUT_MS,
  });
}

main().catch(exitOnStartupError('ipam-service'));
