// SPDX-License-Identifier: Apache-2.0
// CIDR lists as the cluster's sources write them: `10.244.0.0/16,fd00:10:244::/56` in flags and
// kubeadm's ClusterConfiguration, space-separated in cilium-config.
import { tryParseCidr } from '@spiderpool/ipam-domain';

export interface CidrTextList {
  /** Valid CIDRs in the order written, without duplicates. */
  cidrs: string[];
  /** Entries that are not CIDRs, for the reason of a NotReady status. */
  invalid: string[];
}

export function splitCidrList(text: string | undefined): CidrTextList {
  const entries = (text ?? '').split(/[\s,]+/).filter((entry) => entry !== '');
  const cidrs = [...new Set(entries.filter((entry) => tryParseCidr(entry)))];
  return { cidrs, invalid: entries.filter((entry) => !tryParseCidr(entry)) };
}

/** Joins lists keeping the first occurrence of each CIDR. */
export const mergeCidrs = (...lists: string[][]): string[] => [...new Set(lists.flat())];
