// SPDX-License-Identifier: Apache-2.0
import { VersionApi, type KubeConfig } from '@kubernetes/client-node';
import { fromApiError } from './api-errors.ts';

/** Readiness check: the API server answers an authenticated request. */
export function apiServerCheck(kc: KubeConfig): (signal: AbortSignal) => Promise<void> {
  const api = kc.makeApiClient(VersionApi);
  return async () => {
    try {
      await api.getCode();
    } catch (err) {
      throw fromApiError(err, 'kube-apiserver');
    }
  };
}
