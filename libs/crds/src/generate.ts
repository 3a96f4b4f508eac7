// SPDX-License-Identifier: Apache-2.0
/**
 * Pure rendering of everything derived from the schema definitions. Writing to disk is left to
 * `scripts/generate-crds.ts`; the drift test compares the same output with the committed files.
 */
import { renderCrdYaml, renderKustomization } from './render/crd-yaml.ts';
import { renderTypes } from './render/types.ts';
import { SPIDERPOOL_CRD_DEFINITIONS, THIRD_PARTY_CRD_DEFINITIONS } from './schema/all.ts';
import type { CrdDefinition } from './schema/crd-definition.ts';

export { renderCrdYaml, renderKustomization } from './render/crd-yaml.ts';
export { renderTypes } from './render/types.ts';
export { GENERATED_NOTICE } from './render/header.ts';

export interface GeneratedFile {
  /** Relative to the repository root, with `/` separators. */
  readonly path: string;
  readonly content: string;
}

/** Spiderpool's own CRDs, installed in every cluster. */
export const CRD_DIR = 'deploy/base/crds';
/** Multus and KubeVirt CRDs for test clusters only; production clusters get them from those projects. */
export const TEST_CRD_DIR = 'deploy/test-crds';
export const TYPES_FILE = 'libs/crds/src/gen/types.ts';

export function crdFileName(def: Pick<CrdDefinition, 'group' | 'plural'>): string {
  return `${def.group}_${def.plural}.yaml`;
}

function crdDirectory(dir: string, defs: readonly CrdDefinition[]): GeneratedFile[] {
  const names = defs.map(crdFileName);
  return [
    ...defs.map((def, i) => ({ path: `${dir}/${names[i]}`, content: renderCrdYaml(def) })),
    { path: `${dir}/kustomization.yaml`, content: renderKustomization(names) },
  ];
}

/** Every generated file with its expected content. */
export function generatedFiles(): GeneratedFile[] {
  return [
    ...crdDirectory(CRD_DIR, SPIDERPOOL_CRD_DEFINITIONS),
    ...crdDirectory(TEST_CRD_DIR, THIRD_PARTY_CRD_DEFINITIONS),
    { path: TYPES_FILE, content: renderTypes([...SPIDERPOOL_CRD_DEFINITIONS, ...THIRD_PARTY_CRD_DEFINITIONS]) },
  ];
}
