// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { createLogger } from '@spiderpool/observability';
import type { HostLink } from './host-link.ts';
import { createIfacerPlugin } from './ifacer-plugin.ts';
import { FakeHostNetlink } from './fake-host-netlink.ts';
import type { LinkKind } from './plan-steps.ts';

const HOST = '/var/run/netns/node-1';
const logger = createLogger({ service: 'test', level: 'silent' });
const nic = (ifname: string, up: boolean, address: string): HostLink => ({ ifname, flags: ['BROADCAST', 'MULTICAST', ...(up ? ['UP'] : [])], address });

function bed(unsupported: LinkKind[] = []) {
  const netlink = new FakeHostNetlink([nic('lo', true, '00:00:00:00:00:00'), nic('eth1', false, '02:aa:00:00:00:01'), nic('eth2', true, '02:aa:00:00:00:02')], unsupported);
  const plugin = createIfacerPlugin({ netlink, hostNetns: HOST, logger });
  const call = (command: string, conf: unknown) => plugin(command, { CNI_COMMAND: command }, typeof conf === 'string' ? conf : JSON.stringify(conf));
  return { netlink, call };
}

const netconf = (extra: Record<string, unknown>, cniVersion = '1.0.0') => ({ cniVersion, name: 'underlay', type: 'ifacer', ...extra });
const errorOf = (r: { exitCode: number; stdout: string }): { code: number; msg: string } => {
  expect(r.exitCode).toBe(1);
  return JSON.parse(r.stdout) as { code: number; msg: string };
};

describe('ifacer ADD / CHECK / DEL', () => {
  it('creates the VLAN in the host namespace, reports it as a host interface, and reuses it on the next ADD', async () => {
    const { netlink, call } = bed();
    const conf = netconf({ interfaces: ['eth1'], vlanID: 100 });
    const add = await call('ADD', conf);
    expect(add.exitCode).toBe(0);
    const vlan = netlink.links.get('eth1.100');
    expect(vlan).toMatchObject({ link: 'eth1', linkinfo: { info_kind: 'vlan', info_data: { id: 100 } } });
    expect(vlan?.flags).toContain('UP');
    expect(netlink.links.get('eth1')?.flags).toContain('UP');
    expect(JSON.parse(add.stdout)).toEqual({ cniVersion: '1.0.0', interfaces: [{ name: 'eth1.100', mac: vlan?.address }], ips: [], dns: {} });

    const again = await call('ADD', conf);
    expect(again).toEqual(add);
    expect(netlink.batches).toHaveLength(1);
    expect(netlink.calls.filter((c) => c.method !== 'exec').every((c) => c.netns === HOST)).toBe(true);
  });

  it('CHECK fails naming what is missing or down, passes after ADD; DEL deletes nothing', async () => {
    const { netlink, call } = bed();
    const conf = netconf({ interfaces: ['eth1'], vlanID: 100 }, '0.4.0');
    const before = errorOf(await call('CHECK', conf));
    expect(before.code).toBe(999);
    expect(before.msg).toMatch(/VLAN 100 interface "eth1\.100" on "eth1" is missing; VLAN parent "eth1" is down/);
    await call('ADD', conf);
    expect(await call('CHECK', conf)).toEqual({ exitCode: 0, stdout: '' });
    expect(await call('DEL', conf)).toEqual({ exitCode: 0, stdout: '' });
    expect(netlink.links.has('eth1.100')).toBe(true);
    expect(netlink.batches).toHaveLength(1);
  });

  it('CHECK is refused for 0.3.x, where the verb does not exist', async () => {
    expect(errorOf(await bed().call('CHECK', netconf({ interfaces: ['eth2'] }, '0.3.1')))).toMatchObject({ code: 1, msg: expect.stringMatching(/CHECK is not defined for cniVersion 0\.3\.1/) });
  });

  it('bonds the interfaces with each slave down before it is enslaved (the fake refuses up slaves)', async () => {
    const { netlink, call } = bed();
    const add = await call('ADD', netconf({ interfaces: ['eth1', 'eth2'], bond: { mode: 1, options: 'miimon=100;primary=eth2' } }, '0.3.1'));
    expect(add.exitCode).toBe(0);
    expect(JSON.parse(add.stdout)).toMatchObject({ cniVersion: '0.3.1', interfaces: [{ name: 'sp_bond0' }], ips: [] });
    expect(netlink.links.get('sp_bond0')).toMatchObject({ linkinfo: { info_kind: 'bond', info_data: { mode: 'active-backup' } } });
    expect([netlink.links.get('eth1')?.master, netlink.links.get('eth2')?.master]).toEqual(['sp_bond0', 'sp_bond0']);
    expect(netlink.batches[0]?.[0]).toBe('link add sp_bond0 type bond mode active-backup miimon 100 primary eth2');
  });

  it('passes prevResult through unchanged but for the version', async () => {
    const prevResult = { cniVersion: '1.1.0', interfaces: [{ name: 'eth0', sandbox: '/var/run/netns/p' }], ips: [{ address: '192.0.2.5/24', interface: 0 }] };
    const add = await bed().call('ADD', netconf({ interfaces: ['eth2'], prevResult }, '1.1.0'));
    expect(JSON.parse(add.stdout)).toEqual(prevResult);
  });

  it('serialises concurrent ADDs: the second sees the first one\'s VLAN instead of colliding with it', async () => {
    const { netlink, call } = bed();
    const conf = netconf({ interfaces: ['eth1'], vlanID: 7 });
    const [a, b] = await Promise.all([call('ADD', conf), call('ADD', conf)]);
    expect(a.exitCode).toBe(0);
    expect(b).toEqual(a);
    expect(netlink.batches).toHaveLength(1);
  });
});

describe('ifacer refusals change nothing', () => {
  it('says the kernel lacks VLAN links (code 104) before touching any link', async () => {
    const { netlink, call } = bed(['vlan']);
    const err = errorOf(await call('ADD', netconf({ interfaces: ['eth1'], vlanID: 100 })));
    expect(err).toEqual({ cniVersion: '1.0.0', code: 104, msg: 'the kernel does not support vlan links (module 8021q not loaded)' });
    expect(netlink.batches).toHaveLength(0);
    expect(netlink.links.get('eth1')?.flags).not.toContain('UP');
  });

  it('says the kernel lacks bond links when the probe cannot run and `ip` reports it, with the slaves untouched', async () => {
    const { netlink, call } = bed(['bond']);
    netlink.probeBroken = 'unshare: unshare failed: Operation not permitted';
    const err = errorOf(await call('ADD', netconf({ interfaces: ['eth1', 'eth2'] })));
    expect(err).toMatchObject({ code: 104, msg: 'the kernel does not support bond links (module bonding not loaded)' });
    expect(netlink.batches).toHaveLength(1);
    expect(netlink.links.get('eth2')?.flags).toContain('UP');
    expect(netlink.links.get('eth2')?.master).toBeUndefined();
  });

  it('refuses conflicting VLAN IDs with code 7 naming both links', async () => {
    const { netlink, call } = bed();
    await call('ADD', netconf({ interfaces: ['eth1'], vlanID: 100 }));
    netlink.links.set('vlan100', { ...(netlink.links.get('eth1.100') as HostLink), ifname: 'vlan100' });
    netlink.links.delete('eth1.100');
    const err = errorOf(await call('ADD', netconf({ interfaces: ['eth1'], vlanID: 100 })));
    expect(err.code).toBe(7);
    expect(err.msg).toBe('cannot prepare the node\'s interfaces: conflicting VLAN IDs: "vlan100" already uses VLAN 100 on "eth1", so "eth1.100" cannot be created');
    expect(netlink.batches).toHaveLength(1);
  });

  it('refuses a bad netconf with code 7 naming the field, without reading the node', async () => {
    const { netlink, call } = bed();
    expect(errorOf(await call('ADD', netconf({ interfaces: ['eth1'], vlanID: 5000 })))).toMatchObject({ code: 7, msg: 'invalid network config: vlanID must be an integer 0–4094' });
    expect(errorOf(await call('ADD', '{'))).toMatchObject({ code: 6 });
    expect(netlink.calls).toEqual([]);
  });

  it('names the failing step when the kernel refuses it for another reason', async () => {
    const { netlink, call } = bed();
    netlink.links.set('eth1', { ifname: 'eth1', flags: ['UP'], master: undefined });
    // Another actor takes the name between our read and our write.
    const original = netlink.ipJson.bind(netlink);
    netlink.ipJson = async <T>(netns: string | undefined, args: readonly string[]): Promise<T> => {
      const links = await original<HostLink[]>(netns, args);
      netlink.links.set('eth1.9', { ifname: 'eth1.9', linkinfo: { info_kind: 'vlan', info_data: { id: 9 } }, link: 'eth1' });
      return links as T;
    };
    const err = errorOf(await call('ADD', netconf({ interfaces: ['eth1'], vlanID: 9 })));
    expect(err).toMatchObject({ code: 999, msg: 'failed to prepare the node\'s interfaces: "ip link add link eth1 name eth1.9 type vlan id 9" (VLAN 9 interface "eth1.9" on "eth1" is missing): Error: RTNETLINK answers: File exists' });
  });
});

describe('ifacer stateless verbs', () => {
  it('answers VERSION, and STATUS, GC and DEL with exit 0 and no output', async () => {
    const { netlink, call } = bed();
    expect(JSON.parse((await call('VERSION', netconf({}, '1.1.0'))).stdout)).toEqual({ cniVersion: '1.1.0', supportedVersions: ['0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0'] });
    for (const verb of ['STATUS', 'GC', 'DEL']) expect(await call(verb, netconf({}, '1.1.0'))).toEqual({ exitCode: 0, stdout: '' });
    expect(netlink.calls).toEqual([]);
  });

  it('refuses an unknown verb with code 4', async () => {
    expect(errorOf(await bed().call('FROB', netconf({})))).toMatchObject({ code: 4, msg: expect.stringMatching(/CNI_COMMAND "FROB"/) });
  });
});
