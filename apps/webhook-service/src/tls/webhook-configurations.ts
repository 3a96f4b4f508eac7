// SPDX-License-Identifier: Apache-2.0
import { Resources, type KubeClient, type KubeObject } from '@spiderpool/k8s';

export type WebhookKind = 'mutating' | 'validating';

export const WEBHOOK_KINDS: readonly WebhookKind[] = ['mutating', 'validating'];

/** An admissionregistration.k8s.io/v1 (Mutating|Validating)WebhookConfiguration, kept whole. */
export interface WebhookConfiguration extends KubeObject {
  webhooks?: Array<{ name: string; clientConfig?: { caBundle?: string; [field: string]: unknown }; [field: string]: unknown }>;
}

/**
 * The webhook configurations whose caBundle this service keeps. `update` is a PUT at the
 * object's resourceVersion: CONFLICT (SpiderpoolError) when someone wrote it since the read.
 */
export interface WebhookConfigPort {
  find(kind: WebhookKind, name: string): Promise<WebhookConfiguration | undefined>;
  update(kind: WebhookKind, configuration: WebhookConfiguration): Promise<WebhookConfiguration>;
}

const REFS = {
  mutating: Resources.mutatingWebhookConfigurations,
  validating: Resources.validatingWebhookConfigurations,
} as const;

export function kubeWebhookConfigs(client: KubeClient): WebhookConfigPort {
  return {
    find: (kind, name) => client.find<WebhookConfiguration>(REFS[kind], name),
    update: (kind, configuration) => client.update(REFS[kind], configuration),
  };
}
