// SPDX-License-Identifier: Apache-2.0
// The validation rules of a SpiderCoordinator spec. Each rule reads one field and answers the
// violations it finds; ids are stable (they label the denial metric and appear in messages).
// The field checks themselves are shared with the coordinator plugin (@spiderpool/ipam-domain).
import { COORDINATOR_MODES, POD_CIDR_TYPES } from '@spiderpool/crds';
import {
  cidrOrIpAsCidr,
  coordinatorModeOf,
  isValidInterfaceName,
  isValidPodRPFilter,
  macPrefixProblem,
  policyRouteProblem,
  routeTableProblem,
  tryParseIp,
} from '@spiderpool/ipam-domain';
import type { Violation } from '../admission/admission-types.ts';
import { checkSpecObject, isAbsent, isRecord, specRecord, typeViolation } from '../admission/field-types.ts';

type Spec = Record<string, unknown>;
type Rule = (spec: Spec, base: string) => Violation[];

const MIN_MTU = 68;
const MAX_MTU = 65_535;
const isUnset = (value: unknown): boolean => value === undefined || value === null;
const isInteger = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value);
const one = (field: string, value: unknown, id: string, rule: string): Violation[] => [{ field, value, id, rule }];

const podCIDRType: Rule = (spec, base) => {
  const value = spec['podCIDRType'];
  if (isUnset(value) || value === '') return one(`${base}.podCIDRType`, undefined, 'pod-cidr-type-required', `is required: one of ${POD_CIDR_TYPES.join(', ')}`);
  if (!(POD_CIDR_TYPES as readonly unknown[]).includes(value)) return one(`${base}.podCIDRType`, value, 'pod-cidr-type-enum', `must be one of ${POD_CIDR_TYPES.join(', ')}`);
  return [];
};

const mode: Rule = (spec, base) => {
  const value = spec['mode'];
  if (isUnset(value) || coordinatorModeOf(value)) return [];
  return one(`${base}.mode`, value, 'mode-enum', `must be one of ${COORDINATOR_MODES.join(', ')} (disabled and disable are the same mode)`);
};

const hijackCIDR: Rule = (spec, base) => {
  const list = spec['hijackCIDR'];
  if (isUnset(list)) return [];
  if (!Array.isArray(list)) return one(`${base}.hijackCIDR`, list, 'hijack-cidr-format', 'must be a list of CIDRs or IP addresses');
  return list.flatMap((item: unknown, i) => {
    if (typeof item !== 'string') return [typeViolation(`${base}.hijackCIDR[${i}]`, item, 'a string')];
    return cidrOrIpAsCidr(item) ? [] : one(`${base}.hijackCIDR[${i}]`, item, 'hijack-cidr-format', 'must be a CIDR such as 192.0.2.0/24 or an IP address');
  });
};

const ROUTE_RULES = {
  dst: { id: 'policy-route-dst-format', rule: 'must be a CIDR such as 203.0.113.0/24 or an IP address' },
  gw: { id: 'policy-route-gw-format', rule: 'must be an IP address' },
  family: { id: 'policy-route-family', rule: 'dst and gw must be of the same IP family' },
} as const;

const policyRoutes: Rule = (spec, base) => {
  const list = spec['policyRoutes'];
  if (isUnset(list)) return [];
  if (!Array.isArray(list)) return [typeViolation(`${base}.policyRoutes`, list, 'a list of routes ({dst, gw})')];
  return list.flatMap((item: unknown, i) => {
    if (!isRecord(item)) return [typeViolation(`${base}.policyRoutes[${i}]`, item, 'an object ({dst, gw})')];
    const wrong = (['dst', 'gw'] as const).filter((key) => !isAbsent(item[key]) && typeof item[key] !== 'string');
    if (wrong.length) return wrong.map((key) => typeViolation(`${base}.policyRoutes[${i}].${key}`, item[key], 'a string'));
    const route = item;
    const problem = policyRouteProblem(route['dst'], route['gw']);
    if (!problem) return [];
    const field = problem === 'family' ? `${base}.policyRoutes[${i}]` : `${base}.policyRoutes[${i}].${problem}`;
    const value = problem === 'family' ? item : route[problem];
    return one(field, value, ROUTE_RULES[problem].id, ROUTE_RULES[problem].rule);
  });
};

const podMACPrefix: Rule = (spec, base) => {
  const value = spec['podMACPrefix'];
  if (isUnset(value) || value === '') return [];
  const problem = macPrefixProblem(value);
  if (problem === 'format') return one(`${base}.podMACPrefix`, value, 'pod-mac-prefix-format', 'must be two hex bytes such as 0a:1b');
  if (problem === 'multicast') return one(`${base}.podMACPrefix`, value, 'pod-mac-prefix-unicast', 'must start with a unicast byte (lowest bit 0), or every pod MAC is multicast');
  return [];
};

const podDefaultRouteNIC: Rule = (spec, base) => {
  const value = spec['podDefaultRouteNIC'];
  if (isUnset(value) || value === '') return [];
  if (typeof value === 'string' && isValidInterfaceName(value)) return [];
  return one(`${base}.podDefaultRouteNIC`, value, 'pod-default-route-nic-name', 'must be an interface name (1-15 bytes, no "/", ":" or whitespace)');
};

const hostRuleTable: Rule = (spec, base) => {
  const value = spec['hostRuleTable'];
  if (isUnset(value)) return [];
  const problem = routeTableProblem(value);
  if (problem === 'range') return one(`${base}.hostRuleTable`, value, 'host-rule-table-range', 'must be an integer from 1 to 4294967295');
  if (problem === 'reserved') return one(`${base}.hostRuleTable`, value, 'host-rule-table-reserved', "must not be 253, 254 or 255 (the kernel's default, main and local tables)");
  return [];
};

/**
 * Required, like upstream: the mutation always writes 0 when it is unset, so only an object
 * that bypassed the mutation can lack it. Negative values mean "leave rp_filter alone".
 */
const podRPFilter: Rule = (spec, base) => {
  const value = spec['podRPFilter'];
  if (isUnset(value)) return one(`${base}.podRPFilter`, undefined, 'pod-rp-filter-required', 'is required: 0, 1, 2, or negative to leave the setting as it is');
  if (isValidPodRPFilter(value)) return [];
  return one(`${base}.podRPFilter`, value, 'pod-rp-filter-value', 'must be 0 (off), 1 (strict), 2 (loose), or negative to leave the setting as it is');
};

const txQueueLen: Rule = (spec, base) => {
  const value = spec['txQueueLen'];
  if (isUnset(value) || (isInteger(value) && value >= 0)) return [];
  return one(`${base}.txQueueLen`, value, 'tx-queue-len-non-negative', 'must be an integer of at least 0 (0 leaves the queue length as it is)');
};

/** The plugin puts this address on an IPv4-only link (veth0 for Istio), so IPv6 is refused too. */
const vethLinkAddress: Rule = (spec, base) => {
  const value = spec['vethLinkAddress'];
  if (isUnset(value) || value === '') return [];
  const ip = typeof value === 'string' ? tryParseIp(value) : undefined;
  if (!ip) return one(`${base}.vethLinkAddress`, value, 'veth-link-address-ip', 'must be an IPv4 address such as 169.254.100.1');
  if (ip.version !== 4) return one(`${base}.vethLinkAddress`, value, 'veth-link-address-ipv4', 'must be an IPv4 address (the veth0 link is IPv4), such as 169.254.100.1');
  return [];
};

/**
 * Upstream only asks for > 0, but the kernel refuses a veth MTU below 68 (and above 65535), so
 * such a value would fail every pod start; the coordinator plugin enforces the same range.
 */
const vethMTU: Rule = (spec, base) => {
  const value = spec['vethMTU'];
  if (isUnset(value) || (isInteger(value) && value >= MIN_MTU && value <= MAX_MTU)) return [];
  return one(`${base}.vethMTU`, value, 'veth-mtu-range', `must be an integer from ${MIN_MTU} to ${MAX_MTU}`);
};

/** What each field must hold before its rule can read it: a guard and the words of the `field-type` rule. */
type FieldType = readonly [guard: (value: unknown) => boolean, expected: string];
const STRING: FieldType = [(v) => typeof v === 'string', 'a string'];
const NUMBER: FieldType = [(v) => typeof v === 'number', 'a number'];
const BOOLEAN: FieldType = [(v) => typeof v === 'boolean', 'a boolean'];
const ANY: FieldType = [() => true, ''];

/** The rules in field order; a field of the wrong type is reported as such and its rule skipped. */
const RULES: ReadonlyArray<readonly [field: string, type: FieldType, rule: Rule | undefined]> = [
  ['podCIDRType', STRING, podCIDRType],
  ['mode', STRING, mode],
  ['hijackCIDR', ANY, hijackCIDR],
  ['policyRoutes', ANY, policyRoutes],
  ['podMACPrefix', STRING, podMACPrefix],
  ['tunePodRoutes', BOOLEAN, undefined],
  ['podDefaultRouteNIC', STRING, podDefaultRouteNIC],
  ['hostRuleTable', NUMBER, hostRuleTable],
  ['podRPFilter', NUMBER, podRPFilter],
  ['txQueueLen', NUMBER, txQueueLen],
  ['vethLinkAddress', STRING, vethLinkAddress],
  ['vethMTU', NUMBER, vethMTU],
];

/**
 * Every violation of a SpiderCoordinator spec, in field order; empty when it is valid. The spec
 * may hold any JSON value (admission sees objects before the schema is checked): a spec that is
 * not an object, or a field of the wrong type, is reported with the `field-type` rule.
 */
export function coordinatorSpecViolations(spec: unknown, base = 'spec'): Violation[] {
  const notObject = checkSpecObject(spec);
  if (notObject.length) return notObject.map((v) => ({ ...v, field: base }));
  const s: Spec = specRecord(spec);
  return RULES.flatMap(([field, [guard, expected], rule]) => {
    const value = s[field];
    if (!isUnset(value) && !guard(value)) return [typeViolation(`${base}.${field}`, value, expected)];
    return rule ? rule(s, base) : [];
  });
}
