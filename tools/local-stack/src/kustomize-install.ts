// SPDX-License-Identifier: Apache-2.0
// The local stack installs from the same kustomize manifests as a cluster does, where they apply
// to processes on loopback: the CRDs as they are, and the webhook configurations with their
// in-cluster Service reference replaced by the loopback URL of the local webhook-service (an
// apiserver without kube-proxy cannot reach a ClusterIP). Workloads, RBAC and Services of the
// manifests have no meaning here: the services run as local processes.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ALL_CRDS } from '@spiderpool/crds';
import { REPO_ROOT } from '@spiderpool/e2e';
import { Resources, type KubeClient, type KubeObject } from '@spiderpool/k8s';

const CRDS = join(REPO_ROOT, 'deploy', 'base', 'crds');
/** Multus's NetworkAttachmentDefinition and KubeVirt's kinds: installed by those projects in a cluster. */
const PEER_CRDS = join(REPO_ROOT, 'deploy', 'test-crds');
const BASE = join(REPO_ROOT, 'deploy', 'kustomize', 'base');

interface WebhookConfiguration extends KubeObject {
  metadata: { name: string };
  webhooks?: Array<{ clientConfig?: { service?: { path?: string }; url?: string; caBundle?: string } }>;
}

/**
 * `kubectl apply --server-side -k` of our CRDs and of the peers' (Multus, KubeVirt), then waits
 * until every one is established.
 */
export function applyCrds(kubectl: string, kubeconfig: string): string[] {
  for (const dir of [CRDS, PEER_CRDS]) {
    execFileSync(kubectl, ['--kubeconfig', kubeconfig, 'apply', '--server-side', '--field-manager', 'spiderpool-local-stack', '-k', dir], { stdio: 'pipe' });
  }
  const names = ALL_CRDS.map((c) => `crd/${c.metadata.name}`);
  execFileSync(kubectl, ['--kubeconfig', kubeconfig, 'wait', '--for', 'condition=Established', '--timeout', '60s', ...names], { stdio: 'pipe' });
  return ALL_CRDS.filter((c) => c.spec.group === 'spiderpool.spidernet.io').map((c) => c.spec.names.kind);
}

/**
 * Creates the base's webhook configurations pointing at `https://127.0.0.1:<port>`; answers their
 * names (webhook-service patches the caBundle of exactly these).
 */
export async function registerWebhooks(o: { kubectl: string; kube: KubeClient; port: number }): Promise<string[]> {
  const rendered = execFileSync(o.kubectl, ['kustomize', BASE], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const configs = parseAllDocuments(rendered)
    .map((d) => d.toJS() as WebhookConfiguration | null)
    .filter((d): d is WebhookConfiguration => d?.kind === 'MutatingWebhookConfiguration' || d?.kind === 'ValidatingWebhookConfiguration');
  if (configs.length === 0) throw new Error(`${BASE} renders no webhook configurations`);
  for (const config of configs) {
    for (const webhook of config.webhooks ?? []) {
      const path = webhook.clientConfig?.service?.path ?? '/';
      webhook.clientConfig = { url: `https://127.0.0.1:${o.port}${path}` };
    }
    const ref = config.kind === 'MutatingWebhookConfiguration' ? Resources.mutatingWebhookConfigurations : Resources.validatingWebhookConfigurations;
    await o.kube.create(ref, config);
  }
  return [...new Set(configs.map((c) => c.metadata.name))];
}
