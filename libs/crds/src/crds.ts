// SPDX-License-Identifier: Apache-2.0
import { ALL_CRD_DEFINITIONS, SPIDERPOOL_CRD_DEFINITIONS, THIRD_PARTY_CRD_DEFINITIONS } from './schema/all.ts';
import { toCustomResourceDefinition, type CrdDefinition, type CustomResourceDefinition } from './schema/crd-definition.ts';
import type { SpiderKind, ThirdPartyKind } from './constants.ts';

/**
 * The CRDs as plain JSON objects, built once. They are frozen because every caller shares them:
 * `structuredClone` one before changing it.
 */
export const SPIDERPOOL_CRDS: readonly CustomResourceDefinition[] = SPIDERPOOL_CRD_DEFINITIONS.map(build);
export const THIRD_PARTY_CRDS: readonly CustomResourceDefinition[] = THIRD_PARTY_CRD_DEFINITIONS.map(build);

/** Everything a test cluster needs: Spiderpool's CRDs first, then the third-party ones. */
export const ALL_CRDS: readonly CustomResourceDefinition[] = [...SPIDERPOOL_CRDS, ...THIRD_PARTY_CRDS];

/** Every CRD keyed by the kind it defines. */
export const CRDS = Object.freeze(
  Object.fromEntries(
    ALL_CRDS.map((crd) => [crd.spec.names.kind, crd]),
  ) as Record<SpiderKind | ThirdPartyKind, CustomResourceDefinition>,
);

/** The definition (schema builder form) of a kind, e.g. for validating objects in tests. */
export function crdDefinitionOf(apiVersion: string, kind: string): CrdDefinition | undefined {
  return ALL_CRD_DEFINITIONS.find((def) => `${def.group}/${def.version}` === apiVersion && def.kind === kind);
}

function build(def: CrdDefinition): CustomResourceDefinition {
  return deepFreeze(toCustomResourceDefinition(def));
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
