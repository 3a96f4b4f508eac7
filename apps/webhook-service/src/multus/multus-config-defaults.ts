// SPDX-License-Identifier: Apache-2.0
// The mutating half of SpiderMultusConfig admission: upstream's defaults, applied to a copy.
// Like upstream's defaulter it never rejects anything; the validating half does that.
import { Annotations, Labels, type BondConfig, type SpiderMultusConfig, type SpiderMultusConfigSpec, type SpiderpoolPools } from '@spiderpool/crds';
import { isAbsent, isRecord } from '../admission/field-types.ts';
import { coordinatorOverrideWithDefaults } from './coordinator-override.ts';

// The object has not been checked against the schema yet: a value of the wrong type (a block or
// pools that are no object, a spec that is a string) is left exactly as written, for validation to name.

/** Pools get empty lists for the families left out; pools that are no object stay as written. */
function defaultPools(pools: SpiderpoolPools | undefined): SpiderpoolPools {
  if (!isAbsent(pools) && !isRecord(pools as unknown)) return pools as SpiderpoolPools;
  return { ...pools, ipv4: pools?.ipv4 ?? [], ipv6: pools?.ipv6 ?? [] };
}

const absentOrRecord = (value: unknown): boolean => isAbsent(value) || isRecord(value);

const defaultBond = (bond: BondConfig | undefined): BondConfig | undefined => (isRecord(bond) ? { ...bond, options: bond.options ?? '' } : bond);

/** The block of `type` when it is an object (only then are defaults filled in). */
const blockOf = <K extends keyof SpiderMultusConfigSpec>(spec: SpiderMultusConfigSpec, key: K): SpiderMultusConfigSpec[K] | undefined => {
  const block = spec[key];
  return isRecord(block) ? block : undefined;
};

function parentedDefaults(spec: SpiderMultusConfigSpec): void {
  for (const type of ['macvlan', 'ipvlan'] as const) {
    const block = blockOf(spec, type);
    if (spec.cniType !== type || !block) continue;
    spec[type] = { ...block, vlanID: block.vlanID ?? 0, mtu: block.mtu ?? 0, bond: defaultBond(block.bond), ippools: defaultPools(block.ippools) };
    if (isAbsent(block.bond)) delete spec[type].bond;
  }
  const vlan = blockOf(spec, 'vlan');
  if (spec.cniType === 'vlan' && vlan) {
    // No vlanID default here: manual mode must be told the VLAN, auto mode must not be.
    spec.vlan = { ...vlan, mtu: vlan.mtu ?? 0, vlanMode: vlan.vlanMode ?? 'manual', bond: defaultBond(vlan.bond), ippools: defaultPools(vlan.ippools) };
    if (isAbsent(vlan.bond)) delete spec.vlan.bond;
  }
}

function deviceDefaults(spec: SpiderMultusConfigSpec): void {
  const [sriov, ibsriov, ipoib, ovs] = [blockOf(spec, 'sriov'), blockOf(spec, 'ibsriov'), blockOf(spec, 'ipoib'), blockOf(spec, 'ovs')];
  if (spec.cniType === 'sriov' && sriov) {
    spec.sriov = { ...sriov, vlanID: sriov.vlanID ?? 0, mtu: sriov.mtu ?? 0, minTxRateMbps: sriov.minTxRateMbps ?? 0, maxTxRateMbps: sriov.maxTxRateMbps ?? 0, rdmaIsolation: sriov.rdmaIsolation ?? false, ippools: defaultPools(sriov.ippools) };
  }
  if (spec.cniType === 'ib-sriov' && ibsriov) {
    spec.ibsriov = { ...ibsriov, linkState: ibsriov.linkState ?? 'enable', rdmaIsolation: ibsriov.rdmaIsolation ?? true, enableIbKubernetes: ibsriov.enableIbKubernetes ?? false, ippools: defaultPools(ibsriov.ippools) };
  }
  if (spec.cniType === 'ipoib' && ipoib) spec.ipoib = { ...ipoib, ippools: defaultPools(ipoib.ippools) };
  if (spec.cniType === 'ovs' && ovs) spec.ovs = { ...ovs, ippools: defaultPools(ovs.ippools) };
}

/**
 * The coordinator block is an override of the cluster's SpiderCoordinator, so none is invented:
 * an absent block lets every setting come from the SpiderCoordinator at pod start. A block that
 * is present gets upstream's defaults for the fields it leaves out, and its addresses normalised.
 */
function coordinatorDefaults(spec: SpiderMultusConfigSpec): void {
  if (!isRecord(spec.coordinator)) return;
  spec.coordinator = coordinatorOverrideWithDefaults(spec.coordinator);
}

const INJECT = [
  [Annotations.RDMA_RESOURCE_INJECT, Labels.RDMA_RESOURCE_INJECT],
  [Annotations.NETWORK_RESOURCE_INJECT, Labels.NETWORK_RESOURCE_INJECT],
] as const;

/**
 * Pods select configs by the inject group, and annotations cannot be selected: the group is
 * copied to a label of the same key. A label copied earlier goes when its annotation goes.
 */
function injectLabels(smc: SpiderMultusConfig, old: SpiderMultusConfig | undefined): void {
  const meta = (smc.metadata ??= {});
  if (!isRecord(meta as unknown) || !absentOrRecord(meta.annotations) || !absentOrRecord(meta.labels)) return;
  for (const [annotation, label] of INJECT) {
    const value = meta.annotations?.[annotation];
    const before = old?.metadata?.annotations?.[annotation];
    if (value !== undefined) meta.labels = { ...meta.labels, [label]: value };
    else if (before !== undefined && meta.labels?.[label] === before) {
      const { [label]: _removed, ...rest } = meta.labels;
      meta.labels = rest;
    }
  }
}

/** `smc` with upstream's defaults filled in; `old` is the stored object on UPDATE. Pure. */
export function defaultMultusConfig(smc: SpiderMultusConfig, old?: SpiderMultusConfig): SpiderMultusConfig {
  const out = structuredClone(smc);
  if (!isAbsent(out.spec) && !isRecord(out.spec)) return out;
  const spec = (out.spec ??= {});
  spec.cniType ??= 'custom';
  // A custom configuration is used exactly as written, so nothing is chained to it.
  if (isAbsent(spec.enableCoordinator) || typeof spec.enableCoordinator === 'boolean') {
    spec.enableCoordinator = spec.cniType === 'custom' ? false : (spec.enableCoordinator ?? true);
  }
  spec.disableIPAM ??= false;
  parentedDefaults(spec);
  deviceDefaults(spec);
  coordinatorDefaults(spec);
  injectLabels(out, old);
  return out;
}
