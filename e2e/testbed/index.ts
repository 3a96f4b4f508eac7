// SPDX-License-Identifier: Apache-2.0
export { testbed, adminKubeConfig, uniqueName } from './context.ts';
export { Testbed, STATE_ENV, type TestbedState } from './testbed.ts';
export { ManagedProcess, sleep } from './managed-process.ts';
export { eventually } from './eventually.ts';
export { freePort } from './free-port.ts';
export { issueServingCert } from './pki.ts';
export { ensureBinaries, REPO_ROOT, type Binaries } from './binaries.ts';
export { IPAM_SERVICE_NODE_FLAGS, startServices, waitHealthy, type ServiceProcess, type StartedServices, type StackEnv } from './services.ts';
export { assertNetnsSupport, createPodNetns, createSimulatedNode, type SimulatedNode } from './netns.ts';
export { SERVICES_NAMESPACE, ensureNamespace } from './namespace.ts';
