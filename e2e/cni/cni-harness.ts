// SPDX-License-Identifier: Apache-2.0
// A CNI bin directory with a main plugin and our `spiderpool` executable, plus node-agent and
// ipam-service processes behind it, for the tests that drive the real CNI path.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertNetnsSupport, createSimulatedNode, REPO_ROOT, testbed, uniqueName, type SimulatedNode } from '../testbed/index.ts';
import { createNamespace, createNode, startIpamServices, startNodeAgent, stopIpamServices, type IpamProcess } from '../ipam/ipam-harness.ts';

const DEBIAN_MACVLAN = '/usr/lib/cni/macvlan';

export interface CniBed {
  /** Environment for plugin runs: PATH, and the plugins' log file inside the bed's directory. */
  pluginEnv: Record<string, string>;
  dir: string;
  socketPath: string;
  cniPath: string;
  namespace: string;
  node: string;
  simNode: SimulatedNode;
  /** Stops the bed's ipam-service for good (node-agent stays up), for the "backend down" cases. */
  stopIpamService(): Promise<void>;
  stop(): Promise<void>;
}

export interface CniBedOptions {
  /** Extra environment of the bed's ipam-service (e.g. SPIDERPOOL_ENABLE_IP_CONFLICT_DETECTION). */
  ipamEnv?: Record<string, string>;
}

/** Builds the shim, installs it next to the main plugins, starts ipam-service and node-agent. */
export async function startCniBed(options: CniBedOptions = {}): Promise<CniBed> {
  assertNetnsSupport();
  const dir = mkdtempSync(join(tmpdir(), 'cni-bed-'));
  const socketPath = join(dir, 'spiderpool.sock');
  const cniPath = join(dir, 'bin');
  mkdirSync(cniPath);
  // The real plugin executable: a single executable application (no Node.js needed on the
  // host), installed as `spiderpool` next to the main plugins.
  execFileSync(process.execPath, [join(REPO_ROOT, 'scripts', 'build-cni-executable.ts'), '--out', cniPath], { cwd: REPO_ROOT, stdio: 'pipe' });
  for (const plugin of ['macvlan', 'bridge']) symlinkSync(join(testbed().cniPluginsDir, plugin), join(cniPath, plugin));
  // The distribution's own build (Debian containernetworking-plugins, CNI ≤ 1.0.0) as well:
  // what many nodes run. scripts/setup.sh installs it; missing means a broken setup, not a skip.
  if (!existsSync(DEBIAN_MACVLAN)) throw new Error(`${DEBIAN_MACVLAN} is missing: install the Debian package containernetworking-plugins (scripts/setup.sh does)`);
  symlinkSync(DEBIAN_MACVLAN, join(cniPath, 'macvlan-debian'));
  const ipam: IpamProcess[] = await startIpamServices(1, { env: options.ipamEnv ?? {} });
  const [namespace, node] = await Promise.all([createNamespace(), createNode()]);
  // node-agent does its host-side work (coordinator veths, host routes, ifacer links) in the
  // simulated node's namespace, never in the machine's own.
  const simNode = createSimulatedNode(uniqueName('spn').slice(0, 15));
  const agent = await startNodeAgent({ node, ipamAddress: ipam[0]?.address ?? '', socketPath, logDir: dir, env: { SPIDERPOOL_HOST_NETNS: simNode.path } });
  let ipamStopped: Promise<void> | undefined;
  const stopIpam = (): Promise<void> => (ipamStopped ??= stopIpamServices(ipam));
  return {
    dir,
    pluginEnv: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', SPIDERPOOL_CNI_LOG_FILE: join(dir, 'cni-plugins.log') },
    socketPath,
    cniPath,
    namespace,
    node,
    simNode,
    stopIpamService: stopIpam,
    stop: async () => {
      simNode.remove();
      await agent.stop();
      await stopIpam();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface PluginRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface PluginCall {
  command: string;
  pod: { metadata: { namespace: string; name: string; uid: string } };
  netnsPath: string;
  ifName?: string;
  /** Default: the pod UID without dashes (hex, as runtimes' IDs are). */
  containerId?: string;
}

/** Executes one plugin from the bed's CNI bin directory inside the simulated node, as a runtime does. */
export function runPlugin(bed: CniBed, type: string, call: PluginCall, conf: object): PluginRun {
  const { pod } = call;
  return bed.simNode.exec(join(bed.cniPath, type), [], {
    env: {
      ...bed.pluginEnv,
      CNI_COMMAND: call.command,
      CNI_CONTAINERID: call.containerId ?? pod.metadata.uid.replaceAll('-', ''),
      CNI_NETNS: call.netnsPath,
      CNI_IFNAME: call.ifName ?? 'eth0',
      CNI_PATH: bed.cniPath,
      CNI_ARGS: `IgnoreUnknown=1;K8S_POD_NAMESPACE=${pod.metadata.namespace};K8S_POD_NAME=${pod.metadata.name};K8S_POD_UID=${pod.metadata.uid}`,
    },
    input: JSON.stringify(conf),
  });
}
