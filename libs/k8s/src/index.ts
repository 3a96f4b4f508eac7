// SPDX-License-Identifier: Apache-2.0
export { loadKubeConfig } from './kubeconfig.ts';
export { fromApiError, apiStatusCode } from './api-errors.ts';
export { apiServerCheck } from './api-health.ts';
export { installCrds, type InstallCrdsOptions } from './crd-installer.ts';
export { rawRequest, type RawRequest } from './raw-request.ts';
export { KubeClient, type KubeList, type KubeObject, type RequestObserver, type ResourceRef } from './kube-client.ts';
export { Reflector, type ReflectorOptions, type WatchEventType } from './reflector.ts';
export { Resources } from './resources.ts';
export { LeaderElector, type LeaderElectorOptions, type LeaseLocation } from './leader-election.ts';
export { leaderElectedComponent, type ElectionLogger, type LeaderElectedComponent, type LeaderElectedOptions } from './leader-elected.ts';
export { kubeLeasePort, microTime, type LeasePort, type LeaseRecord, type LeaseSnapshot } from './lease-port.ts';
export { systemClock, ManualClock, settle, type Clock } from './clock.ts';
