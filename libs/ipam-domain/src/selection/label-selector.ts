// SPDX-License-Identifier: Apache-2.0
import { invalidInput } from '@spiderpool/errors';
import type { LabelSelector } from '../types.ts';

type Requirement = NonNullable<LabelSelector['matchExpressions']>[number];

/**
 * Kubernetes label-selector semantics: every `matchLabels` pair AND every `matchExpressions`
 * requirement must hold; an empty selector `{}` matches everything. `NotIn` and `DoesNotExist`
 * match objects that lack the key, as in Kubernetes.
 *
 * Throws INVALID_INPUT naming `field` (e.g. `spec.podAffinity`) for an unknown operator, an
 * `In`/`NotIn` without values or an `Exists`/`DoesNotExist` with values, the same requirements
 * Kubernetes enforces when it converts a selector.
 */
export function matchesSelector(
  selector: LabelSelector,
  labels: Readonly<Record<string, string>>,
  field = 'labelSelector',
): boolean {
  const pairs = Object.entries(selector.matchLabels ?? {});
  const requirements = selector.matchExpressions ?? [];
  // Validate every requirement before answering, so a broken selector fails the same way
  // whatever the labels are.
  requirements.forEach((r, i) => validateRequirement(r, `${field}.matchExpressions[${i}]`));
  const labelsMatch = pairs.every(([key, value]) => Object.hasOwn(labels, key) && labels[key] === value);
  return labelsMatch && requirements.every((r) => requirementHolds(r, labels));
}

function validateRequirement(r: Requirement, field: string): void {
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) throw invalidInput(`${field}.values`, r.values, `must be non-empty for operator ${r.operator}`);
      return;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) throw invalidInput(`${field}.values`, r.values, `must be empty for operator ${r.operator}`);
      return;
    default:
      throw invalidInput(`${field}.operator`, r.operator, 'must be one of In, NotIn, Exists, DoesNotExist');
  }
}

function requirementHolds(r: Requirement, labels: Readonly<Record<string, string>>): boolean {
  const present = Object.hasOwn(labels, r.key);
  const value = labels[r.key];
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return present && values.includes(value as string);
    case 'NotIn':
      return !present || !values.includes(value as string);
    case 'Exists':
      return present;
    default:
      return !present;
  }
}
