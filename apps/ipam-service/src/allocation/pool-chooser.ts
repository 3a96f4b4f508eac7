// SPDX-License-Identifier: Apache-2.0
import type { SpiderIPPool } from '@spiderpool/crds';
import { SpiderpoolError } from '@spiderpool/errors';
import {
  expandPoolNames,
  filterPools,
  noPoolError,
  sortByAffinity,
  type IpamSettings,
  type NamespaceFacts,
  type NodeFacts,
  type PodFacts,
  type PoolFacts,
} from '@spiderpool/ipam-domain';
import { poolFacts } from '../k8s/facts.ts';

export interface ChooseInput {
  version: 4 | 6;
  nic: string;
  /** Candidate names (wildcards allowed); empty with `clusterDefault` means all default pools. */
  patterns: string[];
  clusterDefault: boolean;
  pod: PodFacts;
  namespace: NamespaceFacts;
  node: NodeFacts;
  multusNetwork: string | undefined;
  settings: IpamSettings;
}

/**
 * The ordered pools one NIC and family may take an address from: candidates resolved
 * (wildcards, cluster defaults), filtered with reasons, then stable-sorted by affinity
 * richness so that equally ranked pools keep the user's order.
 */
export function choosePools(all: readonly SpiderIPPool[], input: ChooseInput): PoolFacts[] {
  const facts = all.map(poolFacts);
  const byName = new Map(facts.map((f) => [f.name, f]));
  const names = input.clusterDefault
    ? facts.filter((f) => f.default && f.ipVersion === input.version).map((f) => f.name).sort()
    : expandPoolNames(input.patterns, [...byName.keys()]);
  const missing = names.filter((n) => !byName.has(n));
  const candidates = names.flatMap((n) => byName.get(n) ?? []);
  const { kept, rejected } = filterPools({
    pools: candidates,
    version: input.version,
    nic: input.nic,
    pod: input.pod,
    namespace: input.namespace,
    node: input.node,
    ...(input.multusNetwork ? { multusNetwork: input.multusNetwork } : {}),
    settings: input.settings,
  });
  const allRejected = [...missing.map((pool) => ({ pool, reason: 'no such SpiderIPPool' })), ...rejected];
  if (kept.length === 0) {
    if (names.length === 0) throw noCandidates(input);
    throw noPoolError({ version: input.version, nic: input.nic, candidates: names, rejected: allRejected });
  }
  return sortByAffinity(kept);
}

function noCandidates(input: ChooseInput): SpiderpoolError {
  const what = input.clusterDefault ? `no default IPv${input.version} IPPool exists` : `IPv${input.version} pool names ${JSON.stringify(input.patterns)} match no SpiderIPPool`;
  return new SpiderpoolError('NO_AVAILABLE_POOL', `${what} for ${input.nic}`);
}
