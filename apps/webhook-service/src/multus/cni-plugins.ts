// SPDX-License-Identifier: Apache-2.0
// The plugin entries of a generated conflist, one builder per plugin. Field names are the ones
// each plugin reads (upstream's generator, the CNI plugins' own netconf types). Optional
// fields are left out rather than written empty, so a rendering only changes when the
// SpiderMultusConfig does.
import type { BondConfig, CoordinatorSpec, IBSriovConfig, IPoIBConfig, MacvlanConfig, OvsConfig, SpiderpoolPools, SriovConfig, VlanConfig } from '@spiderpool/crds';

export type Plugin = Record<string, unknown>;

/** Drops undefined, empty strings and empty lists, keeping the key order of `o`. */
export function compact(o: Plugin): Plugin {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0)));
}

export interface IpamOptions {
  disableIPAM: boolean;
  /** Upstream passes `match_master_subnet` for SR-IOV only. */
  matchMasterSubnet?: boolean;
}

export function ipamOf(pools: SpiderpoolPools | undefined, o: IpamOptions): Plugin | undefined {
  if (o.disableIPAM) return undefined;
  return compact({
    type: 'spiderpool',
    default_ipv4_ippool: pools?.ipv4,
    default_ipv6_ippool: pools?.ipv6,
    match_master_subnet: o.matchMasterSubnet ? true : undefined,
  });
}

/** The host interface the main plugin attaches to: the bond over several masters, or the one master. */
export function parentOf(block: MacvlanConfig | VlanConfig): string {
  return block.master.length > 1 && block.bond ? block.bond.name : (block.master[0] ?? '');
}

/**
 * ifacer prepares the host side first: the bond over several masters and, for macvlan/ipvlan,
 * the VLAN sub-interface. `vlanID` is 0 for the vlan type, whose plugin makes the VLAN itself.
 */
export function ifacerOf(block: MacvlanConfig | VlanConfig, vlanID: number): Plugin | undefined {
  const bonded = block.master.length > 1;
  if (!bonded && vlanID === 0) return undefined;
  const bond: BondConfig | undefined = bonded ? block.bond : undefined;
  return compact({
    type: 'ifacer',
    interfaces: block.master,
    vlanID: vlanID || undefined,
    bond: bond && compact({ name: bond.name, mode: bond.mode, options: bond.options }),
  });
}

const vlanSuffix = (vlanID: number | undefined): string => (vlanID ? `.${vlanID}` : '');

export function macvlanOf(block: MacvlanConfig, ipam: Plugin | undefined): Plugin {
  return compact({ type: 'macvlan', master: `${parentOf(block)}${vlanSuffix(block.vlanID)}`, mode: 'bridge', mtu: block.mtu || undefined, ipam });
}

export function ipvlanOf(block: MacvlanConfig, ipam: Plugin | undefined): Plugin {
  return compact({ type: 'ipvlan', master: `${parentOf(block)}${vlanSuffix(block.vlanID)}`, mtu: block.mtu || undefined, ipam });
}

/** In auto mode the VLAN ID is left to the plugin at ADD time, so only the mode is written. */
export function vlanOf(block: VlanConfig, ipam: Plugin | undefined): Plugin {
  const auto = block.vlanMode === 'auto';
  return compact({ type: 'vlan', master: parentOf(block), vlanId: auto ? undefined : block.vlanID, vlanMode: auto ? 'auto' : undefined, mtu: block.mtu || undefined, ipam });
}

/** SR-IOV VF: 0 rates mean "no limit" and are left out. The MTU goes through the tuning plugin. */
export function sriovOf(block: SriovConfig, ipam: Plugin | undefined): Plugin {
  return compact({ type: 'sriov', vlan: block.vlanID || undefined, minTxRate: block.minTxRateMbps || undefined, maxTxRate: block.maxTxRateMbps || undefined, ipam });
}

export function ibSriovOf(block: IBSriovConfig, ipam: Plugin | undefined): Plugin {
  return compact({
    type: 'ib-sriov',
    pkey: block.pkey,
    link_state: block.linkState,
    rdmaIsolation: block.rdmaIsolation,
    ibKubernetesEnabled: block.enableIbKubernetes,
    ipam,
  });
}

export function ipoibOf(block: IPoIBConfig, ipam: Plugin | undefined): Plugin {
  return compact({ type: 'ipoib', master: block.master, ipam });
}

export function ovsOf(block: OvsConfig, ipam: Plugin | undefined): Plugin {
  const trunk = block.trunk?.map((t) => compact({ minID: t.minID, maxID: t.maxID, id: t.id }));
  return compact({ type: 'ovs', bridge: block.bridge, vlan: block.vlan, trunk, deviceID: block.deviceID, ipam });
}

/** Moves the RDMA device of an SR-IOV VF into the pod's network namespace. */
export const rdmaPlugin = (): Plugin => ({ type: 'rdma' });

/** Sets the pod NIC's MTU where the main plugin cannot (SR-IOV). */
export const tuningPlugin = (mtu: number): Plugin => ({ type: 'tuning', mtu });

/**
 * The coordinator entry: only what the block sets. Upstream's CRD spelling `disabled` is written
 * as `disable`, the spelling the coordinator plugin understands; `podDefaultRouteNIC` becomes
 * the plugin's `podDefaultRouteNic`.
 */
export function coordinatorOf(spec: CoordinatorSpec | undefined): Plugin {
  if (!spec) return { type: 'coordinator' };
  return compact({
    type: 'coordinator',
    mode: spec.mode === 'disabled' ? 'disable' : spec.mode,
    tunePodRoutes: spec.tunePodRoutes,
    podDefaultRouteNic: spec.podDefaultRouteNIC,
    podMACPrefix: spec.podMACPrefix,
    hijackCIDR: spec.hijackCIDR,
    policyRoutes: spec.policyRoutes?.map((r) => ({ dst: r.dst, gw: r.gw })),
    hostRuleTable: spec.hostRuleTable,
    podRPFilter: spec.podRPFilter,
    txQueueLen: spec.txQueueLen,
    vethLinkAddress: spec.vethLinkAddress,
    vethMTU: spec.vethMTU,
  });
}
