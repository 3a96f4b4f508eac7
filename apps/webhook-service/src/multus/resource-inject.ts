// SPDX-License-Identifier: Apache-2.0
// Pod resource injection, pure. A pod annotated `cni.spidernet.io/rdma-resource-inject: <group>`
// or `cni.spidernet.io/network-resource-inject: <group>` gets every SpiderMultusConfig labelled
// with that group (the SMC's annotation copied to a label by its admission):
// - its NAD appended to the Multus networks annotation `k8s.v1.cni.cncf.io/networks`
//   (entries already there are kept; the annotation keeps its comma or JSON form), and
// - its device-plugin resource (RDMA shared device, SR-IOV VF pool) requested by the first
//   container, unless some container already asks for it.
// Configs are taken in namespace/name order, so the NICs (net1, net2, ...) come out the same
// for every pod of the group.
import { Annotations, Labels, type SpiderMultusConfig } from '@spiderpool/crds';
import { parseMultusNetworks, type MultusNetworkRef } from '@spiderpool/ipam-domain';
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import { cniTypeOf, deviceResourceOf, nadNameOf } from './multus-config-blocks.ts';

/** Pod annotation → the SMC label that selects its group. */
const GROUP_KEYS = [
  [Annotations.RDMA_RESOURCE_INJECT, Labels.RDMA_RESOURCE_INJECT],
  [Annotations.NETWORK_RESOURCE_INJECT, Labels.NETWORK_RESOURCE_INJECT],
] as const;

/** Whether the pod asks for injection at all: the cheap test run on every pod admitted. */
export function wantsInjection(pod: V1Pod): boolean {
  const annotations = pod.metadata?.annotations;
  return annotations !== undefined && GROUP_KEYS.some(([key]) => annotations[key] !== undefined);
}

/** The SpiderMultusConfigs the pod's groups select, without duplicates, in namespace/name order. */
export function selectedConfigs(pod: V1Pod, smcs: readonly SpiderMultusConfig[]): SpiderMultusConfig[] {
  const annotations = pod.metadata?.annotations ?? {};
  const chosen = smcs.filter((smc) => {
    if (smc.metadata?.deletionTimestamp) return false;
    // OVS and custom configs cannot be injected (their admission refuses the annotation).
    if (cniTypeOf(smc) === 'ovs' || cniTypeOf(smc) === 'custom') return false;
    return GROUP_KEYS.some(([podKey, label]) => annotations[podKey] !== undefined && smc.metadata?.labels?.[label] === annotations[podKey]);
  });
  const key = (s: SpiderMultusConfig): string => `${s.metadata?.namespace ?? ''}/${s.metadata?.name ?? ''}`;
  return chosen.sort((a, b) => key(a).localeCompare(key(b)));
}

function refOf(smc: SpiderMultusConfig): Required<Pick<MultusNetworkRef, 'namespace' | 'name'>> {
  return { namespace: smc.metadata?.namespace ?? '', name: nadNameOf(smc) };
}

/**
 * The networks annotation with the configs' NADs appended, or undefined when all are listed.
 * Throws INVALID_INPUT when the pod's existing annotation cannot be parsed.
 */
export function mergedNetworks(existing: string | undefined, podNamespace: string, smcs: readonly SpiderMultusConfig[]): string | undefined {
  const current = existing === undefined || existing.trim() === '' ? [] : parseMultusNetworks(existing, Annotations.MULTUS_NETWORKS);
  const listed = (r: { namespace: string; name: string }): boolean => current.some((c) => (c.namespace ?? podNamespace) === r.namespace && c.name === r.name);
  const missing = smcs.map(refOf).filter((r) => !listed(r));
  if (missing.length === 0) return undefined;
  if (existing?.trim().startsWith('[')) return JSON.stringify([...(JSON.parse(existing) as unknown[]), ...missing]);
  const added = missing.map((r) => `${r.namespace}/${r.name}`);
  return existing?.trim() ? `${existing.trim()},${added.join(',')}` : added.join(',');
}

const asks = (c: V1Container, resource: string): boolean => c.resources?.limits?.[resource] !== undefined || c.resources?.requests?.[resource] !== undefined;

/** Device resources the configs need that no container requests yet. */
export function missingResources(pod: V1Pod, smcs: readonly SpiderMultusConfig[]): string[] {
  const needed = [...new Set(smcs.map((s) => deviceResourceOf(s.spec ?? {})).filter((r): r is string => Boolean(r)))];
  return needed.filter((r) => !(pod.spec?.containers ?? []).some((c) => asks(c, r)));
}

/**
 * The pod with the injection applied, or undefined when there is nothing to add. `pod` is not
 * changed. Extended resources need request == limit, so both are set to 1.
 */
export function injectNetworks(pod: V1Pod, podNamespace: string, smcs: readonly SpiderMultusConfig[]): V1Pod | undefined {
  const chosen = selectedConfigs(pod, smcs);
  if (chosen.length === 0) return undefined;
  const networks = mergedNetworks(pod.metadata?.annotations?.[Annotations.MULTUS_NETWORKS], podNamespace, chosen);
  const resources = missingResources(pod, chosen);
  const first = pod.spec?.containers?.[0];
  if (networks === undefined && (resources.length === 0 || !first)) return undefined;
  const out = structuredClone(pod);
  if (networks !== undefined) out.metadata = { ...out.metadata, annotations: { ...out.metadata?.annotations, [Annotations.MULTUS_NETWORKS]: networks } };
  const container = out.spec?.containers?.[0];
  if (container && resources.length) {
    const extra = Object.fromEntries(resources.map((r) => [r, '1']));
    container.resources = { ...container.resources, limits: { ...container.resources?.limits, ...extra }, requests: { ...container.resources?.requests, ...extra } };
  }
  return out;
}
