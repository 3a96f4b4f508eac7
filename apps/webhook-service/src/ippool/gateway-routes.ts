// SPDX-License-Identifier: Apache-2.0
/** `spec.gateway` and `spec.routes` of pools and subnets (same rules for both kinds). */
import { cidrContains, formatCidr, tryParseCidr, tryParseIp, type Cidr, type IpSet } from '@spiderpool/ipam-domain';
import type { Route } from '@spiderpool/crds';
import type { Violation } from '../admission/admission-types.ts';
import { violation } from './violation.ts';
import { isAbsent, isRecord, typeViolation } from '../admission/field-types.ts';

/**
 * The gateway must be an address inside the subnet and must not be handed out to a pod, i.e.
 * not in `ips − excludeIPs` (`usable`, when known).
 */
export function checkGateway(gateway: unknown, cidr: Cidr, usable: IpSet | undefined): Violation[] {
  if (isAbsent(gateway)) return [];
  if (typeof gateway !== 'string') return [typeViolation('spec.gateway', gateway, 'a string: an IP address')];
  const ip = tryParseIp(gateway);
  if (!ip) return [violation('spec.gateway', gateway, 'gateway-invalid', 'must be an IP address')];
  if (!cidrContains(cidr, ip)) {
    return [violation('spec.gateway', gateway, 'gateway-outside-subnet', `must be inside spec.subnet ${formatCidr(cidr)}`)];
  }
  if (usable?.version === ip.version && usable.has(ip.value)) {
    const rule = 'must not be an address pods are given: list it in spec.excludeIPs or leave it out of spec.ips';
    return [violation('spec.gateway', gateway, 'gateway-in-ips', rule)];
  }
  return [];
}

/**
 * Each route: `dst` a canonical CIDR of the subnet's family, not a default route (that is what
 * `spec.gateway` is for), not repeated; `gw` an address inside the subnet (the pod reaches only
 * next hops on its own link).
 */
export function checkRoutes(routes: readonly Route[] | unknown, cidr: Cidr): Violation[] {
  if (isAbsent(routes)) return [];
  if (!Array.isArray(routes)) return [typeViolation('spec.routes', routes, 'a list of routes {dst, gw}')];
  const seen = new Map<string, number>();
  return routes.flatMap((route: unknown, i) => {
    if (!isRecord(route)) return [typeViolation(`spec.routes[${i}]`, route, 'a route {dst, gw}')];
    return [
      ...checkDst(route['dst'], { cidr, field: `spec.routes[${i}].dst`, seen, index: i }),
      ...checkRouteGw(route['gw'], cidr, `spec.routes[${i}].gw`),
    ];
  });
}

interface DstContext {
  cidr: Cidr;
  field: string;
  /** Canonical dst → index of the first route with it. */
  seen: Map<string, number>;
  index: number;
}

function checkDst(dst: unknown, c: DstContext): Violation[] {
  const parsed = typeof dst === 'string' ? tryParseCidr(dst) : undefined;
  if (!parsed) return [violation(c.field, dst, 'route-dst-invalid', 'must be a CIDR such as 198.51.100.0/24')];
  if (parsed.version !== c.cidr.version) {
    return [violation(c.field, dst, 'route-dst-wrong-family', `must be an IPv${c.cidr.version} CIDR like spec.subnet`)];
  }
  const canonical = formatCidr(parsed);
  if (parsed.prefix === 0) {
    return [violation(c.field, dst, 'route-dst-default', 'must not be a default route: set spec.gateway instead')];
  }
  if (canonical !== dst) {
    return [violation(c.field, dst, 'route-dst-not-canonical', `must be written as the network address ${canonical}`)];
  }
  const first = c.seen.get(canonical);
  if (first !== undefined) {
    return [violation(c.field, dst, 'route-dst-duplicate', `must not repeat the dst of spec.routes[${first}]`)];
  }
  c.seen.set(canonical, c.index);
  return [];
}

function checkRouteGw(gw: unknown, cidr: Cidr, field: string): Violation[] {
  const ip = typeof gw === 'string' ? tryParseIp(gw) : undefined;
  if (!ip) return [violation(field, gw, 'route-gw-invalid', 'must be an IP address')];
  if (!cidrContains(cidr, ip)) {
    return [violation(field, gw, 'route-gw-outside-subnet', `must be inside spec.subnet ${formatCidr(cidr)}`)];
  }
  return [];
}
