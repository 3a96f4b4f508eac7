// SPDX-License-Identifier: Apache-2.0
import { Resources, type KubeClient } from '@spiderpool/k8s';

/** The namespace the services are deployed in (their TLS Secret, Leases, ... live there). */
export const SERVICES_NAMESPACE = 'spiderpool';

/** Creates the namespace unless it exists; parallel test files race for it, and either wins. */
export async function ensureNamespace(kube: KubeClient, name: string): Promise<void> {
  if (await kube.find(Resources.namespaces, name)) return;
  await kube.create(Resources.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }).catch(async (err: unknown) => {
    if (!(await kube.find(Resources.namespaces, name))) throw err;
  });
}
