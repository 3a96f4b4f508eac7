// SPDX-License-Identifier: Apache-2.0
// Rules of the macvlan, ipvlan and vlan blocks: one or more host interfaces (bonded by the
// ifacer plugin when there are several), an optional VLAN sub-interface, an MTU.
import type { BondConfig, MacvlanConfig, SpiderpoolPools, VlanConfig } from '@spiderpool/crds';
import { isValidInterfaceName } from '@spiderpool/ipam-domain';
import type { Violation } from '../admission/admission-types.ts';
import { isInteger, violation } from './violation.ts';

const IFNAME_RULE = 'must be an interface name (1-15 bytes, no "/", ":" or whitespace)';
const MAX_IFNAME = 15;

export function vlanIdRules(vlanID: number | undefined, field: string): Violation[] {
  if (vlanID === undefined) return [];
  return isInteger(vlanID) && vlanID >= 0 && vlanID <= 4094 ? [] : [violation(field, vlanID, 'vlan-id-range', 'must be an integer from 0 to 4094')];
}

export function mtuRules(mtu: number | undefined, field: string): Violation[] {
  if (mtu === undefined) return [];
  return isInteger(mtu) && mtu >= 0 && mtu <= 65_535 ? [] : [violation(field, mtu, 'mtu-range', 'must be an integer from 0 (keep the default) to 65535')];
}

export function poolRules(pools: SpiderpoolPools | undefined, base: string, sriov: boolean): Violation[] {
  if (!pools) return [];
  const out: Violation[] = [];
  for (const family of ['ipv4', 'ipv6'] as const) {
    const names = pools[family] ?? [];
    names.forEach((name, i) => {
      if (typeof name !== 'string' || name.trim() === '') out.push(violation(`${base}.ippools.${family}[${i}]`, name, 'ippool-name-invalid', 'must be a non-empty pool name'));
      else if (names.indexOf(name) !== i) out.push(violation(`${base}.ippools.${family}[${i}]`, name, 'ippool-duplicate', 'names a pool already listed'));
    });
  }
  if (pools.matchMasterSubnet && !sriov) {
    out.push(violation(`${base}.ippools.matchMasterSubnet`, true, 'match-master-subnet-sriov-only', 'is only supported for cniType sriov'));
  }
  return out;
}

function masterRules(master: unknown, base: string): Violation[] {
  if (!Array.isArray(master) || master.length === 0) return [violation(`${base}.master`, master, 'master-required', 'must list at least one host interface')];
  const out: Violation[] = [];
  master.forEach((m: unknown, i) => {
    if (typeof m !== 'string' || !isValidInterfaceName(m)) out.push(violation(`${base}.master[${i}]`, m, 'master-name-invalid', IFNAME_RULE));
    else if (master.indexOf(m) !== i) out.push(violation(`${base}.master[${i}]`, m, 'master-duplicate', 'names an interface already listed'));
  });
  return out;
}

/** `key=value;key=value` with plain words: it ends up as arguments of `ip link add ... type bond`. */
function bondOptionRules(bond: BondConfig, masters: string[], field: string): Violation[] {
  const entries = (bond.options ?? '').split(';').map((e) => e.trim()).filter(Boolean);
  for (const entry of entries) {
    const m = /^([a-z_]+)=([\w.:,+-]+)$/.exec(entry);
    if (!m) return [violation(field, bond.options, 'bond-options-invalid', `entry "${entry}" must be key=value (key of a-z and "_", value of letters, digits and ".:,+-_")`)];
    if (m[1] === 'primary' && !masters.includes(m[2] as string)) {
      return [violation(field, bond.options, 'bond-options-invalid', `primary "${m[2]}" must be one of the masters (${masters.join(', ')})`)];
    }
  }
  return [];
}

function bondRules(block: MacvlanConfig, base: string): Violation[] {
  const masters = Array.isArray(block.master) ? block.master : [];
  const bond = block.bond;
  if (!bond) return masters.length >= 2 ? [violation(`${base}.bond`, undefined, 'bond-required', `is required with ${masters.length} masters (they are bonded)`)] : [];
  if (masters.length < 2) return [violation(`${base}.bond`, bond, 'bond-needs-two-masters', `needs at least 2 masters to bond (master has ${masters.length})`)];
  const out: Violation[] = [];
  if (typeof bond.name !== 'string' || !isValidInterfaceName(bond.name)) out.push(violation(`${base}.bond.name`, bond.name, 'bond-name-invalid', IFNAME_RULE));
  else if (masters.includes(bond.name)) out.push(violation(`${base}.bond.name`, bond.name, 'bond-name-invalid', 'must not be one of the masters it bonds'));
  if (!isInteger(bond.mode) || bond.mode < 0 || bond.mode > 6) out.push(violation(`${base}.bond.mode`, bond.mode, 'bond-mode-invalid', 'must be a bonding mode from 0 (balance-rr) to 6 (balance-alb)'));
  return [...out, ...bondOptionRules(bond, masters, `${base}.bond.options`)];
}

/** `<parent>.<vlanID>` must still be a valid interface name, or the ifacer cannot create it. */
function vlanNameRules(block: MacvlanConfig, base: string): Violation[] {
  const parent = block.bond?.name ?? block.master?.[0];
  if (!parent || !block.vlanID || !isInteger(block.vlanID)) return [];
  const name = `${parent}.${block.vlanID}`;
  return name.length > MAX_IFNAME ? [violation(`${base}.vlanID`, block.vlanID, 'vlan-ifname-too-long', `makes the VLAN interface name "${name}" longer than ${MAX_IFNAME} characters`)] : [];
}

/** Rules of a macvlan or ipvlan block. */
export function parentedRules(block: MacvlanConfig, base: string): Violation[] {
  return [
    ...masterRules(block.master, base),
    ...bondRules(block, base),
    ...vlanIdRules(block.vlanID, `${base}.vlanID`),
    ...vlanNameRules(block, base),
    ...mtuRules(block.mtu, `${base}.mtu`),
    ...poolRules(block.ippools, base, false),
  ];
}

/** A vlan block: the VLAN is made by the vlan plugin itself, so manual mode needs a real ID. */
export function vlanBlockRules(block: VlanConfig, base: string): Violation[] {
  const out = [...masterRules(block.master, base), ...bondRules(block, base), ...vlanIdRules(block.vlanID, `${base}.vlanID`), ...mtuRules(block.mtu, `${base}.mtu`), ...poolRules(block.ippools, base, false)];
  const mode = block.vlanMode ?? 'manual';
  if (mode !== 'manual' && mode !== 'auto') out.push(violation(`${base}.vlanMode`, mode, 'vlan-mode-invalid', 'must be manual or auto'));
  if (mode === 'manual' && !block.vlanID) out.push(violation(`${base}.vlanID`, block.vlanID, 'vlan-id-required', 'must be set (1-4094) when vlanMode is manual'));
  if (mode === 'auto' && block.vlanID !== undefined) out.push(violation(`${base}.vlanID`, block.vlanID, 'vlan-id-forbidden', 'must be left out when vlanMode is auto (the VLAN ID is decided when the pod NIC is added)'));
  return out;
}
