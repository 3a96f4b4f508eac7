// SPDX-License-Identifier: Apache-2.0
/**
 * Label selectors in pool specs (`podAffinity`, `namespaceAffinity`, `nodeAffinity`). The CRD
 * schema only types them; the API server converts nothing, so an unknown operator or a bad key
 * would otherwise be stored and fail every allocation that evaluates the pool.
 */
import type { Violation } from '../admission/admission-types.ts';
import { isLabelValue, isQualifiedName } from './k8s-names.ts';
import { violation } from './violation.ts';
import { isAbsent, isRecord, typeViolation } from '../admission/field-types.ts';

export interface SelectorInput {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

const SELECTOR = 'a label selector {matchLabels, matchExpressions}';

/** Any JSON value may arrive here (mutation runs before schema validation): wrong types are reported. */
export function checkSelector(selector: SelectorInput | unknown, field: string): Violation[] {
  if (isAbsent(selector)) return [];
  if (!isRecord(selector)) return [typeViolation(field, selector, SELECTOR)];
  return [...checkMatchLabels(selector['matchLabels'], `${field}.matchLabels`), ...checkMatchExpressions(selector['matchExpressions'], field)];
}

function checkMatchLabels(labels: unknown, field: string): Violation[] {
  if (isAbsent(labels)) return [];
  if (!isRecord(labels)) return [typeViolation(field, labels, 'a map of label keys to values')];
  return Object.entries(labels).flatMap(([key, value]) => checkPair(key, value, field));
}

function checkMatchExpressions(expressions: unknown, field: string): Violation[] {
  if (isAbsent(expressions)) return [];
  if (!Array.isArray(expressions)) return [typeViolation(`${field}.matchExpressions`, expressions, 'a list of requirements')];
  return expressions.flatMap((r: unknown, i) => {
    const at = `${field}.matchExpressions[${i}]`;
    return isRecord(r) ? checkRequirement(r, at) : [typeViolation(at, r, 'a requirement {key, operator, values}')];
  });
}

/** True when the selector selects everything: no label and no expression (a non-object is not empty). */
export function isEmptySelector(selector: SelectorInput | unknown): boolean {
  if (!isRecord(selector)) return false;
  const labels = selector['matchLabels'];
  const expressions = selector['matchExpressions'];
  return (!isRecord(labels) || Object.keys(labels).length === 0) && (!Array.isArray(expressions) || expressions.length === 0);
}

function checkPair(key: string, value: unknown, field: string): Violation[] {
  if (!isQualifiedName(key)) return [keyViolation(field, key)];
  if (typeof value !== 'string' || !isLabelValue(value)) return [valueViolation(`${field}[${JSON.stringify(key)}]`, value)];
  return [];
}

function checkRequirement(r: Record<string, unknown>, field: string): Violation[] {
  const out: Violation[] = [];
  const operator = r['operator'];
  if (typeof r['key'] !== 'string' || !isQualifiedName(r['key'])) out.push(keyViolation(`${field}.key`, r['key']));
  if (typeof operator !== 'string' || !OPERATORS.includes(operator)) {
    out.push(violation(`${field}.operator`, operator, 'selector-operator-invalid', `must be one of ${OPERATORS.join(', ')}`));
    return out;
  }
  if (!isAbsent(r['values']) && !Array.isArray(r['values'])) {
    out.push(typeViolation(`${field}.values`, r['values'], 'a list of strings'));
    return out;
  }
  const values: unknown[] = Array.isArray(r['values']) ? r['values'] : [];
  const needsValues = operator === 'In' || operator === 'NotIn';
  if (needsValues && values.length === 0) {
    out.push(violation(`${field}.values`, r['values'], 'selector-values-invalid', `must be non-empty for operator ${operator}`));
  }
  if (!needsValues && values.length > 0) {
    out.push(violation(`${field}.values`, r['values'], 'selector-values-invalid', `must be empty for operator ${operator}`));
  }
  values.forEach((v, i) => {
    if (typeof v !== 'string' || !isLabelValue(v)) out.push(valueViolation(`${field}.values[${i}]`, v));
  });
  return out;
}

function keyViolation(field: string, key: unknown): Violation {
  const rule = 'must be a label key: an optional DNS subdomain prefix and "/", then at most 63 of [A-Za-z0-9-_.], alphanumeric at both ends';
  return violation(field, key, 'selector-key-invalid', rule);
}

function valueViolation(field: string, value: unknown): Violation {
  const rule = 'must be a label value: at most 63 of [A-Za-z0-9-_.], alphanumeric at both ends, or empty';
  return violation(field, value, 'selector-value-invalid', rule);
}
