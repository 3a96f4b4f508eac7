// SPDX-License-Identifier: Apache-2.0
// Composition root of node-agent.
import { IpamService } from '@spiderpool/proto';
import { createGrpcClient } from '@spiderpool/grpc-kit';
import { SpiderpoolError } from '@spiderpool/errors';
import { createServiceBase, exitOnStartupError, runService, type Component } from '@spiderpool/service-runtime';
import { loadNodeAgentConfig } from './config.ts';
import { UnixSocketServer } from './unix-socket-server.ts';
import { createCniEndpoint } from './cni/cni-endpoint.ts';

async function main(): Promise<void> {
  const config = loadNodeAgentConfig();
  const base = createServiceBase({
    service: 'node-agent',
    logLevel: config.SPIDERPOOL_LOG_LEVEL,
    opsHost: config.SPIDERPOOL_OPS_HOST,
    opsPort: config.SPIDERPOOL_OPS_PORT,
  });
  const logger = base.logger.child({ node: config.SPIDERPOOL_NODE_NAME });

  // One channel for the process lifetime: connection reuse keeps CNI latency low.
  const ipam = createGrpcClient(IpamService, config.SPIDERPOOL_IPAM_SERVICE_ADDRESS, {
    defaultDeadlineMs: config.SPIDERPOOL_IPAM_DEADLINE_MS,
  });

  /** Ready only when ipam-service answers and says it can serve. */
  const ipamReady = async (): Promise<void> => {
    const status = await ipam.status({}, { deadlineMs: 2_000 });
    if (!status.ready) throw new SpiderpoolError('NOT_READY', `ipam-service: ${status.reason}`);
  };
  base.health.addReadinessCheck('ipam-service', ipamReady);

  const cni = createCniEndpoint({ ipam, node: config.SPIDERPOOL_NODE_NAME, logger, metrics: base.metrics });
  const socket = new UnixSocketServer(config.SPIDERPOOL_IPAM_UNIX_SOCKET_PATH, {
    'POST /v1/cni': async (_req, body) => ({ status: 200, body: await cni(body) }),
    'GET /v1/ipam/healthy': async () => {
      const report = await base.health.readiness();
      return { status: report.ready ? 200 : 500, body: report };
    },
  });

  const socketComponent: Component = {
    name: 'unix-socket',
    async start() {
      await socket.start();
      logger.info({ path: config.SPIDERPOOL_IPAM_UNIX_SOCKET_PATH }, 'CNI API listening');
    },
    stop: () => socket.stop(),
  };
  const ipamClient: Component = { name: 'ipam-client', start: async () => {}, stop: async () => ipam.close() };

  await runService({
    logger,
    components: [base.ops, ipamClient, socketComponent],
    onShutdown: () => base.health.markShuttingDown(),
    shutdownTimeoutMs: config.SPIDERPOOL_SHUTDOWN_TIMEOUT_MS,
  });
}

main().catch(exitOnStartupError('node-agent'));
