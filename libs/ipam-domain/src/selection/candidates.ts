// SPDX-License-Identifier: Apache-2.0
/**
 * Candidate pools per NIC, by upstream's priority (highest first, the first rule that yields
 * pools wins, lower rules are never merged in):
 *   1. SpiderSubnet annotations (`subnets` > `subnet`): the NIC's auto-pools, resolved by the caller
 *   2. `ipam.spidernet.io/ippools` (plans for every NIC of the pod)
 *   3. `ipam.spidernet.io/ippool` (current NIC)
 *   4. namespace default-pool annotations
 *   5. netconf `default_ipv4_ippool` / `default_ipv6_ippool`
 *   6. cluster default pools (`spec.default`), resolved by the caller
 * Names may still hold wildcards; expansion needs the pool list and is the caller's job.
 */
import { Annotations } from '@spiderpool/crds/keys';
import { SpiderpoolError, invalidInput } from '@spiderpool/errors';
import type { IpamSettings, NamespaceFacts, NicPlan, NicRequest, PodFacts } from '../types.ts';
import { subnetChoices } from '../subnet/auto-pool-request.ts';
import { parseIppoolAnnotation, parseIppoolsAnnotation, parseNamespaceDefaultPools, type IppoolsEntry } from './pod-annotations.ts';

export interface PlanNicsOptions {
  pod: PodFacts;
  namespace: NamespaceFacts;
  request: NicRequest;
  settings: IpamSettings;
}

export interface PlanNicsResult {
  /** Plans for every NIC this call should allocate (several only with the `ippools` annotation). */
  plans: NicPlan[];
  /** The plan of `request.nic` (also contained in `plans`). */
  current: NicPlan;
}

/**
 * Chooses the candidate pools of the requested NIC (and, with `ippools`, of all the pod's NICs).
 * Lists of disabled families are dropped silently; the current NIC must keep at least one list
 * unless the cluster default applies. Plans of other NICs left without any list are omitted.
 */
export function planNics(o: PlanNicsOptions): PlanNicsResult {
  const raw = subnetPlans(o) ?? ippoolsPlans(o) ?? firstSingleNicPlan(o);
  const plans = raw.map((p) => dropDisabledFamilies(p, o.settings));
  const current = plans.find((p) => p.nic === o.request.nic);
  if (!current) throw new SpiderpoolError('INTERNAL', `no plan was built for NIC ${o.request.nic}`);
  if (current.source !== 'cluster-default' && !hasCandidates(current)) {
    const named = raw.find((p) => p.nic === o.request.nic) ?? current;
    throw new SpiderpoolError(
      'NO_AVAILABLE_POOL',
      `no pool selection rules of any type are specified for ${o.request.nic}: the ${describeSource(current.source)} names only pools of disabled IP families: ${describeDropped(named)}`,
    );
  }
  return { plans: plans.filter((p) => p === current || hasCandidates(p)), current };
}

function hasCandidates(p: NicPlan): boolean {
  return p.ipv4.length > 0 || p.ipv6.length > 0 || p.subnets?.ipv4 !== undefined || p.subnets?.ipv6 !== undefined;
}

/**
 * Plans from the SpiderSubnet annotations, one per NIC they list (the current NIC must be one).
 * Upstream only looks at them when the SpiderSubnet feature is on; with auto-pools off they are
 * an error rather than silently ignored.
 */
function subnetPlans(o: PlanNicsOptions): NicPlan[] | undefined {
  if (!o.settings.enableSpiderSubnet) return undefined;
  const requested = subnetChoices(o.pod.annotations, o.settings);
  if (!requested) return undefined;
  if (!o.settings.enableAutoPoolForApplication) {
    throw new SpiderpoolError('NOT_SUPPORTED', `annotation ${requested.key} asks for an auto-created pool, but auto-pools for applications are disabled (enableAutoPoolForApplication: false)`, { field: requested.key });
  }
  const byNic = new Map<string, NicPlan>();
  for (const c of requested.choices) {
    const plan = byNic.get(c.nic) ?? { nic: c.nic, cleanGateway: o.request.cleanGateway, ipv4: [], ipv6: [], source: 'subnet-annotation' as const, subnets: {} };
    (plan.subnets ??= {})[c.version === 4 ? 'ipv4' : 'ipv6'] = c.subnet;
    byNic.set(c.nic, plan);
  }
  if (!byNic.has(o.request.nic)) {
    const text = o.pod.annotations[requested.key] ?? '';
    throw invalidInput(requested.key, text, `must list interface "${o.request.nic}" (the NIC being set up) with a subnet of an enabled IP family`);
  }
  return [...byNic.values()];
}

function ippoolsPlans(o: PlanNicsOptions): NicPlan[] | undefined {
  const text = o.pod.annotations[Annotations.IPPOOLS];
  if (text === undefined) return undefined;
  const entries = parseIppoolsAnnotation(text);
  const plans = entries.map((e, i) => ({
    nic: e.interface ?? defaultNicName(i),
    cleanGateway: e.cleanGateway ?? o.request.cleanGateway,
    ipv4: e.ipv4,
    ipv6: e.ipv6,
    source: 'ippools-annotation' as const,
  }));
  if (!plans.some((p) => p.nic === o.request.nic)) throw missingNic(entries, text, o.request.nic);
  return plans;
}

/** Unnamed `ippools` entries are the pod's NICs in Multus order: eth0, net1, net2, … */
function defaultNicName(index: number): string {
  return index === 0 ? 'eth0' : `net${index}`;
}

function missingNic(entries: IppoolsEntry[], text: string, nic: string): SpiderpoolError {
  const named = entries[0]?.interface !== undefined;
  const rule = named
    ? `must list interface "${nic}" (the NIC being set up)`
    : `has ${entries.length} entries without interface names, read as NICs ${entries.map((_, i) => defaultNicName(i)).join(', ')}, which do not include "${nic}"; name the interfaces`;
  return invalidInput(Annotations.IPPOOLS, text, rule);
}

function firstSingleNicPlan(o: PlanNicsOptions): NicPlan[] {
  const { request, pod, namespace } = o;
  const single = (source: NicPlan['source'], ipv4: string[], ipv6: string[]): NicPlan[] => [
    { nic: request.nic, cleanGateway: request.cleanGateway, ipv4, ipv6, source },
  ];
  const ippool = pod.annotations[Annotations.IPPOOL];
  if (ippool !== undefined) {
    const parsed = parseIppoolAnnotation(ippool);
    return single('ippool-annotation', parsed.ipv4, parsed.ipv6);
  }
  const nsV4 = namespaceList(namespace, Annotations.NS_DEFAULT_IPV4_IPPOOL);
  const nsV6 = namespaceList(namespace, Annotations.NS_DEFAULT_IPV6_IPPOOL);
  if (nsV4.length > 0 || nsV6.length > 0) return single('namespace-annotation', nsV4, nsV6);
  if (request.defaultIpv4Pools.length > 0 || request.defaultIpv6Pools.length > 0) {
    return single('netconf', [...request.defaultIpv4Pools], [...request.defaultIpv6Pools]);
  }
  return single('cluster-default', [], []);
}

function namespaceList(namespace: NamespaceFacts, key: string): string[] {
  const text = namespace.annotations[key];
  return text === undefined ? [] : parseNamespaceDefaultPools(text, key);
}

function dropDisabledFamilies(plan: NicPlan, settings: IpamSettings): NicPlan {
  return {
    ...plan,
    ipv4: settings.enableIPv4 ? plan.ipv4 : [],
    ipv6: settings.enableIPv6 ? plan.ipv6 : [],
  };
}

/** The pools a plan named for families that are disabled, e.g. `IPv6 [p1 p2] (enableIPv6: false)`. */
function describeDropped(plan: NicPlan): string {
  return ([[4, plan.ipv4], [6, plan.ipv6]] as const)
    .filter(([, names]) => names.length > 0)
    .map(([version, names]) => `IPv${version} [${names.join(' ')}] (enableIPv${version}: false)`)
    .join('; ');
}

function describeSource(source: NicPlan['source']): string {
  switch (source) {
    case 'ippools-annotation':
      return `pod annotation ${Annotations.IPPOOLS}`;
    case 'ippool-annotation':
      return `pod annotation ${Annotations.IPPOOL}`;
    case 'namespace-annotation':
      return 'namespace default-pool annotations';
    case 'subnet-annotation':
      return 'SpiderSubnet annotation';
    default:
      return 'CNI netconf default pools';
  }
}
