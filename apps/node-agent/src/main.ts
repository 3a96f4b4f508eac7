// SPDX-License-Identifier: Apache-2.0
// Composition root of node-agent.
import { IpamService } from '@spiderpool/proto';
import { createGrpcClient } from '@spiderpool/grpc-kit';
import { SpiderpoolError } from '@spiderpool/errors';
import { createServiceBase, exitOnStartupError, runService, type Component } from '@spiderpool/service-runtime';
import { loadNodeAgentConfig } from './config.ts';
import { UnixSocketServer } from './unix-socket-server.ts';
import { createCniEndpoint, type CniPlugin } from './cni/cni-endpoint.ts';
import { runSpiderpoolPlugin } from './cni/spiderpool-plugin.ts';
import { installAlias, installFile } from './cni-installer.ts';
import { join } from 'node:path';
import { KubeClient, loadKubeConfig } from '@spiderpool/k8s';
import { IpRunner } from './netlink/ip-runner.ts';
import { NodeView } from './k8s/node-view.ts';
import { runCoordinatorPlugin } from './coordinator/coordinator-plugin.ts';
import { createIfacerPlugin } from './ifacer/ifacer-plugin.ts';

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
  // Calls are idempotent (a repeated Allocate returns the same addresses), so an unreachable
  // ipam-service (a replica restarting behind the Service) is retried within the one deadline.
  const ipam = createGrpcClient(IpamService, config.SPIDERPOOL_IPAM_SERVICE_ADDRESS, {
    defaultDeadlineMs: config.SPIDERPOOL_IPAM_DEADLINE_MS,
    retry: { maxAttempts: 5, initialBackoffMs: 100, maxBackoffMs: 1_000 },
  });

  /** Ready only when ipam-service answers and says it can serve. */
  const ipamReady = async (): Promise<void> => {
    const status = await ipam.status({}, { deadlineMs: 2_000 });
    if (!status.ready) throw new SpiderpoolError('NOT_READY', `ipam-service: ${status.reason}`);
  };
  base.health.addReadinessCheck('ipam-service', ipamReady);

  // The cluster objects the coordinator needs, from watch caches (never polled per CNI call).
  const kube = await KubeClient.create(loadKubeConfig(config.KUBECONFIG));
  const view = new NodeView(kube, config.SPIDERPOOL_NODE_NAME, (err) => logger.warn({ err }, 'watch failed; re-listing'));
  let viewSynced = false;
  base.health.addReadinessCheck('caches', async () => {
    if (!viewSynced) throw new SpiderpoolError('NOT_READY', 'watch caches are not synced yet');
  });
  const viewComponent: Component = {
    name: 'node-view',
    // Not awaited: IPAM must not wait for the API server; until the caches are synced the
    // coordinator answers "try again later" and readiness says why.
    async start() {
      void view.start().then(() => {
        viewSynced = true;
      });
    },
    stop: async () => view.stop(),
  };
  const netlink = new IpRunner();
  const coordinator: CniPlugin = (command, env, stdin) =>
    runCoordinatorPlugin({ netlink, hostNetns: config.SPIDERPOOL_HOST_NETNS, cluster: view, logger: logger.child({ plugin: 'coordinator' }) }, command, env, stdin);
  const spiderpool: CniPlugin = (command, env, stdin) => runSpiderpoolPlugin({ ipam, netlink, node: config.SPIDERPOOL_NODE_NAME, logger }, command, env, stdin);
  const ifacer = createIfacerPlugin({ netlink, hostNetns: config.SPIDERPOOL_HOST_NETNS, logger });
  const cni = createCniEndpoint({ plugins: { spiderpool, coordinator, ifacer }, logger, metrics: base.metrics });
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
    components: [base.ops, installer, ipamClient, viewComponent, socketComponent],
    onShutdown: () => base.health.markShuttingDown(),
    shutdownTimeoutMs: config.SPIDERPOOL_SHUTDOWN_TIMEOUT_MS,
  });
}

main().catch(exitOnStartupError('node-agent'));
