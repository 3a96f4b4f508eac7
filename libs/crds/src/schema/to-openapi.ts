// SPDX-License-Identifier: Apache-2.0
import type { SchemaNode } from './builder.ts';

/**
 * An OpenAPI v3 schema in its JSON wire form, as the apiserver expects it inside a CRD. Only the
 * keywords this project emits or checks are listed. Note that `@kubernetes/client-node`'s own
 * model (`V1JSONSchemaProps`) renames the `x-kubernetes-*` keys, so these objects must go to the
 * apiserver as raw JSON (or through `ObjectSerializer.deserialize` first), never be passed
 * straight to a typed client method.
 */
export interface OpenApiSchema {
  description?: string;
  type?: 'string' | 'integer' | 'number' | 'boolean' | 'array' | 'object';
  format?: string;
  enum?: readonly (string | number)[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  items?: OpenApiSchema;
  properties?: Record<string, OpenApiSchema>;
  required?: string[];
  additionalProperties?: OpenApiSchema | boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-list-type'?: string;
  'x-kubernetes-map-type'?: string;
}

/**
 * Converts a builder node to its wire form. Key order is fixed (description, type, format,
 * constraints, children) so that rendered YAML is stable and reads top-down.
 */
export function toOpenApi(node: SchemaNode): OpenApiSchema {
  const convert = CONVERTERS[node.kind] as (n: SchemaNode) => OpenApiSchema;
  return { ...(node.description !== undefined ? { description: node.description } : {}), ...convert(node) };
}

type Converters = { [K in SchemaNode['kind']]: (node: Extract<SchemaNode, { kind: K }>) => OpenApiSchema };

const CONVERTERS: Converters = {
  string: (node) => ({ type: 'string', ...defined(node, ['format', 'enum', 'default']) }),
  integer: (node) => ({ type: 'integer', ...defined(node, ['format', 'enum', 'default', 'minimum', 'maximum']) }),
  boolean: (node) => ({ type: 'boolean', ...defined(node, ['default']) }),
  array: (node) => ({
    type: 'array',
    items: toOpenApi(node.items),
    ...(node.listType ? { 'x-kubernetes-list-type': node.listType } : {}),
  }),
  object: (node) => ({
    type: 'object',
    ...(Object.keys(node.properties).length > 0
      ? { properties: Object.fromEntries(Object.entries(node.properties).map(([k, v]) => [k, toOpenApi(v)])) }
      : {}),
    ...(node.required.length > 0 ? { required: [...node.required] } : {}),
    ...(node.mapType ? { 'x-kubernetes-map-type': node.mapType } : {}),
  }),
  map: (node) => ({ type: 'object', additionalProperties: toOpenApi(node.values) }),
  open: () => ({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true }),
};

/** The listed keys that are set, in the listed order; arrays are copied so nodes stay unshared. */
function defined<N extends object, K extends keyof N & keyof OpenApiSchema>(node: N, keys: readonly K[]): OpenApiSchema {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const value = node[key];
    if (value !== undefined) out[key] = Array.isArray(value) ? [...value] : value;
  }
  return out as OpenApiSchema;
}
