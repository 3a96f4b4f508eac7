// SPDX-License-Identifier: Apache-2.0
import { ApiextensionsV1Api, type KubeConfig, type V1CustomResourceDefinition } from '@kubernetes/client-node';
import { SpiderpoolError } from '@spiderpool/errors';
import { fromApiError } from './api-errors.ts';
import { rawRequest } from './raw-request.ts';

export interface InstallCrdsOptions {
  fieldManager?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * Applies CRDs with server-side apply (idempotent, safe to repeat on every start) and waits
 * until each one is Established, so that callers can create objects right away.
 */
export async function installCrds(
  kc: KubeConfig,
  crds: readonly object[],
  options: InstallCrdsOptions = {},
): Promise<void> {
  const api = kc.makeApiClient(ApiextensionsV1Api);
  const fieldManager = encodeURIComponent(options.fieldManager ?? 'spiderpool');
  for (const crd of crds) {
    const name = (crd as V1CustomResourceDefinition).metadata?.name ?? '';
    await rawRequest(kc, {
      method: 'PATCH',
      path: `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}?fieldManager=${fieldManager}&force=true`,
      body: crd,
      contentType: 'application/apply-patch+yaml',
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }
  await Promise.all(crds.map((crd) => waitEstablished(api, (crd as V1CustomResourceDefinition).metadata?.name ?? '', options)));
}

async function waitEstablished(api: ApiextensionsV1Api, name: string, options: InstallCrdsOptions): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    options.signal?.throwIfAborted();
    const crd = await api.readCustomResourceDefinition({ name }).catch((err: unknown) => {
      throw fromApiError(err, `read CRD ${name}`);
    });
    const established = crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
    if (established) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new SpiderpoolError('DEADLINE_EXCEEDED', `CRD ${name} was not Established in time`);
}
