// SPDX-License-Identifier: Apache-2.0
// Network namespaces that a test creates and removes itself: a simulated node with an uplink
// (a veth pair standing in for the NIC macvlan attaches to) and pod sandboxes. Nothing here
// touches the host's own interfaces or routes; test traffic stays inside these namespaces.
import { execFileSync, spawnSync } from 'node:child_process';

const ip = (...args: string[]): string => execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

export interface SimulatedNode {
  name: string;
  /** The uplink inside the node namespace that main plugins use as master. */
  uplink: string;
  /** The namespace's path, for node-agent's SPIDERPOOL_HOST_NETNS. */
  path: string;
  /** `ip -n <node> …`. */
  ip(...args: string[]): string;
  /** Runs a program inside the node namespace (where the main plugin finds its master). */
  exec(command: string, args: string[], options: { env: NodeJS.ProcessEnv; input: string; timeoutMs?: number }): { status: number | null; stdout: string; stderr: string };
  remove(): void;
}

/** Fails loudly when the tests cannot manage namespaces (not root, or iproute2 missing). */
export function assertNetnsSupport(): void {
  const probe = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  if (probe.status !== 0) throw new Error(`network namespace tests need root and iproute2: ip netns list failed: ${probe.stderr || probe.error?.message}`);
}

export function createSimulatedNode(name: string): SimulatedNode {
  ip('netns', 'add', name);
  ip('-n', name, 'link', 'set', 'lo', 'up');
  ip('-n', name, 'link', 'add', 'up0', 'type', 'veth', 'peer', 'name', 'up1');
  ip('-n', name, 'link', 'set', 'up0', 'up');
  ip('-n', name, 'link', 'set', 'up1', 'up');
  return {
    name,
    uplink: 'up0',
    path: `/var/run/netns/${name}`,
    ip: (...args) => ip('-n', name, ...args),
    exec: (command, args, options) => {
      const r = spawnSync('ip', ['netns', 'exec', name, command, ...args], { env: options.env, input: options.input, encoding: 'utf8', timeout: options.timeoutMs ?? 60_000 });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    },
    remove: () => removeNetns(name),
  };
}

export function createPodNetns(name: string): { name: string; path: string; remove(): void; ip(...args: string[]): string } {
  ip('netns', 'add', name);
  ip('-n', name, 'link', 'set', 'lo', 'up');
  return { name, path: `/var/run/netns/${name}`, remove: () => removeNetns(name), ip: (...args) => ip('-n', name, ...args) };
}

function removeNetns(name: string): void {
  spawnSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
}
