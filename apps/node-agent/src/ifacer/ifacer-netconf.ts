// SPDX-License-Identifier: Apache-2.0
// The `ifacer` netconf (upstream field names): which host interfaces to prepare for the main
// plugin that follows in the chain. Everything is checked here, before the kernel is touched.
import { isValidInterfaceName } from '@spiderpool/ipam-domain';
import { CniCode, CniError } from '../cni/cni-types.ts';
import { checkedVersion, decodeNetconf } from '../cni/netconf-common.ts';

/** Bond modes by the number the netconf uses (the kernel's order), as `ip link` names them. */
export const BOND_MODES = ['balance-rr', 'active-backup', 'balance-xor', 'broadcast', '802.3ad', 'balance-tlb', 'balance-alb'] as const;

export type BondMode = (typeof BOND_MODES)[number];

/**
 * The bond attributes `ip link add ... type bond` accepts that make sense at creation. A closed
 * list: anything else would reach `ip` as a word it may take for a different keyword.
 */
const BOND_OPTION_KEYS: ReadonlySet<string> = new Set([
  'miimon', 'updelay', 'downdelay', 'peer_notify_delay', 'use_carrier', 'arp_interval', 'arp_validate', 'arp_all_targets',
  'arp_ip_target', 'primary', 'primary_reselect', 'fail_over_mac', 'xmit_hash_policy', 'resend_igmp', 'num_grat_arp',
  'num_unsol_na', 'all_slaves_active', 'min_links', 'lp_interval', 'packets_per_slave', 'tlb_dynamic_lb', 'lacp_rate',
  'lacp_active', 'ad_select', 'ad_user_port_key', 'ad_actor_sys_prio', 'ad_actor_system', 'missed_max',
]);

const PRIMARY_MODES: ReadonlySet<BondMode> = new Set(['active-backup', 'balance-tlb', 'balance-alb']);

export const DEFAULT_BOND_NAME = 'sp_bond0';
const MAX_VLAN_ID = 4094;
const MAX_IFNAME = 15;

export interface BondOption {
  key: string;
  value: string;
}

export interface BondConf {
  name: string;
  mode: BondMode;
  /** In the order written; passed to `ip link add` as `key value` pairs. */
  options: BondOption[];
}

export interface IfacerNetconf {
  cniVersion: string;
  name: string;
  interfaces: string[];
  /** 0 = no VLAN sub-interface. */
  vlanID: number;
  /** Set exactly when there are two or more interfaces (defaulted when the netconf omits it). */
  bond: BondConf | undefined;
  /** The previous plugin's result, passed through unchanged on ADD. */
  prevResult: Record<string, unknown> | undefined;
}

type Obj = Record<string, unknown>;

export const invalidConf = (field: string, rule: string): CniError => new CniError(CniCode.INVALID_NETCONF, `invalid network config: ${field} ${rule}`);

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);



const NAME_RULE = 'must be a valid interface name (1–15 characters, no "/", ":" or whitespace)';

function interfaceName(value: unknown, field: string): string {
  if (typeof value !== 'string' || !isValidInterfaceName(value)) throw invalidConf(field, NAME_RULE);
  return value;
}

function interfaces(conf: Obj): string[] {
  const raw = conf['interfaces'];
  if (!Array.isArray(raw) || raw.length === 0) throw invalidConf('interfaces', 'must be a list of one or more interface names');
  const names = raw.map((v: unknown, i) => interfaceName(v, `interfaces[${i}]`));
  const dup = names.findIndex((n, i) => names.indexOf(n) !== i);
  if (dup >= 0) throw invalidConf(`interfaces[${dup}]`, `repeats "${names[dup]}"`);
  return names;
}

function integerIn(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw invalidConf(field, `must be an integer ${min}–${max}`);
  return value;
}

/** `miimon=100;primary=eth1` → [{miimon,100},{primary,eth1}]; empty entries are allowed (`a=1;`). */
export function parseBondOptions(text: string): BondOption[] {
  const out: BondOption[] = [];
  for (const entry of text.split(';').map((e) => e.trim()).filter(Boolean)) {
    const i = entry.indexOf('=');
    const [key, value] = i > 0 ? [entry.slice(0, i).trim(), entry.slice(i + 1).trim()] : [entry, ''];
    if (!BOND_OPTION_KEYS.has(key)) throw invalidConf('bond.options', `entry "${entry}" names an unknown bond option (known: ${[...BOND_OPTION_KEYS].join(', ')})`);
    if (!/^[\w.:,+-]+$/.test(value)) throw invalidConf('bond.options', `entry "${entry}" must be key=value with a value of letters, digits and ".:,+-_"`);
    if (out.some((o) => o.key === key)) throw invalidConf('bond.options', `sets "${key}" twice`);
    out.push({ key, value });
  }
  return out;
}

function bondOf(conf: Obj, ifaces: string[]): BondConf | undefined {
  const raw = conf['bond'];
  if (raw === undefined || raw === null) return ifaces.length > 1 ? { name: DEFAULT_BOND_NAME, mode: 'balance-rr', options: [] } : undefined;
  if (!isObject(raw)) throw invalidConf('bond', 'must be an object {name, mode, options}');
  if (ifaces.length < 2) throw invalidConf('bond', `needs at least 2 interfaces to bond (interfaces has ${ifaces.length})`);
  const name = raw['name'] === undefined || raw['name'] === '' ? DEFAULT_BOND_NAME : interfaceName(raw['name'], 'bond.name');
  if (ifaces.includes(name)) throw invalidConf('bond.name', `"${name}" must not be one of the interfaces it bonds`);
  const mode = BOND_MODES[integerIn(raw['mode'] ?? 0, 'bond.mode', 0, BOND_MODES.length - 1)] as BondMode;
  const options = raw['options'] ?? '';
  if (typeof options !== 'string') throw invalidConf('bond.options', 'must be a string "key=value;key=value"');
  const parsed = parseBondOptions(options);
  const primary = parsed.find((o) => o.key === 'primary');
  if (primary && !ifaces.includes(primary.value)) throw invalidConf('bond.options', `primary "${primary.value}" must be one of the interfaces (${ifaces.join(', ')})`);
  // The kernel accepts a primary slave only in the modes that have one.
  if (primary && !PRIMARY_MODES.has(mode)) throw invalidConf('bond.options', `primary needs bond.mode 1, 5 or 6 (active-backup, balance-tlb, balance-alb), not ${mode}`);
  return { name, mode, options: parsed };
}

function prevResultOf(conf: Obj): Obj | undefined {
  const raw = conf['prevResult'];
  if (raw === undefined || raw === null) return undefined;
  if (!isObject(raw)) throw invalidConf('prevResult', 'must be an object');
  return raw;
}

/** The name of the VLAN sub-interface: `<parent>.<vlanID>`, as upstream names it. */
export const vlanName = (parent: string, vlanID: number): string => `${parent}.${vlanID}`;

/** Parses and checks the whole netconf; throws a CniError naming the field and the rule. */
export function parseIfacerNetconf(stdin: string): IfacerNetconf {
  const conf = decodeNetconf(stdin);
  const cniVersion = checkedVersion(conf);
  if (typeof conf['name'] !== 'string' || conf['name'] === '') throw invalidConf('name', 'must be a non-empty string');
  const ifaces = interfaces(conf);
  const vlanID = integerIn(conf['vlanID'] ?? 0, 'vlanID', 0, MAX_VLAN_ID);
  const bond = bondOf(conf, ifaces);
  const parent = bond ? bond.name : (ifaces[0] as string);
  if (vlanID > 0 && vlanName(parent, vlanID).length > MAX_IFNAME) {
    throw invalidConf('vlanID', `${vlanID} makes the VLAN interface name "${vlanName(parent, vlanID)}" longer than ${MAX_IFNAME} characters`);
  }
  return { cniVersion, name: conf['name'], interfaces: ifaces, vlanID, bond, prevResult: prevResultOf(conf) };
}
