// SPDX-License-Identifier: Apache-2.0
/** Rules about an object's life rather than its content: immutable fields and termination. */
import type { KubeObject } from '@spiderpool/k8s';
import type { Violation } from '../admission/admission-types.ts';
import { violation } from './violation.ts';

interface WithAddressSpec extends KubeObject {
  spec?: { subnet?: string; ipVersion?: number };
}

export function isTerminating(obj: KubeObject | undefined): boolean {
  return Boolean(obj?.metadata?.deletionTimestamp);
}

/**
 * `spec.subnet` and `spec.ipVersion` never change: pools, records and labels are keyed by them.
 * An ipVersion that was unset (stored before defaulting) may be filled in once.
 */
export function checkImmutable(oldObj: WithAddressSpec, newObj: WithAddressSpec): Violation[] {
  const out: Violation[] = [];
  const before = oldObj.spec ?? {};
  const after = newObj.spec ?? {};
  if (before.subnet !== after.subnet) {
    out.push(violation('spec.subnet', after.subnet, 'subnet-immutable', `must not change (was ${JSON.stringify(before.subnet)})`));
  }
  if (before.ipVersion !== undefined && before.ipVersion !== after.ipVersion) {
    out.push(violation('spec.ipVersion', after.ipVersion, 'ipversion-immutable', `must not change (was ${before.ipVersion})`));
  }
  return out;
}

/**
 * An object being deleted may still lose finalizers and change metadata (the garbage collector
 * and the controllers do that), but its spec is frozen: a pool shrinking or moving while its
 * addresses are released would leave records behind.
 */
export function checkTerminatingUpdate(oldObj: KubeObject & { spec?: unknown }, newObj: KubeObject & { spec?: unknown }): Violation[] {
  if (!isTerminating(oldObj) || deepEqual(oldObj.spec, newObj.spec)) return [];
  const rule = 'must not change while the object is being deleted (only finalizers and metadata may)';
  return [violation('spec', undefined, 'terminating-update', rule)];
}

/** Structural equality of JSON values (key order ignored). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
