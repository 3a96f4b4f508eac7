// SPDX-License-Identifier: Apache-2.0
/**
 * Small helpers for reading user-written JSON (annotations) with errors that always name the
 * annotation key, the whole value and the broken rule.
 */
import { invalidInput } from '@spiderpool/errors';

/** Where a value came from, for error messages: the annotation key and its full text. */
export interface JsonSource {
  readonly key: string;
  readonly text: string;
}

export function parseJsonText(source: JsonSource, shape: string): unknown {
  try {
    return JSON.parse(source.text) as unknown;
  } catch {
    throw invalidInput(source.key, source.text, `must be ${shape} (not valid JSON)`);
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads an object key the way Go's encoding/json does (exact match first, then ASCII
 * case-insensitive), because upstream Spiderpool accepts e.g. `"IPv4"` or `"cleanGateway"` and
 * users' manifests rely on that.
 */
export function fieldOf(obj: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(obj, name)) return obj[name];
  const lower = name.toLowerCase();
  const key = Object.keys(obj).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : obj[key];
}

/**
 * A list of pool (or subnet) names: absent/null means empty; otherwise an array of distinct
 * non-empty strings. `where` prefixes the rule, e.g. `entry 1: ipv4`.
 */
export function nameList(value: unknown, source: JsonSource, where: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidInput(source.key, source.text, `${where} must be an array of names`);
  const names: string[] = [];
  for (const item of value as unknown[]) {
    if (typeof item !== 'string' || item.trim() === '') {
      throw invalidInput(source.key, source.text, `${where} must hold non-empty strings, found ${JSON.stringify(item)}`);
    }
    if (names.includes(item)) throw invalidInput(source.key, source.text, `${where} lists "${item}" twice`);
    names.push(item);
  }
  return names;
}

/** An optional string field; `""` counts as absent, like an omitted Go string. */
export function optionalString(value: unknown, source: JsonSource, where: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw invalidInput(source.key, source.text, `${where} must be a string`);
  return value;
}
