// SPDX-License-Identifier: Apache-2.0
// The `coordinator` netconf (upstream field names). Every tuning field is optional: what the
// netconf leaves out is taken from the SpiderCoordinator (see coordinator-config.ts).
// The rules themselves live in ipam-domain, shared with admission; only the wording is here.
import {
  cidrOrIpAsCidr,
  coordinatorModeOf,
  isValidInterfaceName,
  macPrefixProblem,
  policyRouteProblem,
  routeTableProblem,
  tryParseIp,
  type CoordinatorModeName,
} from '@spiderpool/ipam-domain';
import { checkedVersion, decodeNetconf, invalidConf } from '../cni/netconf-common.ts';

export { invalidConf };

export type CoordinatorMode = CoordinatorModeName;

export interface PolicyRoute {
  dst: string;
  gw: string;
}

/** The tuning fields shared by the netconf and SpiderCoordinator.spec. */
export interface CoordinatorTuning {
  mode?: CoordinatorMode;
  tunePodRoutes?: boolean;
  podDefaultRouteNic?: string;
  podMACPrefix?: string;
  overlayPodCIDR?: string[];
  serviceCIDR?: string[];
  hijackCIDR?: string[];
  policyRoutes?: PolicyRoute[];
  hostRuleTable?: number;
  podRPFilter?: number;
  txQueueLen?: number;
  vethLinkAddress?: string;
  vethMTU?: number;
}

export interface CoordinatorNetconf extends CoordinatorTuning {
  cniVersion: string;
  name: string;
  /** The NIC the pod's primary CNI creates (upstream `podDefaultCniNic`, default eth0). */
  podDefaultCniNic: string;
  /** The previous plugin's result, passed through unchanged; required for ADD and CHECK. */
  prevResult: Record<string, unknown> | undefined;
}


type Obj = Record<string, unknown>;


/** Accepts upstream's CRD spelling `disabled` as well as the plugin's `disable`. */
export function parseMode(value: unknown, field: string): CoordinatorMode | undefined {
  if (value === undefined || value === '') return undefined;
  const mode = coordinatorModeOf(value);
  if (!mode) throw invalidConf(field, 'must be one of auto, underlay, overlay, disable');
  return mode;
}

function optBool(conf: Obj, key: string): boolean | undefined {
  const v = conf[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw invalidConf(key, 'must be true or false');
  return v;
}

function optInt(conf: Obj, key: string, min: number, max: number): number | undefined {
  const v = conf[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw invalidConf(key, `must be an integer from ${min} to ${max}`);
  return v;
}

function optIfName(conf: Obj, key: string): string | undefined {
  const v = conf[key];
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string' || !isValidInterfaceName(v)) throw invalidConf(key, 'must be an interface name (1-15 bytes, no "/", ":" or whitespace)');
  return v;
}

/** CIDRs or bare IPs (made /32 or /128), as upstream's webhook normalises hijackCIDR. */
export function cidrList(value: unknown, field: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw invalidConf(field, 'must be a list of CIDRs');
  return value.map((item: unknown, i) => {
    const cidr = cidrOrIpAsCidr(item);
    if (!cidr) throw invalidConf(`${field}[${i}]`, 'must be a CIDR such as 192.0.2.0/24 or an IP address');
    return cidr;
  });
}

export function policyRouteList(value: unknown, field: string): PolicyRoute[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw invalidConf(field, 'must be a list of {dst, gw}');
  return value.map((item: unknown, i) => {
    const r = (typeof item === 'object' && item !== null ? item : {}) as Obj;
    const problem = policyRouteProblem(r['dst'], r['gw']);
    if (problem === 'dst') throw invalidConf(`${field}[${i}].dst`, 'must be a CIDR such as 192.0.2.0/24 or an IP address');
    if (problem === 'gw') throw invalidConf(`${field}[${i}].gw`, 'must be an IP address');
    if (problem === 'family') throw invalidConf(`${field}[${i}]`, 'dst and gw must be of the same IP family');
    return { dst: cidrOrIpAsCidr(r['dst']) ?? '', gw: r['gw'] as string };
  });
}

/** Two bytes `xx:yy`; the first must be unicast (lowest bit 0) or every pod MAC is multicast. */
export function macPrefix(value: unknown, field: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  const problem = macPrefixProblem(value);
  if (problem === 'format') throw invalidConf(field, 'must be two hex bytes such as 0a:1b');
  if (problem === 'multicast') throw invalidConf(field, 'must start with a unicast byte (lowest bit 0)');
  return (value as string).toLowerCase();
}

function vethLinkAddress(value: unknown): string | undefined {
  if (value === undefined || value === '') return undefined;
  const ip = typeof value === 'string' ? tryParseIp(value) : undefined;
  if (ip?.version !== 4) throw invalidConf('vethLinkAddress', 'must be an IPv4 address (link-local, e.g. 169.254.100.1)');
  return value as string;
}

/** A routing table number other than the kernel's own (253 default, 254 main, 255 local). */
function hostRuleTable(conf: Obj): number | undefined {
  const table = conf['hostRuleTable'];
  if (table === undefined) return undefined;
  const problem = routeTableProblem(table);
  if (problem === 'range') throw invalidConf('hostRuleTable', 'must be an integer from 1 to 4294967295');
  if (problem === 'reserved') throw invalidConf('hostRuleTable', 'must not be 253, 254 or 255 (the kernel\'s default, main and local tables)');
  return table as number;
}

function tuning(conf: Obj): CoordinatorTuning {
  const t: CoordinatorTuning = {
    mode: parseMode(conf['mode'], 'mode'),
    tunePodRoutes: optBool(conf, 'tunePodRoutes'),
    podDefaultRouteNic: optIfName(conf, 'podDefaultRouteNic'),
    podMACPrefix: macPrefix(conf['podMACPrefix'], 'podMACPrefix'),
    overlayPodCIDR: cidrList(conf['overlayPodCIDR'], 'overlayPodCIDR'),
    serviceCIDR: cidrList(conf['serviceCIDR'], 'serviceCIDR'),
    hijackCIDR: cidrList(conf['hijackCIDR'], 'hijackCIDR'),
    policyRoutes: policyRouteList(conf['policyRoutes'], 'policyRoutes'),
    hostRuleTable: hostRuleTable(conf),
    podRPFilter: optInt(conf, 'podRPFilter', -1, 2),
    txQueueLen: optInt(conf, 'txQueueLen', 0, 1_000_000),
    vethLinkAddress: vethLinkAddress(conf['vethLinkAddress']),
    vethMTU: optInt(conf, 'vethMTU', 68, 65_535),
  };
  return Object.fromEntries(Object.entries(t).filter(([, v]) => v !== undefined)) as CoordinatorTuning;
}

/** Parses and checks the whole netconf; nothing is changed anywhere when this throws. */
export function parseCoordinatorNetconf(stdin: string): CoordinatorNetconf {
  const conf = decodeNetconf(stdin);
  const cniVersion = checkedVersion(conf);
  const prev = conf['prevResult'];
  if (prev !== undefined && (typeof prev !== 'object' || prev === null || Array.isArray(prev))) throw invalidConf('prevResult', 'must be an object');
  return {
    cniVersion,
    name: typeof conf['name'] === 'string' ? conf['name'] : '',
    podDefaultCniNic: optIfName(conf, 'podDefaultCniNic') ?? 'eth0',
    prevResult: prev as Obj | undefined,
    ...tuning(conf),
  };
}
