// SPDX-License-Identifier: Apache-2.0
// A CNI bin directory with a main plugin and our `spiderpool` executable, plus node-agent and
// ipam-service processes behind it, for the tests that drive the real CNI path.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertNetnsSupport, createSimulatedNode, REPO_ROOT, testbed, uniqueName, type SimulatedNode } from '../testbed/index.ts';
import { createNamespace, createNode, startIpamServices, startNodeAgent, stopIpamServices, type IpamProcess } from '../ipam/ipam-harness.ts';

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
  const agent = await startNodeAgent({ node, ipamAddress: ipam[0]?.address ?? '', socketPath, logDir: dir });
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
