// SPDX-License-Identifier: Apache-2.0
import { stringify } from 'yaml';
import { toCustomResourceDefinition, type CrdDefinition } from '../schema/crd-definition.ts';
import { commentLines } from './header.ts';

/**
 * Options shared by every YAML file we generate. No line folding, so a longer description never
 * reflows its neighbours; no anchors, because shared schema fragments are separate objects on
 * the wire and kubectl users do not expect `&a1`/`*a1` in a CRD.
 */
export const YAML_OPTIONS = { lineWidth: 0, aliasDuplicateObjects: false } as const;

/** The full `apiextensions.k8s.io/v1` CRD manifest of one definition. Deterministic. */
export function renderCrdYaml(def: CrdDefinition): string {
  return `${commentLines('#')}---\n${stringify(toCustomResourceDefinition(def), YAML_OPTIONS)}`;
}

/** A kustomization listing the given files, sorted so the output does not depend on call order. */
export function renderKustomization(resources: readonly string[]): string {
  const body = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: [...resources].sort(),
  };
  return `${commentLines('#')}${stringify(body, YAML_OPTIONS)}`;
}
