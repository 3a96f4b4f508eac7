// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { ciliumPodCidrs } from './cilium-config.ts';

describe('cilium-config pod CIDRs', () => {
  it('reads the cluster-pool CIDRs of both families (space-separated lists too)', () => {
    expect(ciliumPodCidrs({ ipam: 'cluster-pool', 'cluster-pool-ipv4-cidr': '10.0.0.0/8 172.16.0.0/12', 'cluster-pool-ipv6-cidr': 'fd00::/104' }))
      .toEqual({ kind: 'cidrs', cidrs: ['10.0.0.0/8', '172.16.0.0/12', 'fd00::/104'] });
  });

  it('treats a missing ipam key as cluster-pool, Cilium\'s default', () => {
    expect(ciliumPodCidrs({ 'cluster-pool-ipv4-cidr': '10.0.0.0/8' })).toEqual({ kind: 'cidrs', cidrs: ['10.0.0.0/8'] });
  });

  it('hands kubernetes mode to the cluster sources', () => {
    expect(ciliumPodCidrs({ ipam: 'kubernetes' })).toEqual({ kind: 'from-cluster' });
  });

  it('names modes without a pool in cilium-config, and empty or invalid pools', () => {
    expect(ciliumPodCidrs({ ipam: 'multi-pool' })).toEqual({ kind: 'unknown', reason: 'cilium-config ipam mode "multi-pool" keeps no pod CIDR in cilium-config (supported: cluster-pool, kubernetes)' });
    expect(ciliumPodCidrs({ ipam: 'cluster-pool' })).toEqual({ kind: 'unknown', reason: 'cilium-config cluster-pool-ipv4-cidr / cluster-pool-ipv6-cidr is not set' });
    expect(ciliumPodCidrs({ 'cluster-pool-ipv4-cidr': '10.0.0.0/40' })).toEqual({ kind: 'unknown', reason: 'cilium-config cluster-pool-ipv4-cidr / cluster-pool-ipv6-cidr holds no valid CIDR (10.0.0.0/40)' });
  });
});
