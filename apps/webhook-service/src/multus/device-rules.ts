// SPDX-License-Identifier: Apache-2.0
// Rules of the device-backed blocks: SR-IOV and InfiniBand VFs, IPoIB and Open vSwitch ports.
import type { IBSriovConfig, IPoIBConfig, OvsConfig, OvsTrunk, SriovConfig } from '@spiderpool/crds';
import { isValidInterfaceName } from '@spiderpool/ipam-domain';
import type { Violation } from '../admission/admission-types.ts';
import { mtuRules, poolRules, vlanIdRules } from './parented-rules.ts';
import { isInteger, violation } from './violation.ts';

/** An extended resource name as device plugins advertise it: `<domain>/<name>`. */
const RESOURCE_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)\/[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
/** A PCI address in sysfs form, e.g. 0000:3b:00.2. */
const PCI_ADDRESS = /^[0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7]$/;
/** InfiniBand partition keys are 15 bits plus the membership bit, written in hex. */
const PKEY = /^0x[0-9a-fA-F]{1,4}$/;

function resourceNameRules(name: unknown, field: string): Violation[] {
  if (typeof name !== 'string' || name === '') return [violation(field, name, 'resource-name-required', 'must name the device-plugin resource the VFs come from')];
  return RESOURCE_NAME.test(name) && name.length <= 253 ? [] : [violation(field, name, 'resource-name-invalid', 'must be an extended resource name such as example.com/sriov_netdevice')];
}

function txRateRules(block: SriovConfig, base: string): Violation[] {
  const out: Violation[] = [];
  for (const key of ['minTxRateMbps', 'maxTxRateMbps'] as const) {
    const v = block[key];
    if (v !== undefined && (!isInteger(v) || v < 0)) out.push(violation(`${base}.${key}`, v, 'tx-rate-negative', 'must be an integer of Mbps, 0 for no limit'));
  }
  // 0 means "no limit", so only a real maximum can be below the minimum.
  const { minTxRateMbps: min = 0, maxTxRateMbps: max = 0 } = block;
  if (out.length === 0 && max > 0 && min > max) out.push(violation(`${base}.minTxRateMbps`, min, 'tx-rate-order', `must not exceed maxTxRateMbps (${max})`));
  return out;
}

export function sriovRules(block: SriovConfig, base: string): Violation[] {
  return [
    ...resourceNameRules(block.resourceName, `${base}.resourceName`),
    ...vlanIdRules(block.vlanID, `${base}.vlanID`),
    ...mtuRules(block.mtu, `${base}.mtu`),
    ...txRateRules(block, base),
    ...poolRules(block.ippools, base, true),
  ];
}

export function ibSriovRules(block: IBSriovConfig, base: string): Violation[] {
  const out = [...resourceNameRules(block.resourceName, `${base}.resourceName`), ...poolRules(block.ippools, base, false)];
  if (block.pkey !== undefined && block.pkey !== '' && !PKEY.test(block.pkey)) out.push(violation(`${base}.pkey`, block.pkey, 'pkey-invalid', 'must be a partition key in hex such as 0x7fff'));
  if (block.linkState !== undefined && !['auto', 'enable', 'disable'].includes(block.linkState)) {
    out.push(violation(`${base}.linkState`, block.linkState, 'link-state-invalid', 'must be auto, enable or disable'));
  }
  return out;
}

export function ipoibRules(block: IPoIBConfig, base: string): Violation[] {
  const out = poolRules(block.ippools, base, false);
  if (typeof block.master !== 'string' || block.master === '') return [violation(`${base}.master`, block.master, 'master-required', 'must name the host IPoIB interface'), ...out];
  if (!isValidInterfaceName(block.master)) out.push(violation(`${base}.master`, block.master, 'master-name-invalid', 'must be an interface name (1-15 bytes, no "/", ":" or whitespace)'));
  return out;
}

function trunkRules(trunk: OvsTrunk, field: string): Violation[] {
  const single = trunk.id !== undefined;
  const range = trunk.minID !== undefined || trunk.maxID !== undefined;
  if (single === range) return [violation(field, trunk, 'trunk-entry-invalid', 'must give either id or both minID and maxID')];
  if (range && (trunk.minID === undefined || trunk.maxID === undefined)) return [violation(field, trunk, 'trunk-entry-invalid', 'must give both minID and maxID')];
  const out = [...vlanIdRules(trunk.id, `${field}.id`), ...vlanIdRules(trunk.minID, `${field}.minID`), ...vlanIdRules(trunk.maxID, `${field}.maxID`)];
  if (out.length === 0 && range && (trunk.minID as number) > (trunk.maxID as number)) {
    out.push(violation(field, trunk, 'trunk-range-order', `minID ${trunk.minID} must not exceed maxID ${trunk.maxID}`));
  }
  return out;
}

export function ovsRules(block: OvsConfig, base: string): Violation[] {
  const out: Violation[] = [];
  if (typeof block.bridge !== 'string' || block.bridge === '') out.push(violation(`${base}.bridge`, block.bridge, 'bridge-required', 'must name the OVS bridge'));
  else if (!isValidInterfaceName(block.bridge)) out.push(violation(`${base}.bridge`, block.bridge, 'bridge-name-invalid', 'must be a bridge name (1-15 bytes, no "/", ":" or whitespace)'));
  out.push(...vlanIdRules(block.vlan, `${base}.vlan`));
  (block.trunk ?? []).forEach((t, i) => out.push(...trunkRules(t, `${base}.trunk[${i}]`)));
  if (block.deviceID !== undefined && block.deviceID !== '' && !PCI_ADDRESS.test(block.deviceID)) {
    out.push(violation(`${base}.deviceID`, block.deviceID, 'device-id-invalid', 'must be a PCI address such as 0000:3b:00.2'));
  }
  return [...out, ...poolRules(block.ippools, base, false)];
}
