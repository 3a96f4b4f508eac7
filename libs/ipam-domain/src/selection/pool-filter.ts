// SPDX-License-Identifier: Apache-2.0
/**
 * Which candidate pools a pod NIC may use, and in which order to try them. Filters follow
 * upstream's order and each rejection carries a human-readable reason for the
 * "no IPPool available" error.
 */
import { SpiderpoolError, isSpiderpoolError } from '@spiderpool/errors';
import type { IpVersion } from '../ip/ip-address.ts';
import type { IpamSettings, LabelSelector, NamespaceFacts, NodeFacts, PodFacts, PoolFacts } from '../types.ts';
import { autoPoolAffinity } from '../subnet/auto-pool-identity.ts';
import { matchesSelector } from './label-selector.ts';
import { normaliseMultusName } from './multus-network.ts';

export interface FilterPoolsOptions {
  /** Candidate pools, already in candidate order (the order is kept). */
  pools: readonly PoolFacts[];
  version: IpVersion;
  nic: string;
  pod: PodFacts;
  namespace: NamespaceFacts;
  node: NodeFacts;
  /** `namespace/name` of the NIC's NetworkAttachmentDefinition, when known. */
  multusNetwork?: string;
  settings: IpamSettings;
}

export interface PoolRejection {
  pool: string;
  reason: string;
}

export interface FilterPoolsResult {
  kept: PoolFacts[];
  rejected: PoolRejection[];
}

type Check = (pool: PoolFacts, o: FilterPoolsOptions) => string | undefined;

/** Upstream's filter order; the first failing check gives the reason. */
const CHECKS: readonly Check[] = [
  (p) => (p.terminating ? 'is terminating' : undefined),
  (p) => (p.disable ? 'is disabled (spec.disable is true)' : undefined),
  checkVersion,
  checkFamilyEnabled,
  checkNode,
  checkNamespace,
  checkPod,
  checkMultus,
];

/** Splits `pools` into those the NIC may use and the rejected ones with their reason. */
export function filterPools(o: FilterPoolsOptions): FilterPoolsResult {
  const kept: PoolFacts[] = [];
  const rejected: PoolRejection[] = [];
  for (const pool of o.pools) {
    const reason = firstFailure(pool, o);
    if (reason === undefined) kept.push(pool);
    else rejected.push({ pool: pool.name, reason });
  }
  return { kept, rejected };
}

function firstFailure(pool: PoolFacts, o: FilterPoolsOptions): string | undefined {
  for (const check of CHECKS) {
    const reason = check(pool, o);
    if (reason !== undefined) return reason;
  }
  return undefined;
}

function checkVersion(p: PoolFacts, o: FilterPoolsOptions): string | undefined {
  if (p.ipVersion === undefined) return 'has no spec.ipVersion';
  return p.ipVersion === o.version ? undefined : `is an IPv${p.ipVersion} pool, not IPv${o.version}`;
}

function checkFamilyEnabled(_p: PoolFacts, o: FilterPoolsOptions): string | undefined {
  const enabled = o.version === 4 ? o.settings.enableIPv4 : o.settings.enableIPv6;
  return enabled ? undefined : `IPv${o.version} is disabled in the Spiderpool configuration (enableIPv${o.version}: false)`;
}

function checkNode(p: PoolFacts, o: FilterPoolsOptions): string | undefined {
  if (p.nodeName.length > 0) {
    return p.nodeName.includes(o.node.name) ? undefined : `spec.nodeName [${p.nodeName.join(' ')}] does not include node ${o.node.name}`;
  }
  if (!p.nodeAffinity) return undefined;
  return selectorFailure(p.nodeAffinity, o.node.labels, 'spec.nodeAffinity', `node ${o.node.name}`);
}

function checkNamespace(p: PoolFacts, o: FilterPoolsOptions): string | undefined {
  const ns = o.pod.namespace;
  if (p.namespaceName.length > 0) {
    return p.namespaceName.includes(ns) ? undefined : `spec.namespaceName [${p.namespaceName.join(' ')}] does not include namespace ${ns}`;
  }
  if (!p.namespaceAffinity) return undefined;
  return selectorFailure(p.namespaceAffinity, o.namespace.labels, 'spec.namespaceAffinity', `namespace ${ns}`);
}

function checkPod(p: PoolFacts, o: FilterPoolsOptions): string | undefined {
  if (!p.podAffinity) return undefined;
  const podName = `${o.pod.namespace}/${o.pod.name}`;
  if (!p.autoPool) return selectorFailure(p.podAffinity, o.pod.labels, 'spec.podAffinity', `pod ${podName}`);
  const owner = o.pod.owner;
  return autoPoolMatchesOwner(p.podAffinity, o.pod)
    ? undefined
    : `spec.podAffinity of the auto-created pool does not match the owner ${owner.kind} ${o.pod.namespace}/${owner.name} (${owner.apiVersion}) of pod ${podName}`;
}

/**
 * Auto-created pools belong to one application: the five `ipam.spidernet.io/app-*` labels of
 * their podAffinity must all equal what the pod's top controller gets written (a missing label
 * counts as ""). Derived by the same function that writes them, so that label-value shortening
 * (names longer than 63 characters) reads the same on both sides.
 */
function autoPoolMatchesOwner(selector: LabelSelector, pod: PodFacts): boolean {
  const expected = autoPoolAffinity({ ...pod.owner, namespace: pod.namespace }).matchLabels;
  const labels = selector.matchLabels ?? {};
  return Object.entries(expected).every(([key, value]) => (labels[key] ?? '') === value);
}

function checkMultus(p: PoolFacts, o: FilterPoolsOptions): string | undefined {
  if (p.multusName.length === 0) return undefined;
  const allowed = p.multusName.map((n) => normaliseMultusName(n, o.settings.installNamespace));
  const list = `spec.multusName [${allowed.join(' ')}]`;
  if (o.multusNetwork === undefined) return `${list} is set but the Multus network of ${o.nic} is unknown`;
  const network = normaliseMultusName(o.multusNetwork, o.settings.installNamespace);
  return allowed.includes(network) ? undefined : `${list} does not include ${network}, the Multus network of ${o.nic}`;
}

/**
 * A broken selector rejects only its own pool (with the validation message as reason) instead of
 * failing the whole allocation, so one bad pool cannot block every pod.
 */
function selectorFailure(
  selector: LabelSelector,
  labels: Readonly<Record<string, string>>,
  field: string,
  subject: string,
): string | undefined {
  try {
    return matchesSelector(selector, labels, field) ? undefined : `${field} does not match the labels of ${subject}`;
  } catch (err) {
    if (isSpiderpoolError(err, 'INVALID_INPUT')) return `${field} is invalid (${err.message})`;
    throw err;
  }
}

/** Affinity flags in upstream's priority order (ByPoolPriority). */
function affinityRank(p: PoolFacts): boolean[] {
  return [
    p.podAffinity !== undefined,
    p.nodeName.length > 0,
    p.nodeAffinity !== undefined,
    p.namespaceName.length > 0,
    p.namespaceAffinity !== undefined,
    p.multusName.length > 0,
  ];
}

function compareRank(a: boolean[], b: boolean[]): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return a[i] ? -1 : 1;
  }
  return 0;
}

/**
 * Orders pools by affinity richness (podAffinity > nodeName > nodeAffinity > namespaceName >
 * namespaceAffinity > multusName > none, compared lexicographically). The sort is stable, so
 * equally ranked pools keep the user's order — upstream's unstable sort loses it.
 */
export function sortByAffinity(pools: readonly PoolFacts[]): PoolFacts[] {
  const ranked = pools.map((pool, index) => ({ pool, index, rank: affinityRank(pool) }));
  ranked.sort((a, b) => compareRank(a.rank, b.rank) || a.index - b.index);
  return ranked.map((r) => r.pool);
}

export interface NoPoolErrorOptions {
  version: IpVersion;
  nic: string;
  /** The candidate pool names (after wildcard expansion), in order. */
  candidates: readonly string[];
  rejected: readonly PoolRejection[];
}

/**
 * NO_AVAILABLE_POOL in upstream's wording, e.g. `no IPPool available, all IPv4 IPPools [p1 p2]
 * of eth0 filtered out: p1: is terminating; p2: is disabled (spec.disable is true)`.
 */
export function noPoolError(o: NoPoolErrorOptions): SpiderpoolError {
  if (o.candidates.length === 0) {
    return new SpiderpoolError('NO_AVAILABLE_POOL', `no IPv${o.version} IPPool candidates for ${o.nic}`);
  }
  const reasons = o.rejected.map((r) => `${r.pool}: ${r.reason}`).join('; ');
  const head = `all IPv${o.version} IPPools [${o.candidates.join(' ')}] of ${o.nic} filtered out`;
  return new SpiderpoolError('NO_AVAILABLE_POOL', reasons ? `${head}: ${reasons}` : head);
}
