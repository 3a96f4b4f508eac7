// SPDX-License-Identifier: Apache-2.0
export { loadKubeConfig } from './kubeconfig.ts';
export { fromApiError, apiStatusCode } from './api-errors.ts';
export { apiServerCheck } from './api-health.ts';
export { installCrds, type InstallCrdsOptions } from './crd-installer.ts';
export { rawRequest, type RawRequest } from './raw-request.ts';
