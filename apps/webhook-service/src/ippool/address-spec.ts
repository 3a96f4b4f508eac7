// SPDX-License-Identifier: Apache-2.0
/**
 * The address fields pools and subnets share (`ipVersion`, `subnet`, `ips`, `excludeIPs`,
 * `gateway`, `routes`): checked once here, and compiled into sets for the overlap and in-use
 * checks that follow.
 */
import { isCanonicalCidr, formatCidr, tryParseCidr, type Cidr, type IpSet, type IpVersion } from '@spiderpool/ipam-domain';
import type { Route } from '@spiderpool/crds';
import type { Violation } from '../admission/admission-types.ts';
import { checkGateway, checkRoutes } from './gateway-routes.ts';
import { checkRanges } from './ip-ranges.ts';
import { violation } from './violation.ts';
import { isAbsent, typeViolation } from '../admission/field-types.ts';

/** As declared; admission reads every field as `unknown` until checked (see ../admission/field-types.ts). */
export interface AddressSpec {
  ipVersion?: unknown;
  subnet?: unknown;
  ips?: unknown;
  excludeIPs?: unknown;
  gateway?: unknown;
  routes?: Route[] | unknown;
}

/** A spec whose subnet, family and lists are sound, as sets. */
export interface CompiledAddresses {
  version: IpVersion;
  cidr: Cidr;
  ips: IpSet;
  excluded: IpSet;
  /** `ips − excludeIPs`: what the pool hands out, or what the subnet lends to pools. */
  usable: IpSet;
}

export interface AddressCheck {
  violations: Violation[];
  /** Undefined when subnet, family or a list is broken (the violations say why). */
  compiled: CompiledAddresses | undefined;
}

export function checkAddressSpec(spec: AddressSpec): AddressCheck {
  const subnet = checkSubnet(spec.subnet);
  const family = checkIpVersion(spec.ipVersion, subnet.cidr);
  const violations = [...subnet.violations, ...family.violations];
  const cidr = subnet.cidr;
  if (!cidr || family.violations.length > 0) return { violations, compiled: undefined };
  const version = cidr.version;
  const ips = checkRanges(spec.ips, { version, field: 'spec.ips', cidr });
  const excluded = checkRanges(spec.excludeIPs, { version, field: 'spec.excludeIPs', cidr });
  violations.push(...ips.violations, ...excluded.violations);
  const usable = ips.set && excluded.set ? ips.set.difference(excluded.set) : undefined;
  violations.push(...checkGateway(spec.gateway, cidr, usable), ...checkRoutes(spec.routes, cidr));
  const compiled = ips.set && excluded.set && usable && subnet.violations.length === 0
    ? { version, cidr, ips: ips.set, excluded: excluded.set, usable }
    : undefined;
  return { violations, compiled };
}

function checkSubnet(subnet: unknown): { cidr: Cidr | undefined; violations: Violation[] } {
  if (isAbsent(subnet) || subnet === '') {
    return { cidr: undefined, violations: [violation('spec.subnet', subnet, 'subnet-required', 'must be set to a CIDR')] };
  }
  if (typeof subnet !== 'string') {
    return { cidr: undefined, violations: [typeViolation('spec.subnet', subnet, 'a string: a CIDR such as 192.0.2.0/24')] };
  }
  const cidr = tryParseCidr(subnet);
  if (!cidr) {
    const rule = 'must be a CIDR such as 192.0.2.0/24 or 2001:db8::/64';
    return { cidr: undefined, violations: [violation('spec.subnet', subnet, 'subnet-invalid', rule)] };
  }
  if (!isCanonicalCidr(subnet)) {
    const rule = `must be canonical: the network address in canonical form, ${formatCidr(cidr)}`;
    return { cidr, violations: [violation('spec.subnet', subnet, 'subnet-not-canonical', rule)] };
  }
  return { cidr, violations: [] };
}

function checkIpVersion(ipVersion: unknown, cidr: Cidr | undefined): { violations: Violation[] } {
  if (isAbsent(ipVersion)) {
    // The mutating webhook derives it from a valid subnet; without one the subnet error says it all.
    if (!cidr) return { violations: [] };
    return { violations: [violation('spec.ipVersion', ipVersion, 'ipversion-required', 'must be 4 or 6')] };
  }
  if (ipVersion !== 4 && ipVersion !== 6) {
    return { violations: [violation('spec.ipVersion', ipVersion, 'ipversion-invalid', 'must be 4 or 6')] };
  }
  if (cidr && cidr.version !== ipVersion) {
    const rule = `must match spec.subnet ${formatCidr(cidr)}, an IPv${cidr.version} CIDR`;
    return { violations: [violation('spec.ipVersion', ipVersion, 'ipversion-mismatch', rule)] };
  }
  return { violations: [] };
}
