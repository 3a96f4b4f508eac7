// SPDX-License-Identifier: Apache-2.0
// Runs real ipam-service processes against the test bed and gives tests typed gRPC clients and
// small builders for the Kubernetes objects an allocation depends on.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { IpamService } from '@spiderpool/proto';
import { createGrpcClient, type ClosableClient, type MethodsOf, type ServiceClient } from '@spiderpool/grpc-kit';
import { API_VERSION, type SpiderIPPool, type SpiderIPPoolSpec } from '@spiderpool/crds';
import { KubeClient, Resources, type KubeObject } from '@spiderpool/k8s';
import { decodeAllocatedIPs } from '@spiderpool/ipam-domain';
import { adminKubeConfig, freePort, IPAM_SERVICE_NODE_FLAGS, ManagedProcess, REPO_ROOT, testbed, uniqueName } from '../testbed/index.ts';

export type IpamClient = ServiceClient<MethodsOf<typeof IpamService>> & ClosableClient;

export interface IpamProcess {
  process: ManagedProcess;
  client: IpamClient;
  opsPort: number;
  address: string;
}

/** Starts `count` ipam-service replicas sharing the test bed's apiserver and (optionally) Redis. */
export async function startIpamServices(count: number, options: { redis?: string | false; env?: Record<string, string> } = {}): Promise<IpamProcess[]> {
  const tb = testbed();
  const logs = join(tb.stateDir, 'logs');
  mkdirSync(logs, { recursive: true });
  const redisUrl = options.redis === false ? undefined : (options.redis ?? tb.redisUrl);
  const started: IpamProcess[] = [];
  for (let i = 0; i < count; i++) {
    const [grpcPort, opsPort] = [await freePort(), await freePort()];
    const name = uniqueName('ipam');
    const process_ = new ManagedProcess({
      name,
      command: process.execPath,
      args: [...IPAM_SERVICE_NODE_FLAGS, join(REPO_ROOT, 'apps', 'ipam-service', 'src', 'main.ts')],
      logFile: join(logs, `${name}.log`),
      env: {
        ...process.env,
        KUBECONFIG: tb.kubeconfig,
        SPIDERPOOL_GRPC_ADDRESS: `127.0.0.1:${grpcPort}`,
        SPIDERPOOL_OPS_HOST: '127.0.0.1',
        SPIDERPOOL_OPS_PORT: String(opsPort),
        SPIDERPOOL_POD_NAME: name,
        SPIDERPOOL_LOG_LEVEL: 'warn',
        ...(redisUrl ? { SPIDERPOOL_REDIS_URL: redisUrl } : {}),
        ...options.env,
      },
    });
    const address = `127.0.0.1:${grpcPort}`;
    started.push({ process: process_, opsPort, address, client: createGrpcClient(IpamService, address, { defaultDeadlineMs: 60_000 }) });
  }
  await Promise.all(started.map((s) => s.process.waitReady(async () => (await fetch(`http://127.0.0.1:${s.opsPort}/readyz`)).ok, 60_000)));
  return started;
}

export async function stopIpamServices(services: IpamProcess[]): Promise<void> {
  for (const s of services) s.client.close();
  await Promise.all(services.map((s) => s.process.stop()));
}

let kubeClient: Promise<KubeClient> | undefined;
export const kube = (): Promise<KubeClient> => (kubeClient ??= KubeClient.create(adminKubeConfig()));

export interface PodOptions {
  namespace: string;
  name?: string;
  node: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: Array<{ apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }>;
}

export type PodObject = KubeObject & { metadata: { name: string; namespace: string; uid: string } };

/** A pod bound to a node (no scheduler here); its containers never run. */
export async function createPod(o: PodOptions): Promise<PodObject> {
  const k = await kube();
  return k.create<PodObject>(Resources.pods, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: o.name ?? uniqueName('pod'),
      namespace: o.namespace,
      labels: o.labels ?? {},
      annotations: o.annotations ?? {},
      ...(o.ownerReferences ? { ownerReferences: o.ownerReferences } : {}),
    },
    spec: { nodeName: o.node, containers: [{ name: 'c', image: 'example.invalid/none' }], terminationGracePeriodSeconds: 0 },
  } as unknown as PodObject);
}

export interface StatefulSetOptions {
  namespace: string;
  /** Pods are bound to this node directly (no scheduler needed). */
  node: string;
  replicas: number;
  /** Of the pod template (e.g. the pool annotation). */
  annotations: Record<string, string>;
  ordinalsStart?: number;
  terminationGracePeriodSeconds?: number;
  /** Template changes reach a pod only when the test deletes it. */
  onDeleteUpdates?: boolean;
}

/**
 * A StatefulSet whose pods kube-controller-manager creates on `node`. Parallel management,
 * because pods without a kubelet may never become Ready. Answers its name.
 */
export async function createStatefulSet(o: StatefulSetOptions): Promise<string> {
  const name = uniqueName('sts');
  await (await kube()).create(Resources.statefulSets, {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, namespace: o.namespace },
    spec: {
      replicas: o.replicas,
      serviceName: name,
      podManagementPolicy: 'Parallel',
      ...(o.onDeleteUpdates ? { updateStrategy: { type: 'OnDelete' } } : {}),
      selector: { matchLabels: { 'e2e.spidernet.io/sts': name } },
      ...(o.ordinalsStart === undefined ? {} : { ordinals: { start: o.ordinalsStart } }),
      template: {
        metadata: { labels: { 'e2e.spidernet.io/sts': name }, annotations: o.annotations },
        spec: { nodeName: o.node, terminationGracePeriodSeconds: o.terminationGracePeriodSeconds ?? 0, containers: [{ name: 'c', image: 'example.invalid/none' }] },
      },
    },
  } as KubeObject);
  return name;
}

export async function deletePod(namespace: string, name: string): Promise<void> {
  const k = await kube();
  await k.request('DELETE', `${k.path(Resources.pods, namespace, name)}?gracePeriodSeconds=0`).catch(() => undefined);
}

export async function createNamespace(labels: Record<string, string> = {}, annotations: Record<string, string> = {}): Promise<string> {
  const k = await kube();
  const name = uniqueName('ns');
  await k.create(Resources.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels, annotations } });
  return name;
}

export async function createNode(labels: Record<string, string> = {}): Promise<string> {
  const k = await kube();
  const name = uniqueName('node');
  await k.create(Resources.nodes, { apiVersion: 'v1', kind: 'Node', metadata: { name, labels } });
  return name;
}

export async function createPool(spec: Partial<SpiderIPPoolSpec> & { subnet: string }, name = uniqueName('pool')): Promise<string> {
  const k = await kube();
  await k.create(Resources.ipPools, { apiVersion: API_VERSION, kind: 'SpiderIPPool', metadata: { name }, spec } as KubeObject);
  return name;
}

export async function createReservedIP(ipVersion: 4 | 6, ips: string[]): Promise<string> {
  const k = await kube();
  const name = uniqueName('rsv');
  await k.create(Resources.reservedIPs, { apiVersion: API_VERSION, kind: 'SpiderReservedIP', metadata: { name }, spec: { ipVersion, ips } } as KubeObject);
  return name;
}

export async function poolRecords(name: string) {
  const k = await kube();
  const pool = await k.get<SpiderIPPool & KubeObject>(Resources.ipPools, name);
  return { pool, records: decodeAllocatedIPs(pool.status?.allocatedIPs, name) };
}

export async function endpointOf(namespace: string, name: string) {
  const k = await kube();
  return k.find<KubeObject & { status?: { current: { uid: string; node: string; ips: Array<Record<string, unknown>> } } }>(Resources.endpoints, name, namespace);
}

/** The Allocate request a CNI ADD for this pod and NIC produces. */
export function addRequest(pod: PodObject, node: string, nic = 'eth0', extra: Record<string, unknown> = {}) {
  return {
    pod: { namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid },
    attachment: { containerId: `c-${pod.metadata.uid.slice(0, 8)}`, interface: nic, netns: '/var/run/netns/x' },
    node,
    ...extra,
  };
}

export function delRequest(pod: PodObject, node: string, nic = 'eth0') {
  return {
    pod: { namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid },
    attachment: { containerId: `c-${pod.metadata.uid.slice(0, 8)}`, interface: nic },
    node,
  };
}

/** Starts node-agent for `node`, talking to `ipamAddress`, with its CNI API on `socketPath`. */
export async function startNodeAgent(o: { node: string; ipamAddress: string; socketPath: string; logDir: string; env?: Record<string, string> }): Promise<ManagedProcess> {
  const opsPort = await freePort();
  const agent = new ManagedProcess({
    name: 'node-agent',
    command: process.execPath,
    args: [join(REPO_ROOT, 'apps', 'node-agent', 'src', 'main.ts')],
    logFile: join(o.logDir, 'node-agent.log'),
    env: {
      ...process.env,
      KUBECONFIG: testbed().kubeconfig,
      SPIDERPOOL_NODE_NAME: o.node,
      SPIDERPOOL_IPAM_SERVICE_ADDRESS: o.ipamAddress,
      SPIDERPOOL_IPAM_UNIX_SOCKET_PATH: o.socketPath,
      SPIDERPOOL_OPS_HOST: '127.0.0.1',
      SPIDERPOOL_OPS_PORT: String(opsPort),
      SPIDERPOOL_LOG_LEVEL: 'warn',
      ...o.env,
    },
  });
  await agent.waitReady(async () => (await fetch(`http://127.0.0.1:${opsPort}/readyz`)).ok, 60_000);
  return agent;
}
