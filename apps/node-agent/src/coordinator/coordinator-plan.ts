// SPDX-License-Identifier: Apache-2.0
// What the coordinator does for one NIC of one pod, as a list of operations (pure).
//
// Underlay (the pod's NICs are macvlan/ipvlan/SR-IOV on the node's network): the first NIC gets
// a veth pair `veth0` ↔ `veth<container>` to the node. Inside the pod, the node's addresses and
// the cluster's pod/service CIDRs (+ hijackCIDR) are routed through veth0, so the pod reaches
// ClusterIPs (kube-proxy runs on the node) and its own node, which macvlan cannot. On the node,
// `from all lookup <hostRuleTable>` (pref 1000) holds `<podIP> dev veth<container>` so replies
// find the pod. Overlay (the first NIC belongs to Calico/Cilium): nothing is created; the node
// reaches an extra underlay NIC's address through the first NIC's host-side veth.
// Multi-NIC: the NIC that owns the default route keeps its routes in `main`; every other NIC's
// routes (with its own default route) live in its own table, selected by `from <its IP>`.
import { CniCode, CniError } from '../cni/cni-types.ts';
import { globalAddresses, linkNamed, type AddressState, type Family, type NetnsState } from '../netlink/netns-state.ts';
import { defaultNicOf, type CoordinatorConfig } from './coordinator-config.ts';
import { hostVethName, ipOp, ipOpFamily, POD_VETH, POD_VETH_LL, HOST_VETH_LL, hostPrefix, type NetOp } from './net-ops.ts';
import { macFromPrefix, nicTuningOps } from './nic-tuning.ts';
import { policyRoutingOps, type NicRouting } from './policy-routing.ts';

export type ResolvedMode = 'underlay' | 'overlay' | 'disable';

export interface PlanInput {
  config: CoordinatorConfig;
  ifName: string;
  containerId: string;
  /** The pod's namespace path, as the host side names it when creating the veth pair. */
  podNetns: string;
  pod: NetnsState;
  host: NetnsState;
  /** The node's addresses the pod must reach through the host (all families). */
  hostIps: string[];
  /** Gateways of this NIC by family (from the previous plugin's result). */
  gateways: Partial<Record<Family, string>>;
}

export interface CoordinatorPlan {
  mode: ResolvedMode;
  hostVeth: string;
  ops: NetOp[];
  /** The NIC's new MAC (podMACPrefix), which the result passed on must carry. */
  mac?: string;
}

const fail = (msg: string): CniError => new CniError(CniCode.INVALID_NETCONF, msg);

/** auto: the first NIC is underlay; a later NIC is underlay when veth0 exists, else overlay. */
export function resolveMode(config: CoordinatorConfig, ifName: string, pod: NetnsState): ResolvedMode {
  const first = ifName === config.podDefaultCniNic;
  const hasVeth = linkNamed(pod, POD_VETH) !== undefined;
  const mode = config.mode === 'auto' ? (first || hasVeth ? 'underlay' : 'overlay') : config.mode;
  if (mode === 'underlay' && !first && !hasVeth) {
    throw fail(`coordinator: underlay mode on ${ifName} needs ${POD_VETH} from the first interface ${config.podDefaultCniNic}; enable the coordinator plugin on ${config.podDefaultCniNic} too`);
  }
  if (mode === 'overlay' && first) throw fail(`coordinator: overlay mode cannot run on the first interface ${ifName}: it belongs to the overlay CNI`);
  return mode;
}

export function planAdd(input: PlanInput): CoordinatorPlan {
  const mode = resolveMode(input.config, input.ifName, input.pod);
  const hostVeth = hostVethName(input.containerId);
  if (mode === 'disable') return { mode, hostVeth, ops: [] };
  const nic = linkNamed(input.pod, input.ifName);
  if (!nic) throw new CniError(CniCode.UNKNOWN_CONTAINER, `coordinator: interface ${input.ifName} does not exist in ${input.podNetns}`);
  const addresses = globalAddresses(nic);
  const families = [...new Set(addresses.map((a) => a.family))];
  const ops: NetOp[] = [...nicTuningOps(input.config, input.ifName, addresses)];
  const mac = input.config.podMACPrefix ? macFromPrefix(input.config.podMACPrefix, addresses) : undefined;
  const first = input.ifName === input.config.podDefaultCniNic;
  const routing = throughHost(input, mode, hostVeth);
  if (mode === 'underlay' && first) ops.push(...vethPairOps(input, hostVeth, families), ...routing.routesVia('main', families));
  if (mode === 'overlay' && defaultNicOf(input.config) !== input.config.podDefaultCniNic) ops.push(...routing.routesVia('main', families));
  ops.push(...hostSideOps(input, routing.hostDev, addresses, mode === 'underlay'));
  if (input.config.tunePodRoutes) ops.push(...policyRoutingOps({ ...input, routing, addresses }));
  return { mode, hostVeth, ops, ...(mac ? { mac } : {}) };
}


/** The veth pair and its link-local addresses; skipped when veth0 exists (second ADD). */
function vethPairOps(input: PlanInput, hostVeth: string, families: Family[]): NetOp[] {
  const mtu = String(input.config.vethMTU);
  const ops: NetOp[] = [];
  if (!linkNamed(input.pod, POD_VETH)) {
    ops.push(ipOp('host', 'link', 'add', hostVeth, 'mtu', mtu, 'type', 'veth', 'peer', 'name', POD_VETH, 'mtu', mtu, 'netns', input.podNetns));
  }
  ops.push(ipOp('host', 'link', 'set', hostVeth, 'up'), ipOp('pod', 'link', 'set', POD_VETH, 'up'));
  if (families.includes(6)) {
    ops.push(ipOp('host', 'addr', 'replace', `${HOST_VETH_LL}/64`, 'dev', hostVeth, 'nodad'), ipOp('pod', 'addr', 'replace', `${POD_VETH_LL}/64`, 'dev', POD_VETH, 'nodad'));
  }
  if (input.config.vethLinkAddress) ops.push(ipOp('pod', 'addr', 'replace', `${input.config.vethLinkAddress}/32`, 'dev', POD_VETH));
  return ops;
}

/**
 * How traffic for the node and the cluster CIDRs leaves the pod: through veth0 (underlay) or
 * through the overlay first NIC's gateway (overlay). The same routes go into `main` and into
 * every policy table, so replies to the node leave the way requests came in.
 */
function throughHost(input: PlanInput, mode: ResolvedMode, hostVeth: string): NicRouting {
  const cidrs = [...input.config.overlayPodCIDR, ...input.config.serviceCIDR, ...input.config.hijackCIDR];
  const hostV4 = input.hostIps.find((ip) => !ip.includes(':'));
  const overlayGw = mode === 'overlay' ? overlayGateways(input) : {};
  const via = (family: Family): string[] | undefined => {
    if (mode === 'underlay') return family === 4 ? (hostV4 ? ['via', hostV4, 'dev', POD_VETH, 'onlink'] : undefined) : ['via', HOST_VETH_LL, 'dev', POD_VETH];
    const gw = overlayGw[family];
    return gw ? ['via', gw, 'dev', input.config.podDefaultCniNic, 'onlink'] : undefined;
  };
  const routesVia = (table: string, families: Family[]): NetOp[] => {
    const t = table === 'main' ? [] : ['table', table];
    const ops: NetOp[] = [];
    for (const ip of input.hostIps) {
      const family: Family = ip.includes(':') ? 6 : 4;
      if (!families.includes(family)) continue;
      const hop = mode === 'underlay' && family === 4 ? ['dev', POD_VETH, 'scope', 'link'] : via(family);
      if (hop) ops.push(ipOp('pod', 'route', 'replace', `${ip}/${hostPrefix(family)}`, ...hop, ...t));
    }
    for (const cidr of cidrs) {
      const family: Family = cidr.includes(':') ? 6 : 4;
      const hop = families.includes(family) ? via(family) : undefined;
      if (hop) ops.push(ipOp('pod', 'route', 'replace', cidr, ...hop, ...t));
    }
    return ops;
  };
  return { routesVia, hostDev: mode === 'underlay' ? hostVeth : overlayHostPeer(input) };
}

/** The overlay first NIC's gateway, from its default route in main or in its policy table. */
function overlayGateways(input: PlanInput): Partial<Record<Family, string>> {
  const out: Partial<Record<Family, string>> = {};
  for (const r of input.pod.routes) {
    if (r.dev === input.config.podDefaultCniNic && r.gw && (r.dst === '0.0.0.0/0' || r.dst === '::/0')) out[r.family] ??= r.gw;
  }
  return out;
}

/** The node-side end of the overlay first NIC (a veth whose peer index points into the node). */
function overlayHostPeer(input: PlanInput): string | undefined {
  const first = linkNamed(input.pod, input.config.podDefaultCniNic);
  if (!first?.peerInOtherNetns || first.peerIndex === undefined) return undefined;
  return input.host.links.find((l) => l.index === first.peerIndex)?.name;
}

/** On the node: `from all lookup <hostRuleTable>` once, and a route to each pod address. */
function hostSideOps(input: PlanInput, hostDev: string | undefined, addresses: AddressState[], throughVeth: boolean): NetOp[] {
  if (!hostDev || addresses.length === 0) return [];
  const table = String(input.config.hostRuleTable);
  const ops: NetOp[] = [];
  for (const family of [4, 6] as const) {
    const mine = addresses.filter((a) => a.family === family);
    if (mine.length === 0) continue;
    const hasRule = input.host.rules.some((r) => r.family === family && r.src === 'all' && r.table === table);
    if (!hasRule) ops.push(ipOpFamily('host', family, 'rule', 'add', 'from', 'all', 'lookup', table, 'pref', '1000'));
    // IPv6 neighbour discovery only answers for addresses on the receiving link: reach the pod's
    // addresses through veth0's fixed link-local address instead.
    const hop = family === 6 && throughVeth ? ['via', POD_VETH_LL, 'dev', hostDev] : ['dev', hostDev];
    for (const a of mine) ops.push(ipOp('host', 'route', 'replace', `${a.ip}/${hostPrefix(family)}`, ...hop, 'table', table));
  }
  return ops;
}
