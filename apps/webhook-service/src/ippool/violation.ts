// SPDX-License-Identifier: Apache-2.0
import type { Violation } from '../admission/admission-types.ts';

/** Shorthand so that every check spells field, value, id and rule in the same order. */
export function violation(field: string, value: unknown, id: string, rule: string): Violation {
  return { field, value, id, rule };
}

/** At most `max` items, then `… and N more`, so one message stays readable for a /16 of changes. */
export function listSome(items: readonly string[], max = 5): string {
  const shown = items.slice(0, max).join(', ');
  return items.length > max ? `${shown} and ${items.length - max} more` : shown;
}
