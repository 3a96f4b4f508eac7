// SPDX-License-Identifier: Apache-2.0
/** The non-address fields of a SpiderIPPool spec: affinities and the name lists. */
import type { Violation } from '../admission/admission-types.ts';
import { isDns1123Label, isDns1123Subdomain } from './k8s-names.ts';
import { checkSelector, isEmptySelector } from './selector-check.ts';
import { violation } from './violation.ts';
import { checkOptionalBoolean, isAbsent, typeViolation } from '../admission/field-types.ts';

/** The spec read field by field: any field may hold any JSON value (see ../admission/field-types.ts). */
type LooseSpec = Record<string, unknown>;

export function checkPoolFields(spec: LooseSpec): Violation[] {
  return [
    ...checkPodAffinity(spec),
    ...checkSelector(spec['namespaceAffinity'], 'spec.namespaceAffinity'),
    ...checkSelector(spec['nodeAffinity'], 'spec.nodeAffinity'),
    ...checkNames(spec['namespaceName'], 'spec.namespaceName', 'namespace'),
    ...checkNames(spec['nodeName'], 'spec.nodeName', 'node'),
    ...checkMultusNames(spec['multusName']),
    ...checkOptionalBoolean(spec['default'], 'spec.default'),
    ...checkOptionalBoolean(spec['disable'], 'spec.disable'),
  ];
}

/**
 * An empty podAffinity selects every pod, which is what leaving it out already means; upstream
 * rejects it as a likely mistake (a selector whose labels were forgotten).
 */
function checkPodAffinity(spec: LooseSpec): Violation[] {
  const affinity = spec['podAffinity'];
  if (isAbsent(affinity)) return [];
  if (isEmptySelector(affinity)) {
    const rule = 'must have matchLabels or matchExpressions when set (omit it to allow every pod)';
    return [violation('spec.podAffinity', affinity, 'pod-affinity-empty', rule)];
  }
  return checkSelector(affinity, 'spec.podAffinity');
}

const NAME_RULES = {
  namespace: { id: 'namespace-name-invalid', valid: isDns1123Label, what: 'a namespace name (DNS-1123 label)' },
  node: { id: 'node-name-invalid', valid: isDns1123Subdomain, what: 'a node name (DNS-1123 subdomain)' },
} as const;

function checkNames(names: unknown, field: string, kind: keyof typeof NAME_RULES): Violation[] {
  const { id, valid, what } = NAME_RULES[kind];
  if (isAbsent(names)) return [];
  if (!Array.isArray(names)) return [typeViolation(field, names, 'a list of strings')];
  return names.flatMap((name: unknown, i) => {
    if (typeof name !== 'string') return [typeViolation(`${field}[${i}]`, name, 'a string')];
    return valid(name) ? [] : [violation(`${field}[${i}]`, name, id, `must be ${what}`)];
  });
}

function checkMultusNames(names: unknown): Violation[] {
  if (isAbsent(names)) return [];
  if (!Array.isArray(names)) return [typeViolation('spec.multusName', names, 'a list of strings')];
  return names.flatMap((name: unknown, i) => {
    const field = `spec.multusName[${i}]`;
    return typeof name === 'string' ? checkMultusName(name, field) : [typeViolation(field, name, 'a string')];
  });
}

/** `name` (the Spiderpool namespace is implied) or `namespace/name` of a NetworkAttachmentDefinition. */
function checkMultusName(entry: string, field: string): Violation[] {
  const parts = entry.split('/');
  const name = parts[parts.length - 1] ?? '';
  const namespace = parts.length === 2 ? (parts[0] as string) : undefined;
  const ok = (parts.length === 1 || parts.length === 2) && isDns1123Subdomain(name) &&
    (namespace === undefined || isDns1123Label(namespace));
  if (ok) return [];
  const rule = 'must be "name" or "namespace/name" of a NetworkAttachmentDefinition (DNS-1123 names)';
  return [violation(field, entry, 'multus-name-invalid', rule)];
}
