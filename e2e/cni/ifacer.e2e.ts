// SPDX-License-Identifier: Apache-2.0
// The `ifacer` plugin end to end: node-agent with SPIDERPOOL_HOST_NETNS pointing at a network
// namespace this test creates (it stands for the node), driven through node-agent's socket and,
// chained before macvlan, through the real CNI executable run by libcni (cnitool). What the
// kernel here supports (VLAN, bond) is exercised for real; what it lacks must be refused with
// code 104 and leave the node as it was. No link outside the test's namespaces is touched.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertNetnsSupport, createPodNetns, createSimulatedNode, REPO_ROOT, testbed, uniqueName, type ManagedProcess, type SimulatedNode } from '../testbed/index.ts';
import { createNamespace, createNode, createPod, createPool, deletePod, startIpamServices, startNodeAgent, stopIpamServices, type IpamProcess } from '../ipam/ipam-harness.ts';

/** The fields of `ip -json -details link show` these tests look at. */
interface Link {
  ifname: string;
  ifindex: number;
  flags: string[];
  address?: string;
  link?: string;
  master?: string;
  linkinfo?: { info_kind?: string; info_data?: { id?: number; mode?: string } };
}

interface ShimAnswer {
  exitCode: number;
  stdout: string;
}

const dir = mkdtempSync(join(tmpdir(), 'ifacer-'));
const socketPath = join(dir, 'spiderpool.sock');
const cniPath = join(dir, 'bin');
let ipam: IpamProcess[] = [];
let agent: ManagedProcess | undefined;
let host: SimulatedNode | undefined;
let ns: string;
let node: string;
const kernel = { vlan: false, bond: false };

/** Whether this kernel can make a link type, tried in a namespace made for the probe. */
function kernelSupports(kind: 'vlan' | 'bond'): boolean {
  const probe = createPodNetns(uniqueName('ifp').slice(0, 15));
  try {
    probe.ip('link', 'add', 'p0', 'type', 'veth', 'peer', 'name', 'p1');
    const args = kind === 'vlan' ? ['link', 'add', 'link', 'p0', 'name', 'p0.5', 'type', 'vlan', 'id', '5'] : ['link', 'add', 'b0', 'type', 'bond'];
    return spawnSync('ip', ['-n', probe.name, ...args], { stdio: 'ignore' }).status === 0;
  } finally {
    probe.remove();
  }
}

beforeAll(async () => {
  assertNetnsSupport();
  mkdirSync(cniPath);
  execFileSync(process.execPath, [join(REPO_ROOT, 'scripts', 'build-cni-executable.ts'), '--out', cniPath], { cwd: REPO_ROOT, stdio: 'pipe' });
  symlinkSync(join(testbed().cniPluginsDir, 'macvlan'), join(cniPath, 'macvlan'));
  ipam = await startIpamServices(1);
  [ns, node] = await Promise.all([createNamespace(), createNode()]);
  host = createSimulatedNode(uniqueName('ifh').slice(0, 15));
  agent = await startNodeAgent({ node, ipamAddress: ipam[0]?.address ?? '', socketPath, logDir: dir, env: { SPIDERPOOL_HOST_NETNS: `/var/run/netns/${host.name}` } });
  kernel.vlan = kernelSupports('vlan');
  kernel.bond = kernelSupports('bond');
}, 300_000);

afterAll(async () => {
  host?.remove();
  await agent?.stop();
  await stopIpamServices(ipam);
  rmSync(dir, { recursive: true, force: true });
});

const hostName = (): string => {
  if (!host) throw new Error('the host namespace was not created');
  return host.name;
};
const hostIp = (...args: string[]): string => execFileSync('ip', ['-n', hostName(), ...args], { encoding: 'utf8' });
const links = (): Link[] => JSON.parse(hostIp('-json', '-details', 'link', 'show')) as Link[];
const linkOf = (name: string): Link | undefined => links().find((l) => l.ifname === name);
/** Everything ifacer could change: names, flags, masters, kinds. */
const snapshot = (): string => JSON.stringify(links().map((l) => [l.ifname, l.flags, l.master, l.linkinfo?.info_kind]));

/** A veth pair in the host namespace, standing in for NICs; down unless asked otherwise. */
function nics(a: string, b: string, up = false): void {
  hostIp('link', 'add', a, 'type', 'veth', 'peer', 'name', b);
  if (up) for (const n of [a, b]) hostIp('link', 'set', n, 'up');
}

/** What the shim does: POST {plugin, command, env, stdin} to node-agent's socket. */
function ifacer(command: string, conf: unknown): Promise<ShimAnswer> {
  const body = JSON.stringify({ plugin: 'ifacer', command, env: { CNI_COMMAND: command, CNI_CONTAINERID: 'c1', CNI_IFNAME: 'eth0', CNI_NETNS: '/var/run/netns/none' }, stdin: typeof conf === 'string' ? conf : JSON.stringify(conf) });
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path: '/v1/cni', method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve(JSON.parse(text) as ShimAnswer));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const netconf = (extra: Record<string, unknown>, cniVersion = '1.0.0') => ({ cniVersion, name: 'underlay', type: 'ifacer', ...extra });
function errorOf(r: ShimAnswer): { code: number; msg: string } {
  expect(r.exitCode).toBe(1);
  return JSON.parse(r.stdout) as { code: number; msg: string };
}

describe('ifacer through node-agent, in the namespace that stands for the node', () => {
  it('a single interface: ADD raises it and reports it with its MAC, ADD again is the same, CHECK passes, DEL deletes nothing', async () => {
    nics('s1', 's1p');
    const conf = netconf({ interfaces: ['s1'] });
    const add = await ifacer('ADD', conf);
    expect(add.exitCode).toBe(0);
    const s1 = linkOf('s1');
    expect(s1?.flags).toContain('UP');
    expect(JSON.parse(add.stdout)).toEqual({ cniVersion: '1.0.0', interfaces: [{ name: 's1', mac: s1?.address }], ips: [], dns: {} });
    expect(await ifacer('ADD', conf)).toEqual(add);
    expect(await ifacer('CHECK', conf)).toEqual({ exitCode: 0, stdout: '' });

    hostIp('link', 'set', 's1', 'down');
    expect(errorOf(await ifacer('CHECK', conf))).toMatchObject({ code: 999, msg: expect.stringContaining('interface "s1" is down') });
    expect(await ifacer('DEL', conf)).toEqual({ exitCode: 0, stdout: '' });
    expect(linkOf('s1')?.ifindex).toBe(s1?.ifindex);
  });

  it('VLAN: created on the parent and reused where the kernel has 8021q; otherwise code 104 and nothing changed', async () => {
    nics('v1', 'v1p');
    const conf = netconf({ interfaces: ['v1'], vlanID: 100 });
    if (!kernel.vlan) {
      const before = snapshot();
      expect(errorOf(await ifacer('ADD', conf))).toEqual({ cniVersion: '1.0.0', code: 104, msg: 'the kernel does not support vlan links (module 8021q not loaded)' });
      expect(snapshot()).toBe(before);
      expect(linkOf('v1')?.flags).not.toContain('UP');
      expect(errorOf(await ifacer('CHECK', conf)).msg).toContain('VLAN 100 interface "v1.100" on "v1" is missing');
      return;
    }
    const add = await ifacer('ADD', conf);
    expect(add.exitCode).toBe(0);
    const vlan = linkOf('v1.100');
    expect(vlan).toMatchObject({ link: 'v1', linkinfo: { info_kind: 'vlan', info_data: { id: 100 } } });
    expect(vlan?.flags).toContain('UP');
    expect(linkOf('v1')?.flags).toContain('UP');
    expect(JSON.parse(add.stdout)).toEqual({ cniVersion: '1.0.0', interfaces: [{ name: 'v1.100', mac: vlan?.address }], ips: [], dns: {} });
    expect(await ifacer('ADD', conf)).toEqual(add);
    expect(linkOf('v1.100')?.ifindex).toBe(vlan?.ifindex);
    expect(await ifacer('CHECK', conf)).toEqual({ exitCode: 0, stdout: '' });
    expect(await ifacer('DEL', conf)).toEqual({ exitCode: 0, stdout: '' });
    expect(linkOf('v1.100')?.ifindex).toBe(vlan?.ifindex);
  });

  it('VLAN: refuses a second VLAN of the same ID on the same parent, naming both (where the kernel has 8021q)', async () => {
    nics('v2', 'v2p');
    const conf = netconf({ interfaces: ['v2'], vlanID: 300 });
    if (!kernel.vlan) {
      expect(errorOf(await ifacer('ADD', conf)).code).toBe(104);
      expect(linkOf('v2.300')).toBeUndefined();
      return;
    }
    hostIp('link', 'add', 'link', 'v2', 'name', 'uplink300', 'type', 'vlan', 'id', '300');
    const before = snapshot();
    expect(errorOf(await ifacer('ADD', conf))).toMatchObject({ code: 7, msg: 'cannot prepare the node\'s interfaces: conflicting VLAN IDs: "uplink300" already uses VLAN 300 on "v2", so "v2.300" cannot be created' });
    expect(snapshot()).toBe(before);
  });

  it('bond: created with its mode, slaves enslaved, reused, where the kernel has bonding; otherwise code 104 and nothing changed', async () => {
    nics('b1', 'b1p', true);
    nics('b2', 'b2p', true);
    const conf = netconf({ interfaces: ['b1', 'b2'], bond: { name: 'spb1', mode: 1, options: 'miimon=100;primary=b1' } }, '0.4.0');
    if (!kernel.bond) {
      const before = snapshot();
      expect(errorOf(await ifacer('ADD', conf))).toEqual({ cniVersion: '0.4.0', code: 104, msg: 'the kernel does not support bond links (module bonding not loaded)' });
      expect(snapshot()).toBe(before);
      expect(linkOf('spb1')).toBeUndefined();
      return;
    }
    const add = await ifacer('ADD', conf);
    expect(add.exitCode).toBe(0);
    const bond = linkOf('spb1');
    expect(bond).toMatchObject({ linkinfo: { info_kind: 'bond', info_data: { mode: 'active-backup' } } });
    expect(bond?.flags).toContain('UP');
    expect([linkOf('b1')?.master, linkOf('b2')?.master]).toEqual(['spb1', 'spb1']);
    expect(JSON.parse(add.stdout)).toMatchObject({ cniVersion: '0.4.0', interfaces: [{ name: 'spb1' }], ips: [] });
    expect(await ifacer('ADD', conf)).toEqual(add);
    expect(linkOf('spb1')?.ifindex).toBe(bond?.ifindex);
    expect(await ifacer('CHECK', conf)).toEqual({ exitCode: 0, stdout: '' });
  });

  it('refuses links of the names it would create that are something else, and interfaces the node lacks, changing nothing (any kernel)', async () => {
    nics('c1', 'c1.100');
    nics('cb0', 'cb0p');
    nics('c2', 'c2p');
    nics('c3', 'c3p');
    const before = snapshot();
    expect(errorOf(await ifacer('ADD', netconf({ interfaces: ['c1'], vlanID: 100 })))).toMatchObject({ code: 7, msg: 'cannot prepare the node\'s interfaces: "c1.100" exists but is a veth link, not a VLAN' });
    expect(errorOf(await ifacer('ADD', netconf({ interfaces: ['c2', 'c3'], bond: { name: 'cb0' } })))).toMatchObject({ code: 7, msg: 'cannot prepare the node\'s interfaces: "cb0" exists but is a veth link, not a bond' });
    expect(errorOf(await ifacer('ADD', netconf({ interfaces: ['nope0'] })))).toMatchObject({ code: 7, msg: expect.stringContaining('interface "nope0" (interfaces[0]) does not exist on the node') });
    expect(snapshot()).toBe(before);
  });

  it.each([
    ['a vlanID out of range', netconf({ interfaces: ['up0'], vlanID: 4095 }), 7, /invalid network config: vlanID must be an integer 0–4094/],
    ['no interfaces', netconf({ interfaces: [] }), 7, /invalid network config: interfaces must be a list of one or more interface names/],
    ['a bond mode out of range', netconf({ interfaces: ['up0', 'up1'], bond: { mode: 9 } }), 7, /invalid network config: bond\.mode must be an integer 0–6/],
    ['an unknown bond option', netconf({ interfaces: ['up0', 'up1'], bond: { options: 'miimon=100;colour=red' } }), 7, /invalid network config: bond\.options entry "colour=red" names an unknown bond option/],
    ['an unsupported cniVersion', netconf({ interfaces: ['up0'] }, '9.9.9'), 1, /cniVersion "9\.9\.9" is not supported/],
    ['an undecodable netconf', '{not json', 6, /failed to decode the network config/],
  ])('refuses %s with its code and a message naming the field, changing nothing', async (_why, conf, code, msg) => {
    const before = snapshot();
    const err = errorOf(await ifacer('ADD', conf));
    expect(err.code).toBe(code);
    expect(err.msg).toMatch(msg);
    expect(snapshot()).toBe(before);
  });

  it('answers VERSION with the supported versions, STATUS and GC with exit 0 and no output', async () => {
    const version = JSON.parse((await ifacer('VERSION', netconf({}, '1.1.0'))).stdout) as { supportedVersions: string[] };
    expect(version.supportedVersions).toEqual(['0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0']);
    expect(await ifacer('STATUS', netconf({}, '1.1.0'))).toEqual({ exitCode: 0, stdout: '' });
    expect(await ifacer('GC', netconf({ 'cni.dev/valid-attachments': [] }, '1.1.0'))).toEqual({ exitCode: 0, stdout: '' });
  });
});

describe('ifacer chained before macvlan, through the real executable (cnitool)', () => {
  it('raises the uplink for macvlan, which then gives the pod its address; DEL leaves the uplink', async () => {
    const pool = await createPool({ subnet: '192.0.2.0/24', ips: ['192.0.2.180-192.0.2.189'], gateway: '192.0.2.1' });
    const pod = await createPod({ namespace: ns, node });
    const confDir = join(dir, 'net.d');
    mkdirSync(confDir, { recursive: true });
    writeFileSync(join(confDir, '10-chain.conflist'), JSON.stringify({
      cniVersion: '1.1.0',
      name: 'chain',
      plugins: [
        { type: 'ifacer', interfaces: ['up0'], ipam_unix_socket_path: socketPath },
        { type: 'macvlan', master: 'up0', mode: 'bridge', ipam: { type: 'spiderpool', ipam_unix_socket_path: socketPath, default_ipv4_ippool: [pool] } },
      ],
    }));
    hostIp('link', 'set', 'up0', 'down');
    const sandbox = createPodNetns(uniqueName('ifs').slice(0, 15));
    const cnitool = (verb: string) => host?.exec(testbed().cnitool, [verb, 'chain', sandbox.path], {
      env: { PATH: process.env['PATH'], SPIDERPOOL_CNI_LOG_FILE: join(dir, 'cni-plugins.log'), NETCONFPATH: confDir, CNI_PATH: cniPath, CNI_IFNAME: 'eth0', CNI_ARGS: `IgnoreUnknown=1;K8S_POD_NAMESPACE=${ns};K8S_POD_NAME=${pod.metadata.name};K8S_POD_UID=${pod.metadata.uid}` },
      input: '',
    });
    try {
      const add = cnitool('add');
      expect({ status: add?.status, stderr: add?.stderr }).toEqual({ status: 0, stderr: '' });
      expect(JSON.parse(add?.stdout ?? '{}')).toMatchObject({ cniVersion: '1.1.0', ips: [{ address: '192.0.2.180/24', gateway: '192.0.2.1' }] });
      expect(linkOf('up0')?.flags).toContain('UP');
      expect(sandbox.ip('-4', 'addr', 'show', 'eth0')).toContain('inet 192.0.2.180/24');
      await deletePod(ns, pod.metadata.name);
      expect(cnitool('del')?.status).toBe(0);
      expect(linkOf('up0')?.flags).toContain('UP');
    } finally {
      sandbox.remove();
    }
  });
});
