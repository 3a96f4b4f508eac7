// SPDX-License-Identifier: Apache-2.0
// Makes a rendered overlay safe to apply for real in the shared test apiserver, where other test
// files run in parallel:
// - the namespace `spiderpool` is shared with every other suite (their TLS Secrets and Leases
//   live there): the copy uses a namespace of its own, so deleting it touches nobody else;
// - cluster-scoped objects and the Roles in kube-system get a unique suffix (their references
//   follow), so overlays and parallel runs never collide;
// - the CRDs are left out: they are already installed for every suite, and `kubectl delete` of
//   the copy would otherwise remove them from under the others;
// - every admission webhook gets an objectSelector that matches no object and failurePolicy
//   Ignore: the copy's webhooks point at a Service with no endpoints, and registered as they are
//   they would refuse every Spiderpool object (and delay pods) of every other suite.
// None of this changes what the test checks: the objects, their RBAC rules and bindings are the
// overlay's own; only names and namespaces differ.

export type KubeDoc = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
};

export const INSTALL_NAMESPACE = 'spiderpool';
/** A label no object carries: webhooks of the copy select nothing with it. */
export const NEVER_MATCH_LABEL = 'spiderpool.spidernet.io/deploy-e2e-never-match';

const CLUSTER_SCOPED = new Set([
  'Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition',
  'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'PriorityClass',
]);

export interface CopyTarget {
  namespace: string;
  suffix: string;
}

interface Subject { kind: string; name: string; namespace?: string }
interface RoleRef { kind: string; name: string }
interface Webhook {
  clientConfig?: { service?: { namespace?: string } };
  objectSelector?: unknown;
  namespaceSelector?: { matchExpressions?: Array<{ values?: string[] }> };
  failurePolicy?: string;
}

export function isolatedCopy(docs: readonly KubeDoc[], target: CopyTarget): KubeDoc[] {
  return docs.filter((d) => d.kind !== 'CustomResourceDefinition').map((d) => isolate(structuredClone(d), target));
}

function isolate(doc: KubeDoc, t: CopyTarget): KubeDoc {
  const ns = doc.metadata.namespace;
  if (doc.kind === 'Namespace' && doc.metadata.name === INSTALL_NAMESPACE) doc.metadata.name = t.namespace;
  else if (ns === INSTALL_NAMESPACE) doc.metadata.namespace = t.namespace;
  else doc.metadata.name = `${doc.metadata.name}-${t.suffix}`;
  if (doc.kind === 'RoleBinding' || doc.kind === 'ClusterRoleBinding') rebind(doc, t);
  if (doc.kind.endsWith('WebhookConfiguration')) neutralise(doc, t);
  const inject = doc.metadata.annotations?.['cert-manager.io/inject-ca-from'];
  if (inject?.startsWith(`${INSTALL_NAMESPACE}/`)) {
    doc.metadata.annotations = { ...doc.metadata.annotations, 'cert-manager.io/inject-ca-from': `${t.namespace}/${inject.slice(INSTALL_NAMESPACE.length + 1)}` };
  }
  return doc;
}

function rebind(doc: KubeDoc, t: CopyTarget): void {
  for (const s of (doc.subjects ?? []) as Subject[]) {
    if (s.namespace === INSTALL_NAMESPACE) s.namespace = t.namespace;
  }
  const ref = doc.roleRef as RoleRef;
  // Renamed roles: every ClusterRole, and Roles outside the install namespace.
  if (ref.kind === 'ClusterRole' || doc.metadata.namespace !== t.namespace) ref.name = `${ref.name}-${t.suffix}`;
}

function neutralise(doc: KubeDoc, t: CopyTarget): void {
  for (const w of (doc.webhooks ?? []) as Webhook[]) {
    const service = w.clientConfig?.service;
    if (service?.namespace === INSTALL_NAMESPACE) service.namespace = t.namespace;
    for (const e of w.namespaceSelector?.matchExpressions ?? []) {
      e.values = e.values?.map((v) => (v === INSTALL_NAMESPACE ? t.namespace : v));
    }
    w.objectSelector = { matchExpressions: [{ key: NEVER_MATCH_LABEL, operator: 'Exists' }] };
    w.failurePolicy = 'Ignore';
  }
}

/** Whether a kind is cluster-scoped (among the kinds the overlays contain). */
export const isClusterScoped = (kind: string): boolean => CLUSTER_SCOPED.has(kind);
