// SPDX-License-Identifier: Apache-2.0
/**
 * Label selectors in pool specs (`podAffinity`, `namespaceAffinity`, `nodeAffinity`). The CRD
 * schema only types them; the API server converts nothing, so an unknown operator or a bad key
 * would otherwise be stored and fail every allocation that evaluates the pool.
 */
import type { Violation } from '../admission/admission-types.ts';
import { isLabelValue, isQualifiedName } from './k8s-names.ts';
import { violation } from './violation.ts';

export interface SelectorInput {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

export function checkSelector(selector: SelectorInput | undefined, field: string): Violation[] {
  if (!selector) return [];
  const labels = Object.entries(selector.matchLabels ?? {}).flatMap(([key, value]) =>
    checkPair(key, value, `${field}.matchLabels`),
  );
  const expressions = (selector.matchExpressions ?? []).flatMap((r, i) =>
    checkRequirement(r, `${field}.matchExpressions[${i}]`),
  );
  return [...labels, ...expressions];
}

/** True when the selector selects everything: no label and no expression. */
export function isEmptySelector(selector: SelectorInput): boolean {
  return Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
}

function checkPair(key: string, value: string, field: string): Violation[] {
  if (!isQualifiedName(key)) return [keyViolation(field, key)];
  if (typeof value !== 'string' || !isLabelValue(value)) return [valueViolation(`${field}[${JSON.stringify(key)}]`, value)];
  return [];
}

function checkRequirement(r: { key: string; operator: string; values?: string[] }, field: string): Violation[] {
  const out: Violation[] = [];
  if (typeof r.key !== 'string' || !isQualifiedName(r.key)) out.push(keyViolation(`${field}.key`, r.key));
  if (!OPERATORS.includes(r.operator)) {
    out.push(violation(`${field}.operator`, r.operator, 'selector-operator-invalid', `must be one of ${OPERATORS.join(', ')}`));
    return out;
  }
  const values = r.values ?? [];
  const needsValues = r.operator === 'In' || r.operator === 'NotIn';
  if (needsValues && values.length === 0) {
    out.push(violation(`${field}.values`, r.values, 'selector-values-invalid', `must be non-empty for operator ${r.operator}`));
  }
  if (!needsValues && values.length > 0) {
    out.push(violation(`${field}.values`, r.values, 'selector-values-invalid', `must be empty for operator ${r.operator}`));
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
