// SPDX-License-Identifier: Apache-2.0
// Pod CIDRs from Calico IPPool objects (crd.projectcalico.org/v1 ippools). A disabled pool
// hands out no addresses, so it is not a pod CIDR.
import { tryParseCidr } from '@spiderpool/ipam-domain';

export interface CalicoIPPool {
  metadata?: { name?: string };
  spec?: { cidr?: unknown; disabled?: unknown };
}

export function calicoPodCidrs(pools: readonly CalicoIPPool[]): string[] {
  const cidrs = pools
    .filter((pool) => pool.spec?.disabled !== true)
    .map((pool) => pool.spec?.cidr)
    .filter((cidr): cidr is string => typeof cidr === 'string' && tryParseCidr(cidr) !== undefined);
  return [...new Set(cidrs)];
}
