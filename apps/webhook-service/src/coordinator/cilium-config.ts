// SPDX-License-Identifier: Apache-2.0
// Pod CIDRs from Cilium's agent configuration (the cilium-config ConfigMap). Only Cilium's
// cluster-pool IPAM keeps the pool in this ConfigMap; in `kubernetes` mode the pod CIDRs are the
// nodes' podCIDRs, allocated by kube-controller-manager from its --cluster-cidr, so the cluster
// sources answer; other modes (multi-pool, cloud ENI...) keep their pools elsewhere.
import { splitCidrList } from './cidr-text-list.ts';

export const CILIUM_CONFIG_MAP = 'cilium-config';

export type CiliumPodCidrs =
  | { kind: 'cidrs'; cidrs: string[] }
  | { kind: 'from-cluster' }
  | { kind: 'unknown'; reason: string };

const CLUSTER_POOL_MODES = new Set(['cluster-pool']);

export function ciliumPodCidrs(data: Readonly<Record<string, string>>): CiliumPodCidrs {
  // Cilium's default IPAM mode is cluster-pool when the key is absent.
  const mode = (data['ipam'] ?? '').trim() || 'cluster-pool';
  if (mode === 'kubernetes') return { kind: 'from-cluster' };
  if (!CLUSTER_POOL_MODES.has(mode)) {
    return { kind: 'unknown', reason: `cilium-config ipam mode "${mode}" keeps no pod CIDR in cilium-config (supported: cluster-pool, kubernetes)` };
  }
  const v4 = splitCidrList(data['cluster-pool-ipv4-cidr']);
  const v6 = splitCidrList(data['cluster-pool-ipv6-cidr']);
  const cidrs = [...v4.cidrs, ...v6.cidrs];
  if (cidrs.length > 0) return { kind: 'cidrs', cidrs };
  const invalid = [...v4.invalid, ...v6.invalid];
  const detail = invalid.length > 0 ? `holds no valid CIDR (${invalid.join(', ')})` : 'is not set';
  return { kind: 'unknown', reason: `cilium-config cluster-pool-ipv4-cidr / cluster-pool-ipv6-cidr ${detail}` };
}
