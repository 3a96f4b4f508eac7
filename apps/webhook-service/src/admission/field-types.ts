// SPDX-License-Identifier: Apache-2.0
/**
 * Type guards for spec fields, shared by every kind's admission. Mutating webhooks see objects
 * before the API server checks them against the CRD schema, so any field may hold any JSON
 * value. Mutation leaves a field of the wrong type as written; validation reports it with the
 * `field-type` rule. `null` counts as absent (the API server drops nulls of non-nullable fields).
 */
import type { Violation } from './admission-types.ts';

export const FIELD_TYPE = 'field-type';

export function isAbsent(value: unknown): value is null | undefined {
  return value === undefined || value === null;
}

/** A JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

export function typeViolation(field: string, value: unknown, expected: string): Violation {
  return { field, value, id: FIELD_TYPE, rule: `must be ${expected}` };
}

/** Absent, or a string. */
export function checkOptionalString(value: unknown, field: string): Violation[] {
  return isAbsent(value) || typeof value === 'string' ? [] : [typeViolation(field, value, 'a string')];
}

/** Absent, or a number. */
export function checkOptionalNumber(value: unknown, field: string): Violation[] {
  return isAbsent(value) || typeof value === 'number' ? [] : [typeViolation(field, value, 'a number')];
}

/** Absent, or a boolean. */
export function checkOptionalBoolean(value: unknown, field: string): Violation[] {
  return isAbsent(value) || typeof value === 'boolean' ? [] : [typeViolation(field, value, 'a boolean')];
}

/** Absent, or a list whose entries are all strings (each offender reported by index). */
export function checkStringList(value: unknown, field: string): Violation[] {
  if (isAbsent(value)) return [];
  if (!Array.isArray(value)) return [typeViolation(field, value, 'a list of strings')];
  return value.flatMap((entry, i) => (typeof entry === 'string' ? [] : [typeViolation(`${field}[${i}]`, entry, 'a string')]));
}

/** A spec as an object to read fields from: `{}` when it is absent or of the wrong type. */
export function specRecord(spec: unknown): Record<string, unknown> {
  return isRecord(spec) ? spec : {};
}

/** Absent, or an object. */
export function checkSpecObject(spec: unknown): Violation[] {
  return isAbsent(spec) || isRecord(spec) ? [] : [typeViolation('spec', spec, 'an object')];
}
