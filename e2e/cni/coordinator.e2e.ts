// SPDX-License-Identifier: Apache-2.0
// The coordinator plugin on the real CNI path (libcni via cnitool): macvlan + spiderpool IPAM +
// coordinator for eth0 and for net1 of one pod, in namespaces the test creates. The simulated
// node stands in for the host (node-agent's SPIDERPOOL_HOST_NETNS). Checked with `ip rule`,
// `ip route show table N`, `ip link`, and a ping from the pod to its node through veth0 — which
// macvlan alone cannot do (a macvlan child never reaches its master's own address).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { Resources, type KubeObject } from '@spiderpool/k8s';
import { createPodNetns, eventually, testbed, uniqueName } from '../testbed/index.ts';
import { createPod, createPool, deletePod, kube, poolRecords, type PodObject } from '../ipam/ipam-harness.ts';
import { runPlugin, startCniBed, type CniBed, type PluginRun } from './cni-harness.ts';

const NODE_IP = '203.0.113.2';
const SERVICE_CIDR = '203.0.113.128/25';
const SCC = 'default';

let bed: CniBed;
let confDir: string;
let pools: { eth0: string; net1: string; v6: string };

async function putCoordinator(spec: Record<string, unknown>): Promise<void> {
  const k = await kube();
  await k.request('DELETE', k.path(Resources.coordinators, undefined, SCC)).catch(() => undefined);
  await k.create(Resources.coordinators, { apiVersion: 'spiderpool.spidernet.io/v2beta1', kind: 'SpiderCoordinator', metadata: { name: SCC }, spec: { podCIDRType: 'none', ...spec } } as KubeObject);
  const current = await k.get<KubeObject>(Resources.coordinators, SCC);
  await k.request('PUT', `${k.path(Resources.coordinators, undefined, SCC)}/status`, { ...current, status: { phase: 'Synced', serviceCIDR: [SERVICE_CIDR], overlayPodCIDR: [] } });
}

function conflist(name: string, pool: string, extra: Record<string, unknown> = {}, v6Pool?: string): void {
  writeFileSync(join(confDir, `${name}.conflist`), JSON.stringify({
    cniVersion: '1.0.0',
    name,
    plugins: [
      { type: 'macvlan', master: bed.simNode.uplink, mode: 'bridge', ipam: { type: 'spiderpool', ipam_unix_socket_path: bed.socketPath, default_ipv4_ippool: [pool], ...(v6Pool ? { default_ipv6_ippool: [v6Pool] } : {}) } },
      { type: 'coordinator', ipam_unix_socket_path: bed.socketPath, ...extra },
    ],
  }));
}

beforeAll(async () => {
  await putCoordinator({ podMACPrefix: '0a:1b', hostRuleTable: 500, txQueueLen: 2000 });
  bed = await startCniBed();
  // The node's own address sits on the macvlan master: unreachable for macvlan children.
  bed.simNode.ip('addr', 'add', `${NODE_IP}/25`, 'dev', bed.simNode.uplink);
  bed.simNode.ip('-6', 'addr', 'add', '2001:db8:2::2/64', 'dev', bed.simNode.uplink, 'nodad');
  pools = {
    eth0: await createPool({ subnet: '192.0.2.0/24', ips: ['192.0.2.170-192.0.2.179'], gateway: '192.0.2.1' }),
    net1: await createPool({ subnet: '198.51.100.0/24', ips: ['198.51.100.170-198.51.100.179'], gateway: '198.51.100.1', routes: [{ dst: '203.0.113.64/26', gw: '198.51.100.254' }] }),
    v6: await createPool({ subnet: '2001:db8:e::/64', ips: ['2001:db8:e::170-2001:db8:e::179'], gateway: '2001:db8:e::1' }),
  };
  confDir = join(bed.dir, 'coord.d');
  mkdirSync(confDir);
  conflist('eth0net', pools.eth0, {}, pools.v6);
});

afterAll(async () => {
  await bed?.stop();
  const k = await kube();
  await k.request('DELETE', k.path(Resources.coordinators, undefined, SCC)).catch(() => undefined);
});

function cnitool(verb: string, net: string, ifName: string, netnsPath: string, pod: PodObject): { status: number | null; stdout: string; stderr: string } {
  return bed.simNode.exec(testbed().cnitool, [verb, net, netnsPath], {
    env: {
      ...bed.pluginEnv,
      NETCONFPATH: confDir,
      CNI_PATH: bed.cniPath,
      CNI_IFNAME: ifName,
      CNI_ARGS: `IgnoreUnknown=1;K8S_POD_NAMESPACE=${pod.metadata.namespace};K8S_POD_NAME=${pod.metadata.name};K8S_POD_UID=${pod.metadata.uid}`,
    },
    input: '',
  });
}

type Run = PluginRun;

function runPluginIn(type: string, command: string, ifName: string, netnsPath: string, pod: PodObject, conf: object): Run {
  return runPlugin(bed, type, { command, pod, netnsPath, ifName }, { cniVersion: '1.0.0', name: `net-${ifName}`, ...conf });
}

const macvlanConf = (pool: string): object => ({ type: 'macvlan', master: bed.simNode.uplink, mode: 'bridge', ipam: { type: 'spiderpool', ipam_unix_socket_path: bed.socketPath, default_ipv4_ippool: [pool] } });
const coordinatorConf = (extra: object = {}): object => ({ type: 'coordinator', ipam_unix_socket_path: bed.socketPath, ...extra });

/** macvlan then coordinator with macvlan's result as prevResult: the chain libcni runs. */
function chainAdd(ifName: string, netnsPath: string, pod: PodObject, pool: string, coordinator: object = {}): { main: Run; coordinator: Run } {
  const main = runPluginIn('macvlan', 'ADD', ifName, netnsPath, pod, macvlanConf(pool));
  if (main.status !== 0) return { main, coordinator: main };
  return { main, coordinator: runPluginIn('coordinator', 'ADD', ifName, netnsPath, pod, { ...coordinatorConf(coordinator), prevResult: JSON.parse(main.stdout) as object }) };
}

/** DEL runs the chain in reverse order. */
function chainDel(ifName: string, netnsPath: string, pod: PodObject, pool: string): Run[] {
  return [runPluginIn('coordinator', 'DEL', ifName, netnsPath, pod, coordinatorConf()), runPluginIn('macvlan', 'DEL', ifName, netnsPath, pod, macvlanConf(pool))];
}

const ok = (r: { status: number | null; stdout: string; stderr: string }): object => ({ status: r.status, stderr: r.stderr, error: r.status === 0 ? '' : r.stdout });

describe('coordinator: underlay pod with two NICs', () => {
  it('eth0: veth0 to the node, node and service routes, MAC prefix, txqueuelen; the pod reaches its node', async () => {
    const pod = await createPod({ namespace: bed.namespace, node: bed.node });
    const sandbox = createPodNetns(uniqueName('spc').slice(0, 15));
    try {
      expect(ok(cnitool('add', 'eth0net', 'eth0', sandbox.path, pod))).toEqual({ status: 0, stderr: '', error: '' });
      const links = sandbox.ip('-d', 'link', 'show');
      expect(links).toMatch(/veth0@if\d+:/);
      // MAC = prefix 0a:1b + the IPv4 address 192.0.2.170 (c0:00:02:aa).
      expect(sandbox.ip('link', 'show', 'eth0')).toContain('link/ether 0a:1b:c0:00:02:aa');
      expect(sandbox.ip('link', 'show', 'eth0')).toContain('qlen 2000');
      const routes = sandbox.ip('-4', 'route', 'show');
      expect(routes).toContain(`${NODE_IP} dev veth0 scope link`);
      expect(routes).toContain(`${SERVICE_CIDR} via ${NODE_IP} dev veth0 onlink`);
      expect(routes).toContain('default via 192.0.2.1 dev eth0');
      expect(sandbox.ip('-6', 'route', 'show')).toContain('2001:db8:2::2 via fe80::1 dev veth0');
      // On the node: the pod's addresses in table 500, selected for everything at priority 1000.
      expect(bed.simNode.ip('-4', 'rule', 'show')).toMatch(/1000:\s+from all lookup 500/);
      expect(bed.simNode.ip('-6', 'rule', 'show')).toMatch(/1000:\s+from all lookup 500/);
      expect(bed.simNode.ip('-4', 'route', 'show', 'table', '500')).toMatch(/192\.0\.2\.170 dev veth\w+/);
      expect(bed.simNode.ip('-6', 'route', 'show', 'table', '500')).toMatch(/2001:db8:e::170 via fe80::2 dev veth\w+/);
      const ping = spawnSync('ip', ['netns', 'exec', sandbox.name, 'ping', '-c', '3', '-i', '0.2', '-W', '2', NODE_IP], { encoding: 'utf8' });
      expect({ status: ping.status, out: ping.stdout + ping.stderr }).toMatchObject({ status: 0 });

      // The whole chain is idempotent on the coordinator's side: a repeated CHECK passes.
      expect(ok(cnitool('check', 'eth0net', 'eth0', sandbox.path, pod))).toEqual({ status: 0, stderr: '', error: '' });

      await deletePod(bed.namespace, pod.metadata.name);
      expect(ok(cnitool('del', 'eth0net', 'eth0', sandbox.path, pod))).toEqual({ status: 0, stderr: '', error: '' });
      expect(bed.simNode.ip('-4', 'route', 'show', 'table', '500')).not.toContain('192.0.2.170');
      expect(bed.simNode.ip('link', 'show')).not.toMatch(/veth[0-9a-f]{11}/);
      expect((await poolRecords(pools.eth0)).records.size).toBe(0);
    } finally {
      sandbox.remove();
    }
  });

  it('net1: its own policy table with its default route; eth0 keeps the main default route', async () => {
    const pod = await createPod({ namespace: bed.namespace, node: bed.node });
    const sandbox = createPodNetns(uniqueName('spc').slice(0, 15));
    try {
      expect(ok(chainAdd('eth0', sandbox.path, pod, pools.eth0).coordinator)).toEqual({ status: 0, stderr: '', error: '' });
      const net1 = chainAdd('net1', sandbox.path, pod, pools.net1);
      expect(ok(net1.coordinator)).toEqual({ status: 0, stderr: '', error: '' });
      // Before the coordinator ran, the main plugin had put net1's default route into main.
      expect(JSON.parse(net1.main.stdout)).toMatchObject({ routes: expect.arrayContaining([{ dst: '0.0.0.0/0', gw: '198.51.100.1' }]) });
      expect(sandbox.ip('-4', 'rule', 'show')).toMatch(/from 198\.51\.100\.170 lookup 101/);
      const table = sandbox.ip('-4', 'route', 'show', 'table', '101');
      expect(table).toContain('default via 198.51.100.1 dev net1');
      expect(table).toContain('198.51.100.0/24 dev net1 scope link src 198.51.100.170');
      expect(table).toContain('203.0.113.64/26 via 198.51.100.254 dev net1');
      expect(table).toContain(`${NODE_IP} dev veth0 scope link`);
      const main = sandbox.ip('-4', 'route', 'show');
      expect(main.split('\n').filter((l) => l.startsWith('default'))).toEqual(['default via 192.0.2.1 dev eth0 ']);
      expect(sandbox.ip('link', 'show', 'net1')).toContain('link/ether 0a:1b:c6:33:64:aa');
      expect(bed.simNode.ip('-4', 'route', 'show', 'table', '500')).toMatch(/198\.51\.100\.170 dev veth\w+/);
      // The node reaches net1's address through veth0 and the reply leaves by table 101's node route.
      const ping = spawnSync('ip', ['netns', 'exec', bed.simNode.name, 'ping', '-c', '3', '-i', '0.2', '-W', '2', '198.51.100.170'], { encoding: 'utf8' });
      expect({ status: ping.status, out: ping.stdout + ping.stderr }).toMatchObject({ status: 0 });

      // A second coordinator ADD over the same state succeeds, passes the result through and
      // changes nothing; CHECK agrees. The link-local address the kernel derives from net1's new
      // MAC gets its local route only once its DAD is over: compare after that, not during it.
      await eventually('IPv6 DAD to finish in the pod namespace', async () => (sandbox.ip('-6', 'addr', 'show', 'tentative').trim() === '' ? true : undefined), 10_000, 100);
      const before = [sandbox.ip('rule', 'show'), sandbox.ip('route', 'show', 'table', 'all'), sandbox.ip('-br', 'link')];
      const again = runPluginIn('coordinator', 'ADD', 'net1', sandbox.path, pod, { ...coordinatorConf(), prevResult: JSON.parse(net1.coordinator.stdout) as object });
      expect(ok(again)).toEqual({ status: 0, stderr: '', error: '' });
      expect(JSON.parse(again.stdout)).toEqual(JSON.parse(net1.coordinator.stdout));
      // The result passed on carries the MAC the NIC has now.
      expect(JSON.parse(net1.coordinator.stdout)).toMatchObject({ interfaces: [{ name: 'net1', mac: '0a:1b:c6:33:64:aa' }] });
      expect([sandbox.ip('rule', 'show'), sandbox.ip('route', 'show', 'table', 'all'), sandbox.ip('-br', 'link')]).toEqual(before);
      expect(ok(runPluginIn('coordinator', 'CHECK', 'net1', sandbox.path, pod, { ...coordinatorConf(), prevResult: JSON.parse(net1.coordinator.stdout) as object }))).toEqual({ status: 0, stderr: '', error: '' });

      await deletePod(bed.namespace, pod.metadata.name);
      expect([...chainDel('net1', sandbox.path, pod, pools.net1), ...chainDel('eth0', sandbox.path, pod, pools.eth0)].map((r) => r.status)).toEqual([0, 0, 0, 0]);
      expect((await poolRecords(pools.net1)).records.size).toBe(0);
      expect(bed.simNode.ip('-4', 'route', 'show', 'table', '500')).not.toContain('198.51.100.170');
    } finally {
      sandbox.remove();
    }
  });

  it('podDefaultRouteNic net1: eth0 moves into table 100 and net1 holds the main default route', async () => {
    const pod = await createPod({ namespace: bed.namespace, node: bed.node });
    const sandbox = createPodNetns(uniqueName('spc').slice(0, 15));
    try {
      expect(ok(chainAdd('eth0', sandbox.path, pod, pools.eth0).coordinator)).toEqual({ status: 0, stderr: '', error: '' });
      expect(ok(chainAdd('net1', sandbox.path, pod, pools.net1, { podDefaultRouteNic: 'net1' }).coordinator)).toEqual({ status: 0, stderr: '', error: '' });
      expect(sandbox.ip('-4', 'rule', 'show')).toMatch(/from 192\.0\.2\.17\d lookup 100/);
      expect(sandbox.ip('-4', 'route', 'show', 'table', '100')).toContain('default via 192.0.2.1 dev eth0');
      const defaults = sandbox.ip('-4', 'route', 'show').split('\n').filter((l) => l.startsWith('default'));
      expect(defaults).toEqual(['default via 198.51.100.1 dev net1 ']);
      await deletePod(bed.namespace, pod.metadata.name);
      chainDel('net1', sandbox.path, pod, pools.net1);
      chainDel('eth0', sandbox.path, pod, pools.eth0);
    } finally {
      sandbox.remove();
    }
  });
});
