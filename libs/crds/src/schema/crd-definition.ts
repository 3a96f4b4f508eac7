// SPDX-License-Identifier: Apache-2.0
import { obj, str, type ObjectNode, type OpenObjectNode, type SchemaNode } from './builder.ts';
import { toOpenApi, type OpenApiSchema } from './to-openapi.ts';

export interface PrinterColumn {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  readonly jsonPath: string;
  readonly description?: string;
  /** 0 shows the column always; greater values only under `kubectl get -o wide`. */
  readonly priority?: number;
}

/** A top-level field: a typed object, or an open one for APIs we only carry around. */
export type TopLevelNode = ObjectNode | OpenObjectNode;

/** Everything needed to produce one single-version CRD and its TypeScript types. */
export interface CrdDefinition {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  readonly singular: string;
  readonly scope: 'Cluster' | 'Namespaced';
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  readonly description: string;
  readonly spec?: TopLevelNode;
  readonly status?: TopLevelNode;
  /** Top-level fields the object cannot be created without. */
  readonly required: readonly ('spec' | 'status')[];
  /** With a status subresource, writes to `status` go through `/status` only. */
  readonly statusSubresource: boolean;
  readonly printerColumns: readonly PrinterColumn[];
}

export type CrdInput = Omit<CrdDefinition, 'singular' | 'categories' | 'required' | 'printerColumns'> &
  Partial<Pick<CrdDefinition, 'singular' | 'categories' | 'required' | 'printerColumns'>>;

export function defineCrd(input: CrdInput): CrdDefinition {
  const def: CrdDefinition = {
    singular: input.kind.toLowerCase(),
    categories: [],
    required: [],
    printerColumns: [],
    ...input,
  };
  for (const field of def.required) {
    if (!def[field]) throw new Error(`${def.kind}: required top-level field ${field} has no schema`);
  }
  if (def.statusSubresource && !def.status) throw new Error(`${def.kind}: status subresource without a status schema`);
  return def;
}

/**
 * The root object schema. `metadata` stays a bare object: the apiserver validates it itself
 * and rejects CRDs that describe more than `name`/`generateName` there.
 */
export function rootNode(def: CrdDefinition): ObjectNode {
  const properties: Record<string, SchemaNode> = {
    apiVersion: str({ description: 'Versioned schema of this object, `<group>/<version>`.' }),
    kind: str({ description: 'REST resource kind of this object, in CamelCase.' }),
    metadata: obj({}, { external: { module: '@kubernetes/client-node', name: 'V1ObjectMeta' } }),
  };
  if (def.spec) properties['spec'] = def.spec;
  if (def.status) properties['status'] = def.status;
  return obj(properties, { description: def.description, required: def.required, typeName: def.kind });
}

export interface CustomResourceDefinition {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string };
  spec: {
    group: string;
    names: {
      kind: string;
      listKind: string;
      plural: string;
      singular: string;
      shortNames?: string[];
      categories?: string[];
    };
    scope: 'Cluster' | 'Namespaced';
    versions: Array<{
      name: string;
      served: boolean;
      storage: boolean;
      subresources?: { status: Record<string, never> };
      additionalPrinterColumns?: PrinterColumn[];
      schema: { openAPIV3Schema: OpenApiSchema };
    }>;
  };
}

export function crdName(def: Pick<CrdDefinition, 'plural' | 'group'>): string {
  return `${def.plural}.${def.group}`;
}

/** The CRD as plain JSON, ready to be POSTed to `/apis/apiextensions.k8s.io/v1/...`. */
export function toCustomResourceDefinition(def: CrdDefinition): CustomResourceDefinition {
  const version: CustomResourceDefinition['spec']['versions'][number] = {
    name: def.version,
    served: true,
    storage: true,
    ...(def.statusSubresource ? { subresources: { status: {} } } : {}),
    ...(def.printerColumns.length > 0
      ? { additionalPrinterColumns: def.printerColumns.map((column) => ({ ...column })) }
      : {}),
    schema: { openAPIV3Schema: toOpenApi(rootNode(def)) },
  };

  const names: CustomResourceDefinition['spec']['names'] = {
    kind: def.kind,
    listKind: `${def.kind}List`,
    plural: def.plural,
    singular: def.singular,
  };
  if (def.shortNames.length > 0) names.shortNames = [...def.shortNames];
  if (def.categories.length > 0) names.categories = [...def.categories];

  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: crdName(def) },
    spec: { group: def.group, names, scope: def.scope, versions: [version] },
  };
}
