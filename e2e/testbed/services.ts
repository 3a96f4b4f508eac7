// SPDX-License-Identifier: Apache-2.0
import { join } from 'node:path';
import { KubeClient, loadKubeConfig } from '@spiderpool/k8s';
import { REPO_ROOT } from './binaries.ts';
import { freePort } from './free-port.ts';
import { ManagedProcess } from './managed-process.ts';
import { SERVICES_NAMESPACE, ensureNamespace } from './namespace.ts';

/**
 * V8 memory settings ipam-service runs with (the deployment sets the same NODE_OPTIONS). Without
 * them V8 sizes its heap from the host's memory, not the pod's limit, and lets garbage pile up.
 */
export const IPAM_SERVICE_NODE_FLAGS = ['--max-old-space-size=256', '--max-semi-space-size=8'];

export interface ServiceProcess {
  name: string;
  process: ManagedProcess;
  opsPort: number;
  /** Human-readable main endpoint (gRPC address, socket path, ...). */
  endpoint: string;
}

export interface StartedServices {
  services: ServiceProcess[];
  ipamAddress: string;
  socketPath: string;
}

export interface StackEnv {
  stateDir: string;
  kubeconfig: string;
  redisUrl: string;
  node: string;
  /** Run this file per app instead of the TypeScript sources (e.g. `dist/main.js`). */
  entry?: (app: string) => string;
  /**
   * The control plane is shared with other test files: controllers that write cluster-wide
   * objects (SpiderCoordinator status, NAD rendering) stay off so they cannot race those tests.
   */
  sharedControlPlane?: boolean;
  /** Extra environment per service (e.g. `{ 'node-agent': { SPIDERPOOL_HOST_NETNS: … } }`). */
  env?: Partial<Record<string, Record<string, string>>>;
  /** The admission port (default: a free one), for callers that register the webhooks first. */
  webhookPort?: number;
}

const CLUSTER_WIDE_CONTROLLERS_OFF = { SPIDERPOOL_COORDINATOR_STATUS_ENABLED: 'false', SPIDERPOOL_MULTUS_CONTROLLER_ENABLED: 'false' };

/** Starts the four services as separate processes, the way they are deployed. */
export async function startServices(env: StackEnv): Promise<StartedServices> {
  // webhook-service keeps its TLS Secret in its namespace (as deployed, where kustomize makes it).
  await ensureNamespace(await KubeClient.create(loadKubeConfig(env.kubeconfig)), SERVICES_NAMESPACE);
  const ports = { grpc: await freePort(), webhook: env.webhookPort ?? (await freePort()) };
  const ops = { ipam: await freePort(), webhook: await freePort(), gc: await freePort(), agent: await freePort() };
  const ipamAddress = `127.0.0.1:${ports.grpc}`;
  const socket = join(env.stateDir, 'spidernet', 'spiderpool.sock');
  const common = { KUBECONFIG: env.kubeconfig, SPIDERPOOL_OPS_HOST: '127.0.0.1', SPIDERPOOL_LOG_LEVEL: 'info' };
  const specs: Array<[string, Record<string, string>, number, string]> = [
    ['ipam-service', { SPIDERPOOL_GRPC_ADDRESS: ipamAddress, SPIDERPOOL_REDIS_URL: env.redisUrl, SPIDERPOOL_OPS_PORT: String(ops.ipam) }, ops.ipam, `grpc ${ipamAddress}`],
    ['webhook-service', { SPIDERPOOL_NAMESPACE: SERVICES_NAMESPACE, SPIDERPOOL_TLS_IP_ADDRESSES: '127.0.0.1', SPIDERPOOL_WEBHOOK_HOST: '127.0.0.1', SPIDERPOOL_WEBHOOK_PORT: String(ports.webhook), SPIDERPOOL_OPS_PORT: String(ops.webhook), ...(env.sharedControlPlane ? CLUSTER_WIDE_CONTROLLERS_OFF : {}) }, ops.webhook, `admission 127.0.0.1:${ports.webhook}`],
    ['gc-service', { SPIDERPOOL_IPAM_SERVICE_ADDRESS: ipamAddress, SPIDERPOOL_OPS_PORT: String(ops.gc) }, ops.gc, `ipam client -> ${ipamAddress}`],
    ['node-agent', { SPIDERPOOL_IPAM_SERVICE_ADDRESS: ipamAddress, SPIDERPOOL_NODE_NAME: env.node, SPIDERPOOL_IPAM_UNIX_SOCKET_PATH: socket, SPIDERPOOL_OPS_PORT: String(ops.agent) }, ops.agent, `unix ${socket}`],
  ];
  const entry = env.entry ?? ((app: string) => join(REPO_ROOT, 'apps', app, 'src', 'main.ts'));
  const services = specs.map(([name, extra, opsPort, endpoint]) => ({
    name,
    opsPort,
    endpoint,
    process: new ManagedProcess({
      name,
      command: process.execPath,
      args: [...(name === 'ipam-service' ? IPAM_SERVICE_NODE_FLAGS : []), entry(name)],
      logFile: join(env.stateDir, 'logs', `${name}.log`),
      env: { ...process.env, ...common, ...extra, ...env.env?.[name] },
      cwd: REPO_ROOT,
    }),
  }));
  return { services, ipamAddress, socketPath: socket };
}

/** Waits until every service reports ready on its ops endpoint. */
export async function waitHealthy(services: ServiceProcess[], timeoutMs: number): Promise<void> {
  await Promise.all(
    services.map((s) =>
      s.process.waitReady(async () => (await fetch(`http://127.0.0.1:${s.opsPort}/readyz`)).ok, timeoutMs),
    ),
  );
}
