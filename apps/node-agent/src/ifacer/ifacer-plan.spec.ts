// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import type { HostLink } from './host-link.ts';
import { parseIfacerNetconf } from './ifacer-netconf.ts';
import { planIfacer } from './ifacer-plan.ts';

const conf = (extra: Record<string, unknown>) => parseIfacerNetconf(JSON.stringify({ cniVersion: '1.1.0', name: 'n', type: 'ifacer', ...extra }));

/** Links as `ip -json -details link show` reports them. */
const nic = (ifname: string, up = true, extra: Partial<HostLink> = {}): HostLink => ({ ifname, flags: ['BROADCAST', 'MULTICAST', ...(up ? ['UP'] : [])], ...extra });
const vlan = (ifname: string, parent: string, id: number, up = true): HostLink => nic(ifname, up, { link: parent, linkinfo: { info_kind: 'vlan', info_data: { id } } });
const bond = (ifname: string, mode: string, up = true): HostLink => nic(ifname, up, { linkinfo: { info_kind: 'bond', info_data: { mode } } });
const veth = (ifname: string): HostLink => nic(ifname, true, { linkinfo: { info_kind: 'veth' } });

const argvs = (plan: ReturnType<typeof planIfacer>): string[] => {
  if (!plan.ok) throw new Error(`refused: ${plan.refusal}`);
  return plan.steps.map((s) => s.argv.join(' '));
};

describe('planIfacer: one interface', () => {
  it('without a VLAN only raises the interface, and does nothing when it is up', () => {
    expect(argvs(planIfacer(conf({ interfaces: ['eth1'] }), [nic('eth1', false)]))).toEqual(['link set eth1 up']);
    expect(planIfacer(conf({ interfaces: ['eth1'] }), [nic('eth1')])).toEqual({ ok: true, target: 'eth1', steps: [] });
  });

  it('refuses an interface the node does not have, naming it', () => {
    expect(planIfacer(conf({ interfaces: ['eth9'], vlanID: 5 }), [nic('eth1')])).toEqual({ ok: false, refusal: 'interface "eth9" (interfaces[0]) does not exist on the node' });
  });
});

describe('planIfacer: VLAN', () => {
  it('creates <if>.<vlanID> first, then raises the parent and the VLAN', () => {
    const plan = planIfacer(conf({ interfaces: ['eth1'], vlanID: 100 }), [nic('lo'), nic('eth1', false)]);
    expect(plan).toMatchObject({ ok: true, target: 'eth1.100' });
    expect(argvs(plan)).toEqual(['link add link eth1 name eth1.100 type vlan id 100', 'link set eth1 up', 'link set eth1.100 up']);
    expect(plan.ok && plan.steps[0]?.creates).toBe('vlan');
    expect(plan.ok && plan.steps[0]?.argv).toEqual(['link', 'add', 'link', 'eth1', 'name', 'eth1.100', 'type', 'vlan', 'id', '100']);
  });

  it('reuses an existing VLAN of the same parent and ID: nothing when up, only `up` when down', () => {
    expect(planIfacer(conf({ interfaces: ['eth1'], vlanID: 100 }), [nic('eth1'), vlan('eth1.100', 'eth1', 100)])).toEqual({ ok: true, target: 'eth1.100', steps: [] });
    expect(argvs(planIfacer(conf({ interfaces: ['eth1'], vlanID: 100 }), [nic('eth1'), vlan('eth1.100', 'eth1', 100, false)]))).toEqual(['link set eth1.100 up']);
  });

  it('refuses a second VLAN with the same ID on the same parent under another name, naming both', () => {
    const plan = planIfacer(conf({ interfaces: ['eth1'], vlanID: 100 }), [nic('eth1'), vlan('vlan100', 'eth1', 100)]);
    expect(plan).toEqual({ ok: false, refusal: 'conflicting VLAN IDs: "vlan100" already uses VLAN 100 on "eth1", so "eth1.100" cannot be created' });
  });

  it('ignores a VLAN of the same ID on another parent', () => {
    expect(argvs(planIfacer(conf({ interfaces: ['eth1'], vlanID: 100 }), [nic('eth1'), nic('eth2'), vlan('eth2.100', 'eth2', 100)]))).toEqual(['link add link eth1 name eth1.100 type vlan id 100', 'link set eth1.100 up']);
  });

  it('refuses a link of the VLAN name that is not a VLAN, or a VLAN of another parent or ID', () => {
    const c = conf({ interfaces: ['eth1'], vlanID: 100 });
    expect(planIfacer(c, [nic('eth1'), veth('eth1.100')])).toEqual({ ok: false, refusal: '"eth1.100" exists but is a veth link, not a VLAN' });
    expect(planIfacer(c, [nic('eth1'), nic('eth1.100')])).toEqual({ ok: false, refusal: '"eth1.100" exists but is a device link, not a VLAN' });
    expect(planIfacer(c, [nic('eth1'), vlan('eth1.100', 'eth1', 200)])).toEqual({ ok: false, refusal: '"eth1.100" exists as VLAN 200 on "eth1", not VLAN 100 on "eth1"' });
  });
});

describe('planIfacer: bond', () => {
  const two = { interfaces: ['eth1', 'eth2'], bond: { name: 'bond0', mode: 1, options: 'miimon=100;primary=eth1' } };

  it('creates the bond with its mode and options, sets the slaves down before enslaving them, then raises all', () => {
    const plan = planIfacer(conf(two), [nic('eth1'), nic('eth2', false)]);
    expect(plan).toMatchObject({ ok: true, target: 'bond0' });
    expect(argvs(plan)).toEqual([
      'link add bond0 type bond mode active-backup miimon 100 primary eth1',
      'link set eth1 down',
      'link set eth2 down',
      'link set eth1 master bond0',
      'link set eth2 master bond0',
      'link set eth1 up',
      'link set eth2 up',
      'link set bond0 up',
    ]);
    expect(plan.ok && plan.steps.map((s) => s.creates)).toEqual(['bond', undefined, undefined, undefined, undefined, undefined, undefined, undefined]);
  });

  it('reuses an existing bond: enslaves only what is missing and changes nothing when complete', () => {
    const links = [bond('bond0', 'active-backup'), nic('eth1', true, { master: 'bond0' }), nic('eth2')];
    expect(argvs(planIfacer(conf(two), links))).toEqual(['link set eth2 down', 'link set eth2 master bond0', 'link set eth2 up']);
    const complete = [bond('bond0', 'active-backup'), nic('eth1', true, { master: 'bond0' }), nic('eth2', true, { master: 'bond0' })];
    expect(planIfacer(conf(two), complete)).toEqual({ ok: true, target: 'bond0', steps: [] });
  });

  it('raises a reused bond and its slaves when they are down', () => {
    const links = [bond('bond0', 'active-backup', false), nic('eth1', false, { master: 'bond0' }), nic('eth2', true, { master: 'bond0' })];
    expect(argvs(planIfacer(conf(two), links))).toEqual(['link set eth1 up', 'link set bond0 up']);
  });

  it('refuses a link of the bond name that is not a bond', () => {
    expect(planIfacer(conf(two), [veth('bond0'), nic('eth1'), nic('eth2')])).toEqual({ ok: false, refusal: '"bond0" exists but is a veth link, not a bond' });
  });

  it('refuses a bond in another mode and a slave enslaved elsewhere', () => {
    expect(planIfacer(conf(two), [bond('bond0', 'balance-rr'), nic('eth1'), nic('eth2')])).toEqual({ ok: false, refusal: 'bond "bond0" exists in mode balance-rr, the network config asks for mode active-backup' });
    expect(planIfacer(conf(two), [nic('eth1'), nic('eth2', true, { master: 'br0' })])).toEqual({ ok: false, refusal: 'interface "eth2" (interfaces[1]) is already enslaved to "br0", not to bond "bond0"' });
  });

  it('refuses a missing slave', () => {
    expect(planIfacer(conf(two), [nic('eth1')])).toEqual({ ok: false, refusal: 'interface "eth2" (interfaces[1]) does not exist on the node' });
  });

  it('creates bond and VLAN before changing any existing link, and raises the VLAN last', () => {
    const plan = planIfacer(conf({ ...two, vlanID: 30 }), [nic('eth1'), nic('eth2')]);
    expect(plan).toMatchObject({ ok: true, target: 'bond0.30' });
    expect(argvs(plan)).toEqual([
      'link add bond0 type bond mode active-backup miimon 100 primary eth1',
      'link add link bond0 name bond0.30 type vlan id 30',
      'link set eth1 down',
      'link set eth2 down',
      'link set eth1 master bond0',
      'link set eth2 master bond0',
      'link set eth1 up',
      'link set eth2 up',
      'link set bond0 up',
      'link set bond0.30 up',
    ]);
  });

  it('reuses a complete bond with its VLAN and refuses a conflicting VLAN on the bond', () => {
    const complete = [bond('sp_bond0', 'balance-rr'), nic('eth1', true, { master: 'sp_bond0' }), nic('eth2', true, { master: 'sp_bond0' })];
    const c = conf({ interfaces: ['eth1', 'eth2'], vlanID: 30 });
    expect(planIfacer(c, [...complete, vlan('sp_bond0.30', 'sp_bond0', 30)])).toEqual({ ok: true, target: 'sp_bond0.30', steps: [] });
    expect(planIfacer(c, [...complete, vlan('v30', 'sp_bond0', 30)])).toEqual({ ok: false, refusal: 'conflicting VLAN IDs: "v30" already uses VLAN 30 on "sp_bond0", so "sp_bond0.30" cannot be created' });
  });
});
