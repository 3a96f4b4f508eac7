// SPDX-License-Identifier: Apache-2.0
// A CNI bin directory with a main plugin and our `spiderpool` executable, plus node-agent and
// ipam-service processes behind it, for the tests that drive the real CNI path.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertNetnsSupport, createSimulatedNode, freePort, ManagedProcess, REPO_ROOT, testbed, uniqueName, type SimulatedNode } from '../testbed/index.ts';
import { createNamespace, createNode, startIpamServices, stopIpamServices, type IpamProcess } from '../ipam/ipam-harness.ts';

export interface CniBed {
  dir: string;
  socketPath: string;
  cniPath: string;
  namespace: string;
  node: string;
  simNode: SimulatedNode;
  stop(): Promise<void>;
}

/** Builds the shim, installs it next to the main plugins, starts ipam-service and node-agent. */
export async function startCniBed(): Promise<CniBed> {
  assertNetnsSupport();
  const dir = mkdtempSync(join(tmpdir(), 'cni-bed-'));
  const socketPath = join(dir, 'spiderpool.sock');
  const cniPath = join(dir, 'bin');
  mkdirSync(cniPath);
  // The real plugin executable: a single executable application (no Node.js needed on the
  // host), installed as `spiderpool` next to the main plugins.
  execFileSync(process.execPath, [join(REPO_ROOT, 'scripts', 'build-cni-executable.ts'), '--out', cniPath], { cwd: REPO_ROOT, stdio: 'pipe' });
  for (const plugin of ['macvlan', 'bridge']) symlinkSync(join(testbed().cniPluginsDir, plugin), join(cniPath, plugin));
  const ipam: IpamProcess[] = await startIpamServices(1);
  const [namespace, node] = await Promise.all([createNamespace(), createNode()]);
  const opsPort = await freePort();
  const agent = new ManagedProcess({
    name: 'node-agent',
    command: process.execPath,
    args: [join(REPO_ROOT, 'apps', 'node-agent', 'src', 'main.ts')],
    logFile: join(dir, 'node-agent.log'),
    env: {
      ...process.env,
      KUBECONFIG: testbed().kubeconfig,
      SPIDERPOOL_NODE_NAME: node,
      SPIDERPOOL_IPAM_SERVICE_ADDRESS: ipam[0]?.address ?? '',
      SPIDERPOOL_IPAM_UNIX_SOCKET_PATH: socketPath,
      SPIDERPOOL_OPS_HOST: '127.0.0.1',
      SPIDERPOOL_OPS_PORT: String(opsPort),
      SPIDERPOOL_LOG_LEVEL: 'warn',
    },
  });
  await agent.waitReady(async () => (await fetch(`http://127.0.0.1:${opsPort}/readyz`)).ok, 60_000);
  const simNode = createSimulatedNode(uniqueName('spn').slice(0, 15));
  return {
    dir,
    socketPath,
    cniPath,
    namespace,
    node,
    simNode,
    stop: async () => {
      simNode.remove();
      await agent.stop();
      await stopIpamServices(ipam);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
