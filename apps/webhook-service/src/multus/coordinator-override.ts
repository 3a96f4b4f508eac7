// SPDX-License-Identifier: Apache-2.0
// The `coordinator` block of a SpiderMultusConfig: the SpiderCoordinator's own rules (same ids,
// same messages), except that nothing is required, since every field left out is inherited
// from the cluster's SpiderCoordinator when the pod starts.
import type { CoordinatorSpec } from '@spiderpool/crds';
import type { Violation } from '../admission/admission-types.ts';
import { normaliseCidrList, normalisePolicyRoutes } from '../coordinator/coordinator-defaults.ts';
import { coordinatorSpecViolations } from '../coordinator/coordinator-rules.ts';

/** Rules that only a whole SpiderCoordinator must satisfy. */
const REQUIRED_ON_CLUSTER_OBJECT: ReadonlySet<string> = new Set(['pod-cidr-type-required', 'pod-rp-filter-required']);

export function coordinatorOverrideViolations(spec: CoordinatorSpec, base: string): Violation[] {
  return coordinatorSpecViolations(spec, base).filter((v) => !REQUIRED_ON_CLUSTER_OBJECT.has(v.id));
}

/**
 * Upstream's defaults for a block that is present (mode auto, routes tuned) and its addresses in
 * the spelling the plugin routes with: a bare IP in hijackCIDR or a policy-route dst becomes a
 * host CIDR. Values that cannot be normalised stay as written, for validation to name.
 */
export function coordinatorOverrideWithDefaults(spec: CoordinatorSpec): CoordinatorSpec {
  const unset = (value: unknown): boolean => value === undefined || value === null || value === '';
  const out: CoordinatorSpec = { ...spec, mode: unset(spec.mode) ? 'auto' : spec.mode, tunePodRoutes: spec.tunePodRoutes ?? true };
  if (Array.isArray(spec.hijackCIDR)) out.hijackCIDR = normaliseCidrList(spec.hijackCIDR) as string[];
  if (Array.isArray(spec.policyRoutes)) out.policyRoutes = normalisePolicyRoutes(spec.policyRoutes) as CoordinatorSpec['policyRoutes'];
  return out;
}
