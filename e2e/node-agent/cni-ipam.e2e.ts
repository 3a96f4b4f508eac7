// SPDX-License-Identifier: Apache-2.0
// The `spiderpool` IPAM plugin through node-agent's CNI API (what the shim forwards), against
// real ipam-service and kube-apiserver: every CNI verb, result shapes per spec version, and
// CNI error codes for bad input.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { request } from 'node:http';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ManagedProcess } from '../testbed/index.ts';
import {
  createNamespace, createNode, createPod, createPool, deletePod, poolRecords, startIpamServices, startNodeAgent, stopIpamServices, type IpamProcess, type PodObject,
} from '../ipam/ipam-harness.ts';

const dir = mkdtempSync(join(tmpdir(), 'node-agent-'));
const socketPath = join(dir, 'spiderpool.sock');
let ipam: IpamProcess[];
let agent: ManagedProcess;
let ns: string;
let node: string;

beforeAll(async () => {
  ipam = await startIpamServices(1);
  [ns, node] = await Promise.all([createNamespace(), createNode()]);
  mkdirSync(join(dir, 'image'));
  writeFileSync(join(dir, 'image', 'spiderpool'), 'the plugin executable');
  writeFileSync(join(dir, 'image', '10-underlay.conflist'), '{"cniVersion":"1.0.0","name":"underlay","plugins":[]}');
  agent = await startNodeAgent({
    node,
    ipamAddress: ipam[0]?.address ?? '',
    socketPath,
    logDir: dir,
    env: {
      SPIDERPOOL_CNI_INSTALL: 'true',
      SPIDERPOOL_CNI_SOURCE_DIR: join(dir, 'image'),
      SPIDERPOOL_CNI_BIN_DIR: join(dir, 'opt-cni-bin'),
      SPIDERPOOL_CNI_CONF_DIR: join(dir, 'etc-cni-net.d'),
      SPIDERPOOL_CNI_CONF_FILE: join(dir, 'image', '10-underlay.conflist'),
    },
  });
});

afterAll(async () => {
  await agent.stop();
  await stopIpamServices(ipam);
  rmSync(dir, { recursive: true, force: true });
});

/** What the shim does: POST {plugin, command, env, stdin} to the agent's socket. */
function cni(command: string, env: Record<string, string>, conf: unknown): Promise<{ exitCode: number; stdout: string }> {
  const body = JSON.stringify({ plugin: 'spiderpool', command, env: { CNI_COMMAND: command, ...env }, stdin: typeof conf === 'string' ? conf : JSON.stringify(conf) });
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path: '/v1/cni', method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve(JSON.parse(text) as { exitCode: number; stdout: string }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const netconf = (cniVersion: string, ipamExtra: Record<string, unknown> = {}) => ({ cniVersion, name: 'macvlan-underlay', type: 'macvlan', ipam: { type: 'spiderpool', ...ipamExtra } });
const envOf = (pod: PodObject, ifName = 'eth0') => ({
  CNI_CONTAINERID: `ctr-${pod.metadata.uid.slice(0, 12)}`,
  CNI_IFNAME: ifName,
  CNI_NETNS: '/var/run/netns/none',
  CNI_ARGS: `IgnoreUnknown=1;K8S_POD_NAMESPACE=${pod.metadata.namespace};K8S_POD_NAME=${pod.metadata.name};K8S_POD_INFRA_CONTAINER_ID=x;K8S_POD_UID=${pod.metadata.uid}`,
});

describe('CNI installation', () => {
  it('installs the executable under all three plugin names and the CNI config, with no temporary files left', () => {
    const bin = join(dir, 'opt-cni-bin');
    expect(readdirSync(bin).sort()).toEqual(['coordinator', 'ifacer', 'spiderpool']);
    expect(statSync(join(bin, 'spiderpool')).mode & 0o777).toBe(0o755);
    expect(statSync(join(bin, 'ifacer')).ino).toBe(statSync(join(bin, 'spiderpool')).ino);
    expect(readFileSync(join(dir, 'etc-cni-net.d', '10-underlay.conflist'), 'utf8')).toContain('"name":"underlay"');
  });
});

describe('spiderpool IPAM plugin through node-agent', () => {
  it('ADD returns a CNI 1.0.0 result for this NIC, repeated ADD the same, CHECK passes, DEL releases, DEL again succeeds', async () => {
    const pool = await createPool({ subnet: '192.0.2.0/24', ips: ['192.0.2.200-192.0.2.209'], gateway: '192.0.2.1' });
    const pod = await createPod({ namespace: ns, node });
    const conf = netconf('1.0.0', { default_ipv4_ippool: [pool] });
    const add = await cni('ADD', envOf(pod), conf);
    expect(add.exitCode).toBe(0);
    const result = JSON.parse(add.stdout) as { cniVersion: string; ips: Array<Record<string, string>>; routes: Array<Record<string, string>> };
    expect(result).toMatchObject({ cniVersion: '1.0.0', ips: [{ address: '192.0.2.200/24', gateway: '192.0.2.1' }], routes: [{ dst: '0.0.0.0/0', gw: '192.0.2.1' }] });
    expect(result.ips[0]).not.toHaveProperty('version');
    expect(JSON.parse((await cni('ADD', envOf(pod), conf)).stdout)).toEqual(result);
    expect(await cni('CHECK', envOf(pod), conf)).toEqual({ exitCode: 0, stdout: '' });
    await deletePod(ns, pod.metadata.name);
    expect(await cni('DEL', envOf(pod), conf)).toEqual({ exitCode: 0, stdout: '' });
    expect((await poolRecords(pool)).records.size).toBe(0);
    expect(await cni('DEL', envOf(pod), conf)).toEqual({ exitCode: 0, stdout: '' });
  });

  it('answers in the 0.3.1 result shape (IP versions as strings) when asked for 0.3.1', async () => {
    const pool = await createPool({ subnet: '2001:db8:c::/64', ips: ['2001:db8:c::10'] });
    const pod = await createPod({ namespace: ns, node });
    const add = await cni('ADD', envOf(pod), netconf('0.3.1', { default_ipv6_ippool: [pool], clean_gateway: true }));
    expect(JSON.parse(add.stdout)).toMatchObject({ cniVersion: '0.3.1', ips: [{ version: '6', address: '2001:db8:c::10/64' }] });
  });

  it('STATUS succeeds while ipam-service can serve; VERSION lists the supported versions', async () => {
    expect(await cni('STATUS', {}, netconf('1.1.0'))).toEqual({ exitCode: 0, stdout: '' });
    const version = JSON.parse((await cni('VERSION', {}, netconf('1.1.0'))).stdout) as { supportedVersions: string[] };
    expect(version.supportedVersions).toEqual(['0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0']);
  });

  it('GC releases the attachments of this node that are not listed as valid', async () => {
    const pool = await createPool({ subnet: '198.51.100.0/24', ips: ['198.51.100.210-198.51.100.219'] });
    const [keep, drop] = await Promise.all([createPod({ namespace: ns, node }), createPod({ namespace: ns, node })]);
    const conf = netconf('1.1.0', { default_ipv4_ippool: [pool] });
    await cni('ADD', envOf(keep), conf);
    await cni('ADD', envOf(drop), conf);
    await deletePod(ns, drop.metadata.name);
    const gc = await cni('GC', {}, { ...conf, 'cni.dev/valid-attachments': [{ containerID: envOf(keep).CNI_CONTAINERID, ifname: 'eth0' }] });
    expect(gc).toEqual({ exitCode: 0, stdout: '' });
    const owners = [...(await poolRecords(pool)).records.values()].map((r) => r.podUid);
    expect(owners).toEqual([keep.metadata.uid]);
  });

  it.each([
    ['an unsupported cniVersion', 'ADD', (e: Record<string, string>) => e, netconf('9.9.9'), 1, /cniVersion "9.9.9" is not supported/],
    ['a malformed netconf', 'ADD', (e: Record<string, string>) => e, '{not json', 6, /failed to decode/],
    ['default pools that are not a list', 'ADD', (e: Record<string, string>) => e, netconf('1.0.0', { default_ipv4_ippool: 'p1' }), 7, /ipam\.default_ipv4_ippool must be a list/],
    ['clean_gateway that is not a boolean', 'ADD', (e: Record<string, string>) => e, netconf('1.0.0', { clean_gateway: 'yes' }), 7, /ipam\.clean_gateway must be true or false/],
    ['CNI_ARGS without the pod', 'ADD', (e: Record<string, string>) => ({ ...e, CNI_ARGS: 'IgnoreUnknown=1' }), netconf('1.0.0'), 4, /K8S_POD_NAMESPACE and K8S_POD_NAME/],
    ['a missing CNI_IFNAME', 'ADD', (e: Record<string, string>) => ({ ...e, CNI_IFNAME: '' }), netconf('1.0.0'), 4, /CNI_IFNAME is required/],
    ['an unknown pool', 'ADD', (e: Record<string, string>) => e, netconf('1.0.0', { default_ipv4_ippool: ['no-such-pool'] }), 100, /no IPPool available/],
  ])('rejects %s with its CNI error code and a message naming the rule', async (_why, command, envFn, conf, code, message) => {
    const pod = await createPod({ namespace: ns, node });
    const res = await cni(command, envFn(envOf(pod)), conf);
    expect(res.exitCode).toBe(1);
    const err = JSON.parse(res.stdout) as { code: number; msg: string };
    expect(err.code).toBe(code);
    expect(err.msg).toMatch(message);
  });
});
