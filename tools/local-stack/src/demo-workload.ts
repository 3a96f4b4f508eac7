// SPDX-License-Identifier: Apache-2.0
// The demo's workload on the local stack: sample pools and a SpiderSubnet, a Deployment whose
// pool the subnet controller creates, two dual-stack pods on fixed pools, and every one of those
// pods wired through the real CNI path — the macvlan main plugin running in the simulated node's
// network namespace, calling the `spiderpool` IPAM executable, which goes through node-agent and
// ipam-service — into a network namespace of its own. Addresses come only from documentation
// ranges, and nothing leaves the namespaces the demo creates.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { API_VERSION } from '@spiderpool/crds';
import { Resources, type KubeClient, type KubeObject } from '@spiderpool/k8s';
import { createPodNetns, REPO_ROOT, type SimulatedNode } from '@spiderpool/e2e';

export const DEMO_NAMESPACE = 'demo';

type Pod = KubeObject & { metadata: { name: string; namespace: string; uid: string; annotations?: Record<string, string> } };

export interface WiredPod {
  pod: string;
  netns: string;
  /** Addresses the plugin returned, as `address/prefix`. */
  addresses: string[];
  /** What `ip addr` shows inside the pod's namespace on eth0. */
  inNamespace: string[];
}

export interface DemoEnv {
  kube: KubeClient;
  stateDir: string;
  cniPluginsDir: string;
  socketPath: string;
  simNode: SimulatedNode;
  node: string;
}

export class DemoWorkload {
  readonly #env: DemoEnv;
  readonly #cniPath: string;
  readonly #wired: Array<{ pod: Pod; netns: ReturnType<typeof createPodNetns> }> = [];

  constructor(env: DemoEnv) {
    this.#env = env;
    this.#cniPath = join(env.stateDir, 'cni-bin');
  }

  /** Builds the plugin executable next to the main plugins (the node's /opt/cni/bin). */
  installPlugins(): void {
    mkdirSync(this.#cniPath, { recursive: true });
    execFileSync(process.execPath, [join(REPO_ROOT, 'scripts', 'build-cni-executable.ts'), '--out', this.#cniPath], { cwd: REPO_ROOT, stdio: 'pipe' });
    symlinkSync(join(this.#env.cniPluginsDir, 'macvlan'), join(this.#cniPath, 'macvlan'));
  }

  async createSamples(): Promise<void> {
    const k = this.#env.kube;
    await k.create(Resources.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: DEMO_NAMESPACE } });
    await k.create(Resources.ipPools, pool('demo-v4', { subnet: '192.0.2.0/24', ips: ['192.0.2.10-192.0.2.29'], gateway: '192.0.2.1' }));
    await k.create(Resources.ipPools, pool('demo-v6', { subnet: '2001:db8:1::/64', ips: ['2001:db8:1::10-2001:db8:1::29'], gateway: '2001:db8:1::1' }));
    await k.create(Resources.subnets, {
      apiVersion: API_VERSION,
      kind: 'SpiderSubnet',
      metadata: { name: 'demo-subnet' },
      spec: { subnet: '198.51.100.0/24', ips: ['198.51.100.10-198.51.100.99'], gateway: '198.51.100.1' },
    } as KubeObject);
    await k.create(Resources.deployments, deployment(this.#env.node));
    const dualStack = { 'ipam.spidernet.io/ippool': JSON.stringify({ ipv4: ['demo-v4'], ipv6: ['demo-v6'] }) };
    for (const name of ['db-0', 'db-1']) {
      await k.create(Resources.pods, {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, namespace: DEMO_NAMESPACE, annotations: dualStack },
        spec: { nodeName: this.#env.node, containers: [{ name: 'db', image: 'example.invalid/db' }], terminationGracePeriodSeconds: 0 },
      } as KubeObject);
    }
  }

  /** The demo's pods once kube-controller-manager has created the Deployment's three. */
  async pods(timeoutMs = 60_000): Promise<Pod[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const list = await this.#env.kube.list<Pod>(Resources.pods, { namespace: DEMO_NAMESPACE });
      if (list.items.length >= 5) return list.items.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
      if (Date.now() > deadline) throw new Error(`only ${list.items.length} of 5 demo pods exist after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /** CNI ADD for one pod into a fresh network namespace, as a container runtime would. */
  wire(pod: Pod, index: number): WiredPod {
    const netns = createPodNetns(`spdemo-${process.pid}-pod${index}`);
    this.#wired.push({ pod, netns });
    const run = this.#run('ADD', pod, netns.path);
    if (run.status !== 0) throw new Error(`CNI ADD of ${pod.metadata.name} failed (exit ${run.status}): ${run.stdout || run.stderr}`);
    const result = JSON.parse(run.stdout) as { ips?: Array<{ address: string }> };
    const shown = netns.ip('-o', 'addr', 'show', 'dev', 'eth0', 'scope', 'global');
    return {
      pod: pod.metadata.name,
      netns: netns.name,
      addresses: (result.ips ?? []).map((ip) => ip.address),
      inNamespace: [...shown.matchAll(/inet6? (\S+)/g)].map((m) => m[1] ?? ''),
    };
  }

  /** CNI DEL of every wired pod, then their namespaces go. */
  teardown(): void {
    for (const { pod, netns } of this.#wired.splice(0)) {
      this.#run('DEL', pod, netns.path);
      netns.remove();
    }
  }

  #run(command: 'ADD' | 'DEL', pod: Pod, netnsPath: string): { status: number | null; stdout: string; stderr: string } {
    const conf = {
      cniVersion: '1.0.0',
      name: 'macvlan-underlay',
      type: 'macvlan',
      master: this.#env.simNode.uplink,
      mode: 'bridge',
      ipam: { type: 'spiderpool', ipam_unix_socket_path: this.#env.socketPath },
    };
    return this.#env.simNode.exec(join(this.#cniPath, 'macvlan'), [], {
      env: {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
        SPIDERPOOL_CNI_LOG_FILE: join(this.#env.stateDir, 'logs', 'cni-plugins.log'),
        CNI_COMMAND: command,
        CNI_CONTAINERID: pod.metadata.uid.replaceAll('-', ''),
        CNI_NETNS: netnsPath,
        CNI_IFNAME: 'eth0',
        CNI_PATH: this.#cniPath,
        CNI_ARGS: `IgnoreUnknown=1;K8S_POD_NAMESPACE=${pod.metadata.namespace};K8S_POD_NAME=${pod.metadata.name};K8S_POD_UID=${pod.metadata.uid}`,
      },
      input: JSON.stringify(conf),
    });
  }
}

function pool(name: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: API_VERSION, kind: 'SpiderIPPool', metadata: { name }, spec } as KubeObject;
}

function deployment(node: string): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: DEMO_NAMESPACE },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: {
          labels: { app: 'web' },
          annotations: { 'ipam.spidernet.io/subnet': JSON.stringify({ interface: 'eth0', ipv4: ['demo-subnet'] }), 'ipam.spidernet.io/ippool-ip-number': '+2' },
        },
        spec: { nodeName: node, terminationGracePeriodSeconds: 0, containers: [{ name: 'web', image: 'example.invalid/web' }] },
      },
    },
  } as KubeObject;
}

/** Root and iproute2 are needed for the namespaces: say so plainly instead of failing later. */
export function netnsAvailable(): string | undefined {
  const probe = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  return probe.status === 0 ? undefined : `network namespaces are unavailable (${(probe.stderr || probe.error?.message || '').trim()}): run as root with iproute2 installed`;
}
