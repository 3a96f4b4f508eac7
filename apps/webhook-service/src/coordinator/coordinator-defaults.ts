// SPDX-License-Identifier: Apache-2.0
// The mutation of a SpiderCoordinator: unset fields get upstream's defaults, and the address
// lists get the one spelling the coordinator plugin routes with (a bare IP is a host CIDR).
// Values that cannot be normalised are left exactly as written: validation names them.
import type { CoordinatorSpec, SpiderCoordinator } from '@spiderpool/crds';
import { COORDINATOR_DEFAULTS, cidrOrIpAsCidr } from '@spiderpool/ipam-domain';

const isUnset = (value: unknown): boolean => value === undefined || value === null;

function normaliseCidrList(list: unknown): unknown {
  return Array.isArray(list) ? list.map((item: unknown) => cidrOrIpAsCidr(item) ?? item) : list;
}

function normalisePolicyRoutes(routes: unknown): unknown {
  if (!Array.isArray(routes)) return routes;
  return routes.map((route: unknown) => {
    if (typeof route !== 'object' || route === null) return route;
    const r = route as { dst?: unknown };
    return { ...route, dst: cidrOrIpAsCidr(r.dst) ?? r.dst };
  });
}

/** The spec with defaults filled in and addresses normalised; `spec` itself is not changed. */
export function coordinatorSpecWithDefaults(spec: CoordinatorSpec | undefined): CoordinatorSpec {
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
  copy.spec = coordinatorSpecWithDefaults(copy.spec);
  return copy;
}
