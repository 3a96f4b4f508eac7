// SPDX-License-Identifier: Apache-2.0
/**
 * The routes IPAM hands back for a pod's NICs: each pool's `spec.routes`, a default route via the
 * pool gateway, and the pod's `ipam.spidernet.io/routes`, each attached to the NIC whose subnet
 * contains its gateway.
 */
import { formatIp, tryParseIp, type IpVersion } from '../ip/ip-address.ts';
import type { RouteSpec } from '../types.ts';
import { cidrContains, formatNetwork, tryParseCidr } from './cidr-text.ts';

export interface RouteNicAddress {
  version: IpVersion;
  /** The allocated address with the pool's prefix length, e.g. `192.0.2.10/24`. */
  address: string;
  /** The pool gateway, if any. */
  gateway?: string;
  /** The pool's `spec.routes`. */
  poolRoutes: RouteSpec[];
}

export interface RouteNic {
  nic: string;
  /** No default route for this NIC (`cleangateway` / `clean_gateway`). */
  cleanGateway: boolean;
  ips: RouteNicAddress[];
}

export interface NicRoute {
  nic: string;
  dst: string;
  gw: string;
}

export interface BuildRoutesOptions {
  /** The NICs in the order their routes should be listed. */
  nics: readonly RouteNic[];
  /** Routes from the pod annotation `ipam.spidernet.io/routes`. */
  annotationRoutes: readonly RouteSpec[];
  /** When set, only this NIC gets default routes (`ipam.spidernet.io/default-route-nic`). */
  defaultRouteNic?: string;
}

export interface BuildRoutesResult {
  routes: NicRoute[];
  /** Annotation routes whose gateway lies in no NIC's subnet (upstream logs and drops them). */
  unattached: RouteSpec[];
}

const DEFAULT_DST: Record<IpVersion, string> = { 4: '0.0.0.0/0', 6: '::/0' };

/**
 * Builds the routes of all NICs. Order is deterministic: NICs in the given order; within a NIC,
 * for each address in order its default route then its pool routes, then the annotation routes
 * attached to that NIC in annotation order. Exact duplicates (same NIC, dst and gw after
 * canonicalising the text) are listed once.
 */
export function buildRoutes(o: BuildRoutesOptions): BuildRoutesResult {
  const { attached, unattached } = attachAnnotationRoutes(o.nics, o.annotationRoutes);
  const routes: NicRoute[] = [];
  const seen = new Set<string>();
  const add = (nic: string, route: RouteSpec): void => {
    const r = { nic, ...canonical(route) };
    const key = `${r.nic}|${r.dst}|${r.gw}`;
    if (seen.has(key)) return;
    seen.add(key);
    routes.push(r);
  };
  for (const nic of o.nics) {
    const wantsDefault = !nic.cleanGateway && (o.defaultRouteNic === undefined || o.defaultRouteNic === nic.nic);
    for (const ip of nic.ips) {
      if (wantsDefault && ip.gateway) add(nic.nic, { dst: DEFAULT_DST[ip.version], gw: ip.gateway });
      ip.poolRoutes.forEach((r) => add(nic.nic, r));
    }
    (attached.get(nic.nic) ?? []).forEach((r) => add(nic.nic, r));
  }
  return { routes, unattached };
}

function attachAnnotationRoutes(
  nics: readonly RouteNic[],
  annotationRoutes: readonly RouteSpec[],
): { attached: Map<string, RouteSpec[]>; unattached: RouteSpec[] } {
  const attached = new Map<string, RouteSpec[]>();
  const unattached: RouteSpec[] = [];
  for (const route of annotationRoutes) {
    const nic = nicOfGateway(nics, route.gw);
    if (nic === undefined) {
      unattached.push(route);
      continue;
    }
    attached.set(nic, [...(attached.get(nic) ?? []), route]);
  }
  return { attached, unattached };
}

/** The first NIC (in order) with an address whose subnet contains `gw`. */
function nicOfGateway(nics: readonly RouteNic[], gw: string): string | undefined {
  const gateway = tryParseIp(gw);
  if (!gateway) return undefined;
  const owner = nics.find((nic) =>
    nic.ips.some((ip) => {
      const cidr = tryParseCidr(ip.address);
      return cidr !== undefined && cidrContains(cidr, gateway);
    }),
  );
  return owner?.nic;
}

/** Canonical text so that `2001:DB8::1` and `2001:db8::1` count as the same route. */
function canonical(route: RouteSpec): RouteSpec {
  const dst = tryParseCidr(route.dst);
  const gw = tryParseIp(route.gw);
  return { dst: dst ? formatNetwork(dst) : route.dst, gw: gw ? formatIp(gw) : route.gw };
}
