// SPDX-License-Identifier: Apache-2.0
// The MutatingWebhook entry for pod resource injection. Three filters keep pods away from us:
// - namespaceSelector: never kube-system nor the webhook's own namespace (a pod of the webhook
//   itself must always start);
// - matchConditions (CEL, GA since Kubernetes 1.30): only pods carrying one of the two inject
//   annotations are sent at all. objectSelector cannot do this: it selects labels, not annotations;
// - failurePolicy Ignore: if the webhook is down, pods are created without injection.
// The admission code repeats the annotation and namespace checks (pod-injection-admission.ts),
// so a configuration without matchConditions only costs a fast round trip.
import { Annotations } from '@spiderpool/crds';

export interface WebhookClientConfig {
  url?: string;
  service?: { namespace: string; name: string; path?: string; port?: number };
  caBundle?: string;
}

export interface PodInjectionWebhookOptions {
  /** Namespace the webhook-service runs in (excluded). */
  ownNamespace: string;
  clientConfig: WebhookClientConfig;
  /** Excluded besides kube-system and ownNamespace. */
  excludedNamespaces?: readonly string[];
  name?: string;
}

export const POD_INJECTION_WEBHOOK_NAME = 'pod-resource-inject.spiderpool.spidernet.io';

const hasAnnotation = (key: string): string => `has(object.metadata.annotations) && '${key}' in object.metadata.annotations`;

export function podInjectionWebhook(o: PodInjectionWebhookOptions): Record<string, unknown> {
  const excluded = [...new Set(['kube-system', o.ownNamespace, ...(o.excludedNamespaces ?? [])])];
  return {
    name: o.name ?? POD_INJECTION_WEBHOOK_NAME,
    admissionReviewVersions: ['v1'],
    sideEffects: 'None',
    failurePolicy: 'Ignore',
    timeoutSeconds: 5,
    reinvocationPolicy: 'Never',
    matchPolicy: 'Equivalent',
    clientConfig: o.clientConfig,
    rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], scope: 'Namespaced' }],
    namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: excluded }] },
    matchConditions: [
      {
        name: 'has-resource-inject-annotation',
        expression: `(${hasAnnotation(Annotations.RDMA_RESOURCE_INJECT)}) || (${hasAnnotation(Annotations.NETWORK_RESOURCE_INJECT)})`,
      },
    ],
  };
}
