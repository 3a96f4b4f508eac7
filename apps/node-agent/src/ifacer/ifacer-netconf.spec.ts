// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { CniError } from '../cni/cni-types.ts';
import { parseIfacerNetconf, parseBondOptions } from './ifacer-netconf.ts';

const base = { cniVersion: '1.0.0', name: 'vlan100', type: 'ifacer' };
const parse = (conf: unknown): ReturnType<typeof parseIfacerNetconf> => parseIfacerNetconf(typeof conf === 'string' ? conf : JSON.stringify(conf));

function refusal(conf: unknown): { code: number; msg: string } {
  try {
    parse(conf);
  } catch (err) {
    if (err instanceof CniError) return { code: err.code, msg: err.message };
    throw err;
  }
  throw new Error('the netconf was accepted');
}

describe('parseIfacerNetconf', () => {
  it('reads a single interface with a VLAN ID and no bond', () => {
    expect(parse({ ...base, interfaces: ['eth1'], vlanID: 100 })).toEqual({ cniVersion: '1.0.0', name: 'vlan100', interfaces: ['eth1'], vlanID: 100, bond: undefined, prevResult: undefined });
  });

  it('defaults vlanID to 0 and passes prevResult through', () => {
    const prevResult = { cniVersion: '1.0.0', interfaces: [{ name: 'x' }] };
    expect(parse({ ...base, interfaces: ['eth1'], prevResult })).toMatchObject({ vlanID: 0, prevResult });
  });

  it('reads a bond with its mode by name and its options in order', () => {
    const conf = parse({ ...base, cniVersion: '0.3.1', interfaces: ['eth1', 'eth2'], vlanID: 4094, bond: { name: 'bond1', mode: 1, options: 'miimon=100; primary=eth1;' } });
    expect(conf.bond).toEqual({ name: 'bond1', mode: 'active-backup', options: [{ key: 'miimon', value: '100' }, { key: 'primary', value: 'eth1' }] });
    expect(conf.vlanID).toBe(4094);
  });

  it('bonds two or more interfaces as sp_bond0 in mode 0 when the bond is omitted or unnamed', () => {
    expect(parse({ ...base, interfaces: ['eth1', 'eth2'] }).bond).toEqual({ name: 'sp_bond0', mode: 'balance-rr', options: [] });
    expect(parse({ ...base, interfaces: ['eth1', 'eth2'], bond: { mode: 6 } }).bond).toEqual({ name: 'sp_bond0', mode: 'balance-alb', options: [] });
  });

  it.each([
    ['an undecodable config', '{not json', 6, /failed to decode the network config/],
    ['a config that is not an object', '[1]', 6, /must be a JSON object/],
    ['an unsupported cniVersion', { ...base, cniVersion: '9.9.9', interfaces: ['eth1'] }, 1, /cniVersion "9.9.9" is not supported/],
    ['a missing name', { cniVersion: '1.0.0', interfaces: ['eth1'] }, 7, /invalid network config: name must be a non-empty string/],
    ['missing interfaces', { ...base }, 7, /invalid network config: interfaces must be a list of one or more/],
    ['an empty interfaces list', { ...base, interfaces: [] }, 7, /invalid network config: interfaces must be a list of one or more/],
    ['an interface name with a slash', { ...base, interfaces: ['eth1', 'a/b'] }, 7, /invalid network config: interfaces\[1\] must be a valid interface name/],
    ['an interface name longer than 15 characters', { ...base, interfaces: ['abcdefghijklmnop'] }, 7, /interfaces\[0\] must be a valid interface name/],
    ['a repeated interface', { ...base, interfaces: ['eth1', 'eth2', 'eth1'] }, 7, /interfaces\[2\] repeats "eth1"/],
    ['a vlanID above 4094', { ...base, interfaces: ['eth1'], vlanID: 4095 }, 7, /invalid network config: vlanID must be an integer 0–4094/],
    ['a negative vlanID', { ...base, interfaces: ['eth1'], vlanID: -1 }, 7, /vlanID must be an integer 0–4094/],
    ['a vlanID given as a string', { ...base, interfaces: ['eth1'], vlanID: '100' }, 7, /vlanID must be an integer 0–4094/],
    ['a VLAN name longer than 15 characters', { ...base, interfaces: ['enp175s0f1np1'], vlanID: 100 }, 7, /vlanID 100 makes the VLAN interface name "enp175s0f1np1.100" longer than 15/],
    ['a bond that is not an object', { ...base, interfaces: ['eth1', 'eth2'], bond: 'sp_bond0' }, 7, /invalid network config: bond must be an object/],
    ['a bond over a single interface', { ...base, interfaces: ['eth1'], bond: { name: 'b0' } }, 7, /bond needs at least 2 interfaces/],
    ['a bond mode of 7', { ...base, interfaces: ['eth1', 'eth2'], bond: { mode: 7 } }, 7, /invalid network config: bond\.mode must be an integer 0–6/],
    ['a bond mode given by name', { ...base, interfaces: ['eth1', 'eth2'], bond: { mode: 'active-backup' } }, 7, /bond\.mode must be an integer 0–6/],
    ['a bond name that is not an interface name', { ...base, interfaces: ['eth1', 'eth2'], bond: { name: 'bond 1' } }, 7, /bond\.name must be a valid interface name/],
    ['a bond named like one of its slaves', { ...base, interfaces: ['eth1', 'eth2'], bond: { name: 'eth2' } }, 7, /bond\.name "eth2" must not be one of the interfaces/],
    ['bond options that are not a string', { ...base, interfaces: ['eth1', 'eth2'], bond: { options: { miimon: 100 } } }, 7, /bond\.options must be a string/],
    ['an unknown bond option', { ...base, interfaces: ['eth1', 'eth2'], bond: { options: 'miimon=100;foo=1' } }, 7, /bond\.options entry "foo=1" names an unknown bond option/],
    ['a bond option without a value', { ...base, interfaces: ['eth1', 'eth2'], bond: { options: 'miimon' } }, 7, /bond\.options entry "miimon" must be key=value/],
    ['a bond option value with a space', { ...base, interfaces: ['eth1', 'eth2'], bond: { options: 'miimon=1 00' } }, 7, /bond\.options entry "miimon=1 00" must be key=value/],
    ['a bond option set twice', { ...base, interfaces: ['eth1', 'eth2'], bond: { options: 'miimon=100;miimon=200' } }, 7, /bond\.options sets "miimon" twice/],
    ['a primary that is not bonded', { ...base, interfaces: ['eth1', 'eth2'], bond: { mode: 1, options: 'primary=eth3' } }, 7, /bond\.options primary "eth3" must be one of the interfaces/],
    ['a primary in a mode without one', { ...base, interfaces: ['eth1', 'eth2'], bond: { mode: 0, options: 'primary=eth1' } }, 7, /bond\.options primary needs bond\.mode 1, 5 or 6/],
    ['a prevResult that is not an object', { ...base, interfaces: ['eth1'], prevResult: 'x' }, 7, /invalid network config: prevResult must be an object/],
  ])('refuses %s with its code and a message naming the field', (_why, conf, code, msg) => {
    const r = refusal(conf);
    expect(r.code).toBe(code);
    expect(r.msg).toMatch(msg);
  });
});

describe('parseBondOptions', () => {
  it('accepts lists and MAC addresses as values and ignores empty entries', () => {
    expect(parseBondOptions(';arp_ip_target=192.0.2.1,192.0.2.2;;ad_actor_system=02:00:00:00:00:01')).toEqual([
      { key: 'arp_ip_target', value: '192.0.2.1,192.0.2.2' },
      { key: 'ad_actor_system', value: '02:00:00:00:00:01' },
    ]);
  });
});
