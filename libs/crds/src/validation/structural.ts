// SPDX-License-Identifier: Apache-2.0
import type { OpenApiSchema } from '../schema/to-openapi.ts';
import { isRecord, validateValue } from './validate-value.ts';

/**
 * Keywords a schema of ours may use. Everything else (`$ref`, `allOf`/`anyOf`/`oneOf`/`not`,
 * `patternProperties`, `uniqueItems`, ...) is reported: some are forbidden in CRDs, the rest have
 * structural-schema restrictions that are easier to avoid than to check.
 */
const ALLOWED_KEYWORDS = new Set([
  'description',
  'type',
  'format',
  'enum',
  'default',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'items',
  'properties',
  'required',
  'additionalProperties',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-int-or-string',
  'x-kubernetes-list-type',
  'x-kubernetes-map-type',
]);

const TYPES = new Set(['string', 'integer', 'number', 'boolean', 'array', 'object']);
const OBJECT_KEYWORDS = ['properties', 'additionalProperties', 'required', 'x-kubernetes-map-type'];

/**
 * Checks that a CRD's `openAPIV3Schema` is structural in the sense of the Kubernetes docs
 * ("Specifying a structural schema"), plus a few sanity rules of our own. Returns one message
 * per problem, each starting with the path of the offending node.
 */
export function findStructuralViolations(root: unknown): string[] {
  const problems: string[] = [];
  if (!isRecord(root)) return ['<root>: schema is not an object'];
  if (root['type'] !== 'object') problems.push('<root>: type must be object');
  const metadata = isRecord(root['properties']) ? root['properties']['metadata'] : undefined;
  if (metadata !== undefined && !(isRecord(metadata) && Object.keys(metadata).every((k) => k === 'type' || k === 'description'))) {
    problems.push('.metadata: must be a bare object; the apiserver owns its schema');
  }
  walk(root, '', problems);
  return problems;
}

function walk(node: unknown, path: string, problems: string[]): void {
  const at = path || '<root>';
  if (!isRecord(node)) {
    problems.push(`${at}: schema is not an object`);
    return;
  }
  for (const key of Object.keys(node)) {
    if (!ALLOWED_KEYWORDS.has(key)) problems.push(`${at}: keyword ${key} is not allowed`);
  }
  checkType(node, at, problems);
  checkArrayKeywords(node, at, problems);
  checkObjectKeywords(node, at, problems);
  checkScalars(node, at, problems);
  checkValues(node as OpenApiSchema, at, problems);

  if (isRecord(node['properties'])) {
    for (const [name, child] of Object.entries(node['properties'])) walk(child, `${path}.${name}`, problems);
  }
  if (isRecord(node['additionalProperties'])) walk(node['additionalProperties'], `${path}{}`, problems);
  if (node['type'] === 'array' && isRecord(node['items'])) walk(node['items'], `${path}[]`, problems);
}

function checkType(node: Record<string, unknown>, at: string, problems: string[]): void {
  const type = node['type'];
  const intOrString = node['x-kubernetes-int-or-string'] === true;
  const open = node['x-kubernetes-preserve-unknown-fields'] === true;
  if (type === undefined && !intOrString && !open) problems.push(`${at}: no type`);
  if (type !== undefined && (typeof type !== 'string' || !TYPES.has(type))) problems.push(`${at}: unknown type ${String(type)}`);
  if (intOrString && type !== undefined) problems.push(`${at}: x-kubernetes-int-or-string must not have a type`);
  if (open && type !== undefined && type !== 'object') problems.push(`${at}: only objects may preserve unknown fields`);
}

function checkArrayKeywords(node: Record<string, unknown>, at: string, problems: string[]): void {
  const isArray = node['type'] === 'array';
  if (isArray && !isRecord(node['items'])) problems.push(`${at}: an array needs a single items schema`);
  if (!isArray && node['items'] !== undefined) problems.push(`${at}: items on a non-array`);
  const listType = node['x-kubernetes-list-type'];
  if (listType !== undefined && (!isArray || !['atomic', 'set'].includes(String(listType)))) {
    problems.push(`${at}: x-kubernetes-list-type must be atomic or set, on an array`);
  }
}

function checkObjectKeywords(node: Record<string, unknown>, at: string, problems: string[]): void {
  if (node['type'] !== 'object') {
    for (const key of OBJECT_KEYWORDS) if (node[key] !== undefined) problems.push(`${at}: ${key} on a non-object`);
    return;
  }
  const { properties, additionalProperties } = node;
  if (properties !== undefined && additionalProperties !== undefined) {
    problems.push(`${at}: properties and additionalProperties are mutually exclusive`);
  }
  if (properties !== undefined && !isRecord(properties)) problems.push(`${at}: properties is not a map`);
  if (additionalProperties !== undefined && !isRecord(additionalProperties)) {
    problems.push(`${at}: additionalProperties must be a schema`);
  }
  if (!['atomic', 'granular', undefined].includes(node['x-kubernetes-map-type'] as string | undefined)) {
    problems.push(`${at}: bad x-kubernetes-map-type`);
  }
  checkRequired(node, at, problems);
}

function checkRequired(node: Record<string, unknown>, at: string, problems: string[]): void {
  const required = node['required'];
  if (required === undefined) return;
  if (!Array.isArray(required) || required.some((r) => typeof r !== 'string')) {
    problems.push(`${at}: required must be a list of names`);
    return;
  }
  const properties = isRecord(node['properties']) ? node['properties'] : {};
  for (const name of required as string[]) {
    if (!Object.hasOwn(properties, name)) problems.push(`${at}: required field ${name} is not a property`);
  }
  if (new Set(required).size !== required.length) problems.push(`${at}: duplicate names in required`);
}

function checkScalars(node: Record<string, unknown>, at: string, problems: string[]): void {
  const numeric = node['type'] === 'integer' || node['type'] === 'number';
  for (const key of ['minimum', 'maximum']) {
    if (node[key] === undefined) continue;
    if (!numeric) problems.push(`${at}: ${key} on a non-number`);
    if (typeof node[key] !== 'number') problems.push(`${at}: ${key} is not a number`);
  }
  const { minimum, maximum } = node;
  if (typeof minimum === 'number' && typeof maximum === 'number' && minimum > maximum) {
    problems.push(`${at}: minimum ${minimum} > maximum ${maximum}`);
  }
}

/** `enum` values and `default` must themselves be valid, or the CRD accepts objects it cannot produce. */
function checkValues(node: OpenApiSchema, at: string, problems: string[]): void {
  const { enum: values, default: dflt, ...withoutValues } = node;
  if (values !== undefined) {
    if (!Array.isArray(values) || values.length === 0) problems.push(`${at}: enum must be a non-empty list`);
    else for (const v of values) problems.push(...validateValue(withoutValues, v, `${at}(enum)`).map(strip));
  }
  if (dflt !== undefined) {
    const { default: _d, ...rest } = node;
    problems.push(...validateValue(rest, dflt, `${at}(default)`).map(strip));
  }
}

function strip(message: string): string {
  return message.replace(/^<root>/, '');
}
