// SPDX-License-Identifier: Apache-2.0
import type { OpenApiSchema } from '../schema/to-openapi.ts';

/**
 * A small validator for values against the schemas this project emits: types, enums,
 * minimum/maximum, item/length bounds, required fields and unknown fields. It is stricter than
 * the apiserver about unknown fields (which the apiserver silently prunes) because in manifests
 * and tests an unknown field is nearly always a typo. Returns one message per problem.
 */
export function validateValue(schema: OpenApiSchema, value: unknown, path = ''): string[] {
  const at = path || '<root>';
  const shapeProblem = value === null ? 'must not be null' : checkShape(schema, value);
  if (shapeProblem) return [`${at}: ${shapeProblem}`];
  return [...checkEnum(schema, value, at), ...checkSize(schema, value, at), ...checkChildren(schema, value, path)];
}

/**
 * Validates a whole custom resource. `metadata` is left to the apiserver (CRD schemas may not
 * describe it), apart from the name every object needs.
 */
export function validateResource(rootSchema: OpenApiSchema, resource: unknown): string[] {
  if (!isRecord(resource)) return ['<root>: must be an object'];
  const { metadata, ...rest } = resource;
  const problems: string[] = [];
  if (!isRecord(metadata)) problems.push('.metadata: must be an object');
  else if (typeof metadata['name'] !== 'string' && typeof metadata['generateName'] !== 'string') {
    problems.push('.metadata: needs a name or generateName');
  }
  const { metadata: _ignored, ...properties } = rootSchema.properties ?? {};
  return [...problems, ...validateValue({ ...rootSchema, properties }, rest)];
}

function checkShape(schema: OpenApiSchema, value: unknown): string | undefined {
  if (!schema['x-kubernetes-int-or-string']) return checkType(schema.type, value);
  return Number.isInteger(value) || typeof value === 'string' ? undefined : 'must be an integer or a string';
}

function checkType(type: OpenApiSchema['type'], value: unknown): string | undefined {
  switch (type) {
    case undefined:
      return undefined;
    case 'integer':
      return Number.isInteger(value) ? undefined : 'must be an integer';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'must be a number';
    case 'array':
      return Array.isArray(value) ? undefined : 'must be an array';
    case 'object':
      return isRecord(value) ? undefined : 'must be an object';
    default:
      return typeof value === type ? undefined : `must be a ${type}`;
  }
}

function checkEnum(schema: OpenApiSchema, value: unknown, at: string): string[] {
  if (!schema.enum || schema.enum.includes(value as string | number)) return [];
  return [`${at}: ${JSON.stringify(value)} is not one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}`];
}

function checkSize(schema: OpenApiSchema, value: unknown, at: string): string[] {
  if (typeof value === 'number') return checkBounds({ min: schema.minimum, max: schema.maximum }, value, `${at}:`);
  if (typeof value === 'string') return checkBounds({ min: schema.minLength, max: schema.maxLength }, value.length, `${at}: length`);
  if (Array.isArray(value)) return checkBounds({ min: schema.minItems, max: schema.maxItems }, value.length, `${at}: item count`);
  return [];
}

function checkBounds(bounds: { min?: number | undefined; max?: number | undefined }, actual: number, label: string): string[] {
  if (bounds.min !== undefined && actual < bounds.min) return [`${label} ${actual} is less than ${bounds.min}`];
  if (bounds.max !== undefined && actual > bounds.max) return [`${label} ${actual} is greater than ${bounds.max}`];
  return [];
}

function checkChildren(schema: OpenApiSchema, value: unknown, path: string): string[] {
  if (Array.isArray(value)) {
    const items = schema.items;
    return items ? value.flatMap((item, i) => validateValue(items, item, `${path}[${i}]`)) : [];
  }
  return isRecord(value) ? checkObject(schema, value, path) : [];
}

function checkObject(schema: OpenApiSchema, value: Record<string, unknown>, path: string): string[] {
  const problems: string[] = [];
  for (const name of schema.required ?? []) {
    if (value[name] === undefined) problems.push(`${path}.${name}: is required`);
  }
  const open = schema['x-kubernetes-preserve-unknown-fields'] === true;
  const extra = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
  for (const [name, child] of Object.entries(value)) {
    const childPath = `${path}.${name}`;
    const childSchema = schema.properties?.[name] ?? extra;
    if (childSchema) problems.push(...validateValue(childSchema, child, childPath));
    else if (!open) problems.push(`${childPath}: unknown field`);
  }
  return problems;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
