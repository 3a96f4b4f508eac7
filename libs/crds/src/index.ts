// SPDX-License-Identifier: Apache-2.0
export { API_VERSION, FINALIZER, GROUP, Kinds, Plurals, ThirdParty, VERSION } from './constants.ts';
export type { SpiderKind, ThirdPartyKind } from './constants.ts';
export { Annotations, Labels } from './well-known-keys.ts';
export type * from './gen/types.ts';

export { ALL_CRDS, CRDS, SPIDERPOOL_CRDS, THIRD_PARTY_CRDS, crdDefinitionOf } from './crds.ts';
export { ALL_CRD_DEFINITIONS, SPIDERPOOL_CRD_DEFINITIONS, THIRD_PARTY_CRD_DEFINITIONS } from './schema/all.ts';
export { crdName, toCustomResourceDefinition } from './schema/crd-definition.ts';
export type { CrdDefinition, CustomResourceDefinition, PrinterColumn } from './schema/crd-definition.ts';
export type { OpenApiSchema } from './schema/to-openapi.ts';
export { COORDINATOR_MODES, POD_CIDR_TYPES } from './schema/coordinator-spec.ts';
export { CNI_TYPES } from './schema/spider-multus-config.ts';

export {
  CRD_DIR,
  TEST_CRD_DIR,
  TYPES_FILE,
  crdFileName,
  generatedFiles,
  renderCrdYaml,
  renderKustomization,
  renderTypes,
  type GeneratedFile,
} from './generate.ts';

export { findStructuralViolations } from './validation/structural.ts';
export { validateResource, validateValue } from './validation/validate-value.ts';
export { schemaAtJsonPath } from './validation/json-path.ts';
