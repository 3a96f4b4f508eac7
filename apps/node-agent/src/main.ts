// SPDX-License-Identifier: Apache-2.0
// Composition root of node-agent.
import { IpamService } from '@spiderpool/proto';
import { createGrpcClient } from '@spiderpool/grpc-kit';
import { SpiderpoolError } from '@spiderpool/errors';
import { createServiceBase, exitOnStartupError, runService, type Component } from '@spiderpool/service-runtime';
import { loadNodeAgentConfig } from './config.ts';
import { UnixSocketServer } from './unix-socket-server.ts';
import { createCniEndpoint } from './cni/cni-endpoint.ts';
import { installAlias, installFile } from './cni-installer.ts';
import { join } from 'node:path';

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
  const installer: Component = {
    name: 'cni-installer',
    async start() {
      if (!config.SPIDERPOOL_CNI_INSTALL) return;
      const bin = config.SPIDERPOOL_CNI_BIN_DIR;
      const exe = installFile({ source: join(config.SPIDERPOOL_CNI_SOURCE_DIR, 'spiderpool'), targetDir: bin, mode: 0o755 });
      for (const alias of ['coordinator', 'ifacer']) installAlias(bin, 'spiderpool', alias);
      const conf = config.SPIDERPOOL_CNI_CONF_FILE ? installFile({ source: config.SPIDERPOOL_CNI_CONF_FILE, targetDir: config.SPIDERPOOL_CNI_CONF_DIR, mode: 0o644 }) : undefined;
      logger.info({ executable: exe, config: conf }, 'CNI plugins installed');
    },
    stop: async () => {},
  };
  const ipamClient: Component = { name: 'ipam-client', start: async () => {}, stop: async () => ipam.close() };

  await runService({
    logger,
    components: [base.ops, installer, ipamClient, socketComponent],
    onShutdown: () => base.health.markShuttingDown(),
    shutdownTimeoutMs: config.SPIDERPOOL_SHUTDOWN_TIMEOUT_MS,
  });
}

main().catch(exitOnStartupError('node-agent'));
