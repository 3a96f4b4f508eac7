// SPDX-License-Identifier: Apache-2.0
/** The non-address fields of a SpiderIPPool spec: affinities and the name lists. */
import type { SpiderIPPoolSpec } from '@spiderpool/crds';
import type { Violation } from '../admission/admission-types.ts';
import { isDns1123Label, isDns1123Subdomain } from './k8s-names.ts';
import { checkSelector, isEmptySelector } from './selector-check.ts';
import { violation } from './violation.ts';

export function checkPoolFields(spec: SpiderIPPoolSpec): Violation[] {
  return [
    ...checkPodAffinity(spec),
    ...checkSelector(spec.namespaceAffinity, 'spec.namespaceAffinity'),
    ...checkSelector(spec.nodeAffinity, 'spec.nodeAffinity'),
    ...checkNames(spec.namespaceName, 'spec.namespaceName', 'namespace'),
    ...checkNames(spec.nodeName, 'spec.nodeName', 'node'),
    ...(spec.multusName ?? []).flatMap((name, i) => checkMultusName(name, `spec.multusName[${i}]`)),
  ];
}

/**
 * An empty podAffinity selects every pod, which is what leaving it out already means; upstream
 * rejects it as a likely mistake (a selector whose labels were forgotten).
 */
function checkPodAffinity(spec: SpiderIPPoolSpec): Violation[] {
  if (!spec.podAffinity) return [];
  if (isEmptySelector(spec.podAffinity)) {
    const rule = 'must have matchLabels or matchExpressions when set (omit it to allow every pod)';
    return [violation('spec.podAffinity', spec.podAffinity, 'pod-affinity-empty', rule)];
  }
  return checkSelector(spec.podAffinity, 'spec.podAffinity');
}

const NAME_RULES = {
  namespace: { id: 'namespace-name-invalid', valid: isDns1123Label, what: 'a namespace name (DNS-1123 label)' },
  node: { id: 'node-name-invalid', valid: isDns1123Subdomain, what: 'a node name (DNS-1123 subdomain)' },
} as const;

function checkNames(names: readonly string[] | undefined, field: string, kind: keyof typeof NAME_RULES): Violation[] {
  const { id, valid, what } = NAME_RULES[kind];
  return (names ?? []).flatMap((name, i) =>
    typeof name === 'string' && valid(name) ? [] : [violation(`${field}[${i}]`, name, id, `must be ${what}`)],
  );
}

/** `name` (the Spiderpool namespace is implied) or `namespace/name` of a NetworkAttachmentDefinition. */
function checkMultusName(entry: string, field: string): Violation[] {
  const parts = typeof entry === 'string' ? entry.split('/') : [];
  const name = parts[parts.length - 1] ?? '';
  const namespace = parts.length === 2 ? (parts[0] as string) : undefined;
  const ok = (parts.length === 1 || parts.length === 2) && isDns1123Subdomain(name) &&
    (namespace === undefined || isDns1123Label(namespace));
  if (ok) return [];
  const rule = 'must be "name" or "namespace/name" of a NetworkAttachmentDefinition (DNS-1123 names)';
  return [violation(field, entry, 'multus-name-invalid', rule)];
}
