// SPDX-License-Identifier: Apache-2.0
// A snapshot of one network namespace (links, addresses, routes, rules) from iproute2's JSON
// output, normalised so that plans can compare it with what they want: destinations are
// canonical CIDRs, `default` is 0.0.0.0/0 or ::/0, the main table is 'main'.
import type { NetlinkPort, Netns } from './ip-runner.ts';

export type Family = 4 | 6;

export interface AddressState {
  family: Family;
  ip: string;
  prefix: number;
  scope: string;
  tentative: boolean;
  dadFailed: boolean;
}

export interface LinkState {
  index: number;
  name: string;
  mac: string;
  up: boolean;
  mtu: number;
  /** The peer's ifindex (veth) or the lower device's (macvlan), maybe in another namespace. */
  peerIndex: number | undefined;
  /** Set when the peer lives in another namespace. */
  peerInOtherNetns: boolean;
  addresses: AddressState[];
}

export interface RouteState {
  family: Family;
  dst: string;
  gw: string | undefined;
  dev: string | undefined;
  table: string;
  scope: string | undefined;
  protocol: string | undefined;
  /** Preferred source address (`src`). */
  src: string | undefined;
}

export interface RuleState {
  family: Family;
  priority: number;
  /** CIDR, or 'all'. */
  src: string;
  table: string;
}

export interface NetnsState {
  links: LinkState[];
  routes: RouteState[];
  rules: RuleState[];
}

type Json = Record<string, unknown>;

const SEPARATOR = '==snapshot==';
const SNAPSHOT_SCRIPT = ['ip -j addr show', 'ip -j -4 route show table all', 'ip -j -6 route show table all', 'ip -j -4 rule show', 'ip -j -6 rule show']
  .join(`; echo ${SEPARATOR}; `);

/** One process per snapshot: a shell running the five queries inside the namespace. */
export async function readNetnsState(port: NetlinkPort, netns: Netns): Promise<NetnsState> {
  const r = await port.exec(netns, 'sh', ['-c', `set -e; ${SNAPSHOT_SCRIPT}`]);
  if (r.code !== 0) throw new Error(`reading the network namespace ${netns ?? '(own)'} failed: ${r.stderr.trim()}`);
  return parseNetnsState(r.stdout);
}

export function parseNetnsState(output: string): NetnsState {
  const parts = output.split(SEPARATOR).map((p) => (p.trim() ? (JSON.parse(p) as Json[]) : []));
  const [links = [], routes4 = [], routes6 = [], rules4 = [], rules6 = []] = parts;
  return {
    links: links.map(parseLink),
    routes: [...routes4.map((r) => parseRoute(r, 4)), ...routes6.map((r) => parseRoute(r, 6))].filter((r) => r.table !== 'local'),
    rules: [...rules4.map((r) => parseRule(r, 4)), ...rules6.map((r) => parseRule(r, 6))],
  };
}

function parseLink(l: Json): LinkState {
  const addrs = Array.isArray(l['addr_info']) ? (l['addr_info'] as Json[]) : [];
  return {
    index: Number(l['ifindex']),
    name: String(l['ifname']),
    mac: String(l['address'] ?? ''),
    up: Array.isArray(l['flags']) && (l['flags'] as string[]).includes('UP'),
    mtu: Number(l['mtu'] ?? 0),
    peerIndex: typeof l['link_index'] === 'number' ? l['link_index'] : undefined,
    peerInOtherNetns: l['link_netnsid'] !== undefined,
    addresses: addrs.filter((a) => a['family'] === 'inet' || a['family'] === 'inet6').map((a) => ({
      family: a['family'] === 'inet' ? 4 : 6,
      ip: String(a['local']),
      prefix: Number(a['prefixlen']),
      scope: String(a['scope'] ?? ''),
      tentative: a['tentative'] === true,
      dadFailed: a['dadfailed'] === true,
    })),
  };
}

/** `default` → 0.0.0.0/0 or ::/0; a bare address → /32 or /128. */
export function canonicalDst(dst: string, family: Family): string {
  if (dst === 'default') return family === 4 ? '0.0.0.0/0' : '::/0';
  return dst.includes('/') ? dst : `${dst}/${family === 4 ? 32 : 128}`;
}

function parseRoute(r: Json, family: Family): RouteState {
  const str = (k: string): string | undefined => (typeof r[k] === 'string' ? (r[k] as string) : undefined);
  return {
    family,
    dst: canonicalDst(String(r['dst']), family),
    gw: str('gateway'),
    dev: str('dev'),
    table: str('table') ?? (typeof r['table'] === 'number' ? String(r['table']) : 'main'),
    scope: str('scope'),
    protocol: str('protocol'),
    src: str('prefsrc'),
  };
}

function parseRule(r: Json, family: Family): RuleState {
  const src = String(r['src'] ?? 'all');
  const len = typeof r['srclen'] === 'number' ? r['srclen'] : family === 4 ? 32 : 128;
  return { family, priority: Number(r['priority']), src: src === 'all' ? 'all' : `${src}/${len}`, table: String(r['table']) };
}

export const linkNamed = (state: NetnsState, name: string): LinkState | undefined => state.links.find((l) => l.name === name);

/** Global-scope addresses of a link (what a pod NIC was given). */
export const globalAddresses = (link: LinkState | undefined): AddressState[] => (link?.addresses ?? []).filter((a) => a.scope === 'global');
