// SPDX-License-Identifier: Apache-2.0
// The mutating half of SpiderMultusConfig admission: upstream's defaults, applied to a copy.
// Like upstream's defaulter it never rejects anything; the validating half does that.
import { Annotations, Labels, type BondConfig, type SpiderMultusConfig, type SpiderMultusConfigSpec, type SpiderpoolPools } from '@spiderpool/crds';
import { coordinatorOverrideWithDefaults } from './coordinator-override.ts';

const defaultPools = (pools: SpiderpoolPools | undefined): SpiderpoolPools => ({ ...pools, ipv4: pools?.ipv4 ?? [], ipv6: pools?.ipv6 ?? [] });

const defaultBond = (bond: BondConfig | undefined): BondConfig | undefined => bond && { ...bond, options: bond.options ?? '' };

function parentedDefaults(spec: SpiderMultusConfigSpec): void {
  for (const type of ['macvlan', 'ipvlan'] as const) {
    const block = spec[type];
    if (spec.cniType !== type || !block) continue;
    spec[type] = { ...block, vlanID: block.vlanID ?? 0, mtu: block.mtu ?? 0, bond: defaultBond(block.bond), ippools: defaultPools(block.ippools) };
    if (!block.bond) delete spec[type].bond;
  }
  const vlan = spec.vlan;
  if (spec.cniType === 'vlan' && vlan) {
    // No vlanID default here: manual mode must be told the VLAN, auto mode must not be.
    spec.vlan = { ...vlan, mtu: vlan.mtu ?? 0, vlanMode: vlan.vlanMode ?? 'manual', bond: defaultBond(vlan.bond), ippools: defaultPools(vlan.ippools) };
    if (!vlan.bond) delete spec.vlan.bond;
  }
}

function deviceDefaults(spec: SpiderMultusConfigSpec): void {
  const { sriov, ibsriov, ipoib, ovs } = spec;
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
  if (!spec.coordinator) return;
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
  const spec = (out.spec ??= {});
  spec.cniType ??= 'custom';
  // A custom configuration is used exactly as written, so nothing is chained to it.
  spec.enableCoordinator = spec.cniType === 'custom' ? false : (spec.enableCoordinator ?? true);
  spec.disableIPAM ??= false;
  parentedDefaults(spec);
  deviceDefaults(spec);
  coordinatorDefaults(spec);
  injectLabels(out, old);
  return out;
}
