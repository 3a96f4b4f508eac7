// SPDX-License-Identifier: Apache-2.0
/**
 * Pure checks of the coordinator settings (SpiderCoordinator.spec, the `coordinator` netconf,
 * SpiderMultusConfig.spec.coordinator). Admission and the CNI plugin must agree on what is
 * valid, so the rules live here once; each check answers which rule broke, never a message, so
 * that every caller words the answer in its own format (violation, CNI error).
 */
import { tryParseCidr } from '../ip/cidr.ts';
import { tryParseIp, type IpVersion } from '../ip/ip-address.ts';

/** The mode names the coordinator plugin acts on; `disabled` (upstream's schema spelling) is `disable`. */
export type CoordinatorModeName = 'auto' | 'underlay' | 'overlay' | 'disable';

const MODE_NAMES: Readonly<Record<string, CoordinatorModeName>> = {
  auto: 'auto',
  underlay: 'underlay',
  overlay: 'overlay',
  disable: 'disable',
  disabled: 'disable',
};

/** The mode `value` stands for, or undefined when it is none of them. */
export function coordinatorModeOf(value: unknown): CoordinatorModeName | undefined {
  return typeof value === 'string' && Object.hasOwn(MODE_NAMES, value) ? MODE_NAMES[value] : undefined;
}

/** Defaults upstream's mutating webhook writes into an unset SpiderCoordinator field. */
export const COORDINATOR_DEFAULTS = {
  mode: 'auto',
  tunePodRoutes: true,
  hostRuleTable: 500,
  podRPFilter: 0,
  txQueueLen: 0,
  vethMTU: 1500,
} as const;

/**
 * A CIDR as written, or a bare IP made a host route (`/32`, `/128`); undefined when `text` is
 * neither. Host bits in a CIDR are kept: the kernel accepts `192.0.2.1/24` as a route target.
 */
export function cidrOrIpAsCidr(text: unknown): string | undefined {
  if (typeof text !== 'string') return undefined;
  if (text.includes('/')) return tryParseCidr(text) ? text : undefined;
  const ip = tryParseIp(text);
  return ip ? `${text}/${ip.version === 4 ? 32 : 128}` : undefined;
}

function familyOfCidrText(cidr: string): IpVersion | undefined {
  return tryParseCidr(cidr)?.version;
}

/**
 * Which part of a policy route `{dst, gw}` is wrong: `dst` not an IP or CIDR, `gw` not an IP,
 * or `family` when they are of different IP families. undefined when the route is usable.
 */
export function policyRouteProblem(dst: unknown, gw: unknown): 'dst' | 'gw' | 'family' | undefined {
  const cidr = cidrOrIpAsCidr(dst);
  if (!cidr) return 'dst';
  const gateway = typeof gw === 'string' ? tryParseIp(gw) : undefined;
  if (!gateway) return 'gw';
  return familyOfCidrText(cidr) === gateway.version ? undefined : 'family';
}

const MAC_PREFIX = /^[0-9a-fA-F]{2}:[0-9a-fA-F]{2}$/;

/**
 * `format` unless `value` is two hex bytes `xx:yy`; `multicast` when the first byte has its
 * lowest bit set, which would make every pod MAC a multicast address.
 */
export function macPrefixProblem(value: unknown): 'format' | 'multicast' | undefined {
  if (typeof value !== 'string' || !MAC_PREFIX.test(value)) return 'format';
  return parseInt(value.slice(0, 2), 16) & 1 ? 'multicast' : undefined;
}

export const ROUTE_TABLE_MIN = 1;
export const ROUTE_TABLE_MAX = 0xffff_ffff;
/** The kernel's own tables: default (253), main (254) and local (255). */
export const KERNEL_ROUTE_TABLES: readonly number[] = [253, 254, 255];

/** `range` outside 1..2^32-1 (or not an integer), `reserved` for a table the kernel owns. */
export function routeTableProblem(table: unknown): 'range' | 'reserved' | undefined {
  if (typeof table !== 'number' || !Number.isInteger(table) || table < ROUTE_TABLE_MIN || table > ROUTE_TABLE_MAX) return 'range';
  return KERNEL_ROUTE_TABLES.includes(table) ? 'reserved' : undefined;
}

/**
 * rp_filter accepts 0 (off), 1 (strict) and 2 (loose); any negative integer means "leave the
 * pod's setting as it is" (upstream's rule, and what the CRD field documents).
 */
export function isValidPodRPFilter(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value <= 2;
}
