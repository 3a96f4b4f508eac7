// SPDX-License-Identifier: Apache-2.0
// ClusterNetworkSources read from the Kubernetes API. Absent objects, APIs that are not served
// and reads we are not allowed to do become `missing` with a reason; every other failure is
// thrown so that the controller retries instead of writing a wrong status.
import { SpiderpoolError } from '@spiderpool/errors';
import { Resources, type KubeClient, type KubeObject, type ResourceRef } from '@spiderpool/k8s';
import type { CalicoIPPool } from './calico-pools.ts';
import { CILIUM_CONFIG_MAP } from './cilium-config.ts';
import { commandLines } from './control-plane-flags.ts';
import { CLUSTER_CONFIGURATION_KEY, KUBEADM_CONFIG_MAP } from './kubeadm-config.ts';
import { found, missing, type ClusterNetworkSources, type ServiceCIDRObject, type Sourced } from './network-sources.ts';

export const NetworkResources = {
  configMaps: { base: '/api/v1', plural: 'configmaps', namespaced: true },
  calicoIPPools: { base: '/apis/crd.projectcalico.org/v1', plural: 'ippools', namespaced: false },
  serviceCIDRs: { base: '/apis/networking.k8s.io/v1', plural: 'servicecidrs', namespaced: false },
} as const satisfies Record<string, ResourceRef>;

interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

/** The label kubeadm (and most installers) put on control-plane static pods. */
const COMPONENT_LABEL = 'component';

/** NOT_FOUND (no object, or an API that is not served) and FORBIDDEN answer `missing`. */
async function read<T>(what: string, fn: () => Promise<T>): Promise<Sourced<T>> {
  try {
    return found(await fn());
  } catch (err) {
    if (err instanceof SpiderpoolError && err.code === 'NOT_FOUND') return missing(`${what} not found`);
    if (err instanceof SpiderpoolError && err.code === 'FORBIDDEN') return missing(`${what} cannot be read (forbidden)`);
    throw err;
  }
}

export interface KubeNetworkSourcesOptions {
  /** Where kubeadm-config, cilium-config and the control-plane Pods live (default kube-system). */
  namespace?: string;
}

export function kubeNetworkSources(client: KubeClient, options: KubeNetworkSourcesOptions = {}): ClusterNetworkSources {
  const ns = options.namespace ?? 'kube-system';
  const configMap = (name: string): Promise<Sourced<ConfigMap>> =>
    read(`ConfigMap ${ns}/${name}`, () => client.get<ConfigMap>(NetworkResources.configMaps, name, ns));
  return {
    async kubeadmClusterConfiguration() {
      const cm = await configMap(KUBEADM_CONFIG_MAP);
      if (!cm.ok) return cm;
      const text = cm.value.data?.[CLUSTER_CONFIGURATION_KEY];
      return text ? found(text) : missing(`ConfigMap ${ns}/${KUBEADM_CONFIG_MAP} has no key ${CLUSTER_CONFIGURATION_KEY}`);
    },
    async controlPlaneCommandLines(component) {
      const pods = await read(`Pods ${ns} ${COMPONENT_LABEL}=${component}`, () =>
        client.list<KubeObject & Parameters<typeof commandLines>[0]>(Resources.pods, { namespace: ns, labelSelector: `${COMPONENT_LABEL}=${component}` }));
      if (!pods.ok) return pods;
      if (pods.value.items.length === 0) return missing(`no Pod labelled ${COMPONENT_LABEL}=${component} in namespace ${ns}`);
      return found(pods.value.items.flatMap(commandLines));
    },
    async calicoIPPools() {
      const list = await read('Calico IPPool API (crd.projectcalico.org/v1 ippools)', () => client.list<CalicoIPPool & KubeObject>(NetworkResources.calicoIPPools));
      return list.ok ? found(list.value.items) : list;
    },
    async ciliumConfig() {
      const cm = await configMap(CILIUM_CONFIG_MAP);
      return cm.ok ? found(cm.value.data ?? {}) : cm;
    },
    async serviceCIDRObjects() {
      const list = await read('ServiceCIDR API (networking.k8s.io/v1 servicecidrs)', () => client.list<ServiceCIDRObject & KubeObject>(NetworkResources.serviceCIDRs));
      return list.ok ? found(list.value.items) : list;
    },
  };
}
