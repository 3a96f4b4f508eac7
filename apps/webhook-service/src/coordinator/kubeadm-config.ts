// SPDX-License-Identifier: Apache-2.0
// The networking section of kubeadm's ClusterConfiguration, stored as YAML text under the key
// `ClusterConfiguration` of the kubeadm-config ConfigMap:
//   networking: { podSubnet: 10.244.0.0/16, serviceSubnet: 10.96.0.0/12 }
// Both values may be comma-separated dual-stack lists.
import { parse } from 'yaml';

export const KUBEADM_CONFIG_MAP = 'kubeadm-config';
export const CLUSTER_CONFIGURATION_KEY = 'ClusterConfiguration';

export interface KubeadmNetworking {
  podSubnet?: string;
  serviceSubnet?: string;
  /** Set when the text is not a YAML mapping: the status reason names it. */
  problem?: string;
}

const textOf = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);

export function parseKubeadmNetworking(text: string): KubeadmNetworking {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    return { problem: `${CLUSTER_CONFIGURATION_KEY} is not valid YAML: ${(err as Error).message.split('\n')[0]}` };
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return { problem: `${CLUSTER_CONFIGURATION_KEY} is not a YAML mapping` };
  const networking = (doc as Record<string, unknown>)['networking'];
  const net = (typeof networking === 'object' && networking !== null ? networking : {}) as Record<string, unknown>;
  const out: KubeadmNetworking = {};
  const podSubnet = textOf(net['podSubnet']);
  const serviceSubnet = textOf(net['serviceSubnet']);
  if (podSubnet) out.podSubnet = podSubnet;
  if (serviceSubnet) out.serviceSubnet = serviceSubnet;
  return out;
}
