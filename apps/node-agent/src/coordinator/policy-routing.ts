// SPDX-License-Identifier: Apache-2.0
import { globalAddresses, type AddressState, type Family, type LinkState, type NetnsState, type RouteState } from '../netlink/netns-state.ts';
import { defaultNicOf, type CoordinatorConfig } from './coordinator-config.ts';
import { DEFAULT_DST, hostPrefix, ipOp, POD_VETH, type NetOp } from './net-ops.ts';

/** Routes to the node and the cluster CIDRs, written into a given table. */
export interface NicRouting {
  routesVia(table: string, families: Family[]): NetOp[];
  /** The node-side device that reaches the pod (undefined: none, e.g. overlay without a veth). */
  hostDev: string | undefined;
}

export interface PolicyInput {
  config: CoordinatorConfig;
  ifName: string;
  pod: NetnsState;
  gateways: Partial<Record<Family, string>>;
  routing: NicRouting;
  addresses: AddressState[];
}

/**
 * The policy table of a NIC: 100 + the number its name ends with (eth0 → 100, net1 → 101),
 * stable across restarts and independent of the order NICs were added; a name without a number
 * uses 100 + its ifindex (unique in the pod).
 */
export function tableFor(nic: string, pod: NetnsState): number {
  const digits = /(\d+)$/.exec(nic)?.[1];
  if (digits !== undefined && Number(digits) < 1000) return 100 + Number(digits);
  return 100 + (pod.links.find((l) => l.name === nic)?.index ?? 0);
}

const isDefault = (r: RouteState): boolean => r.dst === DEFAULT_DST[r.family];
const isLocalScope = (dst: string): boolean => /^(fe80:|ff[0-9a-f]{2}:)/i.test(dst);

export function policyRoutingOps(input: PolicyInput): NetOp[] {
  const defaultNic = defaultNicOf(input.config);
  const ops: NetOp[] = [];
  if (input.ifName !== defaultNic) {
    ops.push(...moveToTable(input, input.ifName, input.addresses, input.gateways));
  } else if (input.ifName !== input.config.podDefaultCniNic) {
    // This NIC takes over the default route: NICs that got one in main before move to their tables.
    for (const link of otherNicsWithMainDefault(input)) ops.push(...moveToTable(input, link.name, globalAddresses(link), {}));
  }
  const table = input.ifName === defaultNic ? [] : ['table', String(tableFor(input.ifName, input.pod))];
  for (const r of input.config.policyRoutes) ops.push(ipOp('pod', 'route', 'replace', r.dst, 'via', r.gw, ...table));
  return ops;
}

function otherNicsWithMainDefault(input: PolicyInput): LinkState[] {
  const holders = new Set(input.pod.routes.filter((r) => r.table === 'main' && isDefault(r) && r.dev !== input.ifName).map((r) => r.dev));
  return input.pod.links.filter((l) => l.name !== POD_VETH && holders.has(l.name) && globalAddresses(l).length > 0);
}

/** Rules `from <ip> lookup T`, the NIC's routes copied into T with its default, main's default removed. */
function moveToTable(input: PolicyInput, nic: string, addresses: AddressState[], gateways: Partial<Record<Family, string>>): NetOp[] {
  const table = String(tableFor(nic, input.pod));
  const families = [...new Set(addresses.map((a) => a.family))];
  const mainRoutes = input.pod.routes.filter((r) => r.table === 'main' && r.dev === nic);
  const ops: NetOp[] = [];
  for (const a of addresses) {
    const src = `${a.ip}/${hostPrefix(a.family)}`;
    if (!input.pod.rules.some((r) => r.src === src && r.table === table)) ops.push(ipOp('pod', 'rule', 'add', 'from', a.ip, 'lookup', table));
  }
  for (const r of mainRoutes.filter((x) => !isDefault(x) && !isLocalScope(x.dst))) ops.push(copyRoute(r, nic, table));
  for (const family of families) {
    const gw = gateways[family] ?? mainRoutes.find((r) => r.family === family && isDefault(r))?.gw;
    if (gw) ops.push(ipOp('pod', 'route', 'replace', DEFAULT_DST[family], 'via', gw, 'dev', nic, 'table', table));
  }
  for (const r of mainRoutes.filter(isDefault)) ops.push(ipOp('pod', 'route', 'del', r.dst, ...(r.gw ? ['via', r.gw] : []), 'dev', nic));
  ops.push(...input.routing.routesVia(table, families));
  return ops;
}

function copyRoute(r: RouteState, nic: string, table: string): NetOp {
  const via = r.gw ? ['via', r.gw] : [];
  const scope = !r.gw && r.scope === 'link' ? ['scope', 'link'] : [];
  const src = r.src ? ['src', r.src] : [];
  return ipOp('pod', 'route', 'replace', r.dst, ...via, 'dev', nic, ...scope, ...src, 'table', table);
}
