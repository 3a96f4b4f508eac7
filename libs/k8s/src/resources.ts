// SPDX-License-Identifier: Apache-2.0
import type { ResourceRef } from './kube-client.ts';

const spider = '/apis/spiderpool.spidernet.io/v2beta1';

/** The resources the services read and write. */
export const Resources = {
  pods: { base: '/api/v1', plural: 'pods', namespaced: true },
  namespaces: { base: '/api/v1', plural: 'namespaces', namespaced: false },
  nodes: { base: '/api/v1', plural: 'nodes', namespaced: false },
  deployments: { base: '/apis/apps/v1', plural: 'deployments', namespaced: true },
  statefulSets: { base: '/apis/apps/v1', plural: 'statefulsets', namespaced: true },
  daemonSets: { base: '/apis/apps/v1', plural: 'daemonsets', namespaced: true },
  replicaSets: { base: '/apis/apps/v1', plural: 'replicasets', namespaced: true },
  jobs: { base: '/apis/batch/v1', plural: 'jobs', namespaced: true },
  cronJobs: { base: '/apis/batch/v1', plural: 'cronjobs', namespaced: true },
  leases: { base: '/apis/coordination.k8s.io/v1', plural: 'leases', namespaced: true },
  secrets: { base: '/api/v1', plural: 'secrets', namespaced: true },
  mutatingWebhookConfigurations: { base: '/apis/admissionregistration.k8s.io/v1', plural: 'mutatingwebhookconfigurations', namespaced: false },
  validatingWebhookConfigurations: { base: '/apis/admissionregistration.k8s.io/v1', plural: 'validatingwebhookconfigurations', namespaced: false },
  ipPools: { base: spider, plural: 'spiderippools', namespaced: false },
  subnets: { base: spider, plural: 'spidersubnets', namespaced: false },
  reservedIPs: { base: spider, plural: 'spiderreservedips', namespaced: false },
  endpoints: { base: spider, plural: 'spiderendpoints', namespaced: true },
  coordinators: { base: spider, plural: 'spidercoordinators', namespaced: false },
  multusConfigs: { base: spider, plural: 'spidermultusconfigs', namespaced: true },
  networkAttachmentDefinitions: { base: '/apis/k8s.cni.cncf.io/v1', plural: 'network-attachment-definitions', namespaced: true },
  virtualMachines: { base: '/apis/kubevirt.io/v1', plural: 'virtualmachines', namespaced: true },
  virtualMachineInstances: { base: '/apis/kubevirt.io/v1', plural: 'virtualmachineinstances', namespaced: true },
} as const satisfies Record<string, ResourceRef>;
