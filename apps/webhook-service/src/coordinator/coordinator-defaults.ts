// SPDX-License-Identifier: Apache-2.0
// The mutation of a SpiderCoordinator: unset fields get upstream's defaults, and the address
// lists get the one spelling the coordinator plugin routes with (a bare IP is a host CIDR).
// Values that cannot be normalised are left exactly as written: validation names them.
import type { CoordinatorSpec, SpiderCoordinator } from '@spiderpool/crds';
import { COORDINATOR_DEFAULTS, cidrOrIpAsCidr } from '@spiderpool/ipam-domain';
import { isRecord } from '../admission/field-types.ts';

const isUnset = (value: unknown): boolean => value === undefined || value === null;

/** Entries that are strings naming an IP or CIDR get the CIDR spelling; anything else stays as written. */
export function normaliseCidrList(list: unknown): unknown {
  return Array.isArray(list) ? list.map((item: unknown) => (typeof item === 'string' ? (cidrOrIpAsCidr(item) ?? item) : item)) : list;
}

/** Routes whose dst is a bare IP get a host CIDR; entries and values of other types stay as written. */
export function normalisePolicyRoutes(routes: unknown): unknown {
  if (!Array.isArray(routes)) return routes;
  return routes.map((route: unknown) => {
    if (!isRecord(route) || typeof route['dst'] !== 'string') return route;
    return { ...route, dst: cidrOrIpAsCidr(route['dst']) ?? route['dst'] };
  });
}

/**
 * The spec with defaults filled in and addresses normalised; `spec` itself is not changed. A spec
 * that is not an object (the API server has not checked the schema yet) is returned as written.
 */
export function coordinatorSpecWithDefaults(spec: CoordinatorSpec | undefined): CoordinatorSpec {
  if (!isUnset(spec) && !isRecord(spec)) return spec as CoordinatorSpec;
  const out: Record<string, unknown> = { ...(spec ?? {}) };
  // An empty mode is what a Go client sends for "unset".
  if (isUnset(out['mode']) || out['mode'] === '') out['mode'] = COORDINATOR_DEFAULTS.mode;
  for (const key of ['tunePodRoutes', 'hostRuleTable', 'podRPFilter', 'txQueueLen', 'vethMTU'] as const) {
    if (isUnset(out[key])) out[key] = COORDINATOR_DEFAULTS[key];
  }
  if (out['hijackCIDR'] !== undefined) out['hijackCIDR'] = normaliseCidrList(out['hijackCIDR']);
  if (out['policyRoutes'] !== undefined) out['policyRoutes'] = normalisePolicyRoutes(out['policyRoutes']);
  return out as CoordinatorSpec;
}

/** The object to store: a copy of `scc` whose spec has its defaults; metadata and status as sent. */
export function coordinatorWithDefaults(scc: SpiderCoordinator): SpiderCoordinator {
  const copy = structuredClone(scc);
  if (!isRecord(copy as unknown)) return copy;
  copy.spec = coordinatorSpecWithDefaults(copy.spec);
  return copy;
}
