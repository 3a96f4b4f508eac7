// SPDX-License-Identifier: Apache-2.0
// What a SpiderCoordinator's status should say, from the cluster's network sources:
//   pod CIDRs by spec.podCIDRType — cluster: kube-controller-manager --cluster-cidr, then
//   kubeadm-config podSubnet; calico: enabled IPPools; cilium: cilium-config; auto: calico,
//   cilium, cluster, the first that answers; none: no pod CIDRs.
//   service CIDRs — ServiceCIDR objects, then kubeadm-config serviceSubnet, then the
//   --service-cluster-ip-range flag of kube-controller-manager, then of kube-apiserver.
// The running components' flags win over kubeadm-config, which is only what kubeadm was given.
// Both lists are always written (possibly empty): a status with pod CIDRs but no service CIDR
// list is what made upstream's agent answer without serviceCIDR (upstream bug #8).
import type { SpiderCoordinatorStatus } from '@spiderpool/crds';
import { calicoPodCidrs } from './calico-pools.ts';
import { mergeCidrs, splitCidrList } from './cidr-text-list.ts';
import { ciliumPodCidrs } from './cilium-config.ts';
import { flagValue } from './control-plane-flags.ts';
import { parseKubeadmNetworking } from './kubeadm-config.ts';
import { found, missing, type ClusterNetworkSources, type ControlPlaneComponent, type Sourced } from './network-sources.ts';

type Cidrs = Sourced<string[]>;
type Attempt = () => Promise<Cidrs>;

/** The first attempt that finds CIDRs; otherwise every attempt's reason, in order. */
async function firstFound(attempts: readonly Attempt[]): Promise<Cidrs> {
  const reasons: string[] = [];
  for (const attempt of attempts) {
    const result = await attempt();
    if (result.ok) return result;
    reasons.push(result.reason);
  }
  return missing(reasons.join('; '));
}

function cidrsOfText(text: string, where: string): Cidrs {
  const list = splitCidrList(text);
  return list.cidrs.length > 0 ? found(list.cidrs) : missing(`${where} "${text}" holds no valid CIDR`);
}

async function fromFlag(sources: ClusterNetworkSources, component: ControlPlaneComponent, flag: string): Promise<Cidrs> {
  const lines = await sources.controlPlaneCommandLines(component);
  if (!lines.ok) return missing(lines.reason);
  for (const argv of lines.value) {
    const value = flagValue(argv, flag);
    if (value !== undefined) return cidrsOfText(value, `${component} --${flag}`);
  }
  return missing(`no ${component} Pod sets --${flag}`);
}

async function fromKubeadm(sources: ClusterNetworkSources, key: 'podSubnet' | 'serviceSubnet'): Promise<Cidrs> {
  const text = await sources.kubeadmClusterConfiguration();
  if (!text.ok) return missing(text.reason);
  const networking = parseKubeadmNetworking(text.value);
  if (networking.problem) return missing(`kubeadm-config: ${networking.problem}`);
  const value = networking[key];
  return value === undefined ? missing(`kubeadm-config sets no networking.${key}`) : cidrsOfText(value, `kubeadm-config networking.${key}`);
}

const clusterPodCidrs = (sources: ClusterNetworkSources): Promise<Cidrs> =>
  firstFound([() => fromFlag(sources, 'kube-controller-manager', 'cluster-cidr'), () => fromKubeadm(sources, 'podSubnet')]);

async function calicoCidrs(sources: ClusterNetworkSources): Promise<Cidrs> {
  const pools = await sources.calicoIPPools();
  if (!pools.ok) return missing(pools.reason);
  const cidrs = calicoPodCidrs(pools.value);
  return cidrs.length > 0 ? found(cidrs) : missing('no enabled Calico IPPool with a valid spec.cidr');
}

async function ciliumCidrs(sources: ClusterNetworkSources): Promise<Cidrs> {
  const config = await sources.ciliumConfig();
  if (!config.ok) return missing(config.reason);
  const answer = ciliumPodCidrs(config.value);
  if (answer.kind === 'cidrs') return found(answer.cidrs);
  if (answer.kind === 'unknown') return missing(answer.reason);
  const cluster = await clusterPodCidrs(sources);
  return cluster.ok ? cluster : missing(`cilium-config ipam mode kubernetes takes the cluster's pod CIDR, which is unknown: ${cluster.reason}`);
}

const POD_CIDR_SOURCES: Readonly<Record<string, (sources: ClusterNetworkSources) => Promise<Cidrs>>> = {
  none: async () => found([]),
  cluster: clusterPodCidrs,
  calico: calicoCidrs,
  cilium: ciliumCidrs,
  auto: (sources) => firstFound([() => calicoCidrs(sources), () => ciliumCidrs(sources), () => clusterPodCidrs(sources)]),
};

export async function podCidrsOf(podCIDRType: unknown, sources: ClusterNetworkSources): Promise<Cidrs> {
  const discover = typeof podCIDRType === 'string' && Object.hasOwn(POD_CIDR_SOURCES, podCIDRType) ? POD_CIDR_SOURCES[podCIDRType] : undefined;
  if (!discover) return missing(`spec.podCIDRType ${JSON.stringify(podCIDRType ?? null)} is not one of ${Object.keys(POD_CIDR_SOURCES).join(', ')}`);
  const result = await discover(sources);
  return result.ok ? result : missing(`pod CIDR (podCIDRType ${podCIDRType}) not found: ${result.reason}`);
}

async function fromServiceCIDRObjects(sources: ClusterNetworkSources): Promise<Cidrs> {
  const objects = await sources.serviceCIDRObjects();
  if (!objects.ok) return missing(objects.reason);
  // An object being deleted no longer hands out ClusterIPs.
  const texts = objects.value
    .filter((o) => !o.metadata?.deletionTimestamp)
    .flatMap((o) => (Array.isArray(o.spec?.cidrs) ? (o.spec.cidrs as unknown[]) : []))
    .filter((c): c is string => typeof c === 'string');
  const cidrs = mergeCidrs(texts.flatMap((text) => splitCidrList(text).cidrs));
  return cidrs.length > 0 ? found(cidrs) : missing('no ServiceCIDR object holds a valid CIDR');
}

export async function serviceCidrsOf(sources: ClusterNetworkSources): Promise<Cidrs> {
  const result = await firstFound([
    () => fromServiceCIDRObjects(sources),
    () => fromKubeadm(sources, 'serviceSubnet'),
    () => fromFlag(sources, 'kube-controller-manager', 'service-cluster-ip-range'),
    () => fromFlag(sources, 'kube-apiserver', 'service-cluster-ip-range'),
  ]);
  return result.ok ? result : missing(`service CIDR not found: ${result.reason}`);
}

/** Synced when both the pod and the service CIDRs are known; NotReady with every reason otherwise. */
export async function coordinatorStatusOf(podCIDRType: unknown, sources: ClusterNetworkSources): Promise<SpiderCoordinatorStatus> {
  const pods = await podCidrsOf(podCIDRType, sources);
  const services = await serviceCidrsOf(sources);
  const overlayPodCIDR = pods.ok ? pods.value : [];
  const serviceCIDR = services.ok ? services.value : [];
  const reasons = [pods, services].flatMap((r) => (r.ok ? [] : [r.reason]));
  if (reasons.length === 0) return { phase: 'Synced', overlayPodCIDR, serviceCIDR };
  return { phase: 'NotReady', reason: reasons.join('; '), overlayPodCIDR, serviceCIDR };
}

/** True when writing `next` would change nothing (order of CIDRs matters: it is the discovery order). */
export function sameStatus(current: SpiderCoordinatorStatus | undefined, next: SpiderCoordinatorStatus): boolean {
  if (!current) return false;
  const same = (a: readonly string[] | undefined, b: readonly string[] | undefined): boolean =>
    a !== undefined && b !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);
  return current.phase === next.phase && (current.reason ?? '') === (next.reason ?? '')
    && same(current.overlayPodCIDR, next.overlayPodCIDR) && same(current.serviceCIDR, next.serviceCIDR);
}
