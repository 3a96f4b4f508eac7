// SPDX-License-Identifier: Apache-2.0
import {
  ApiextensionsV1Api,
  PatchStrategy,
  setHeaderOptions,
  type KubeConfig,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { SpiderpoolError } from '@spiderpool/errors';
import { fromApiError } from './api-errors.ts';

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
  crds: readonly V1CustomResourceDefinition[],
  options: InstallCrdsOptions = {},
): Promise<void> {
  const api = kc.makeApiClient(ApiextensionsV1Api);
  const apply = setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply);
  for (const crd of crds) {
    const name = crd.metadata?.name ?? '';
    try {
      await api.patchCustomResourceDefinition(
        { name, body: crd, fieldManager: options.fieldManager ?? 'spiderpool', force: true },
        apply,
      );
    } catch (err) {
      throw fromApiError(err, `apply CRD ${name}`);
    }
  }
  await Promise.all(crds.map((crd) => waitEstablished(api, crd.metadata?.name ?? '', options)));
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
