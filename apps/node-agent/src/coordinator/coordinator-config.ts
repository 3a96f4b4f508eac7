// SPDX-License-Identifier: Apache-2.0
// The effective coordinator settings of one CNI call: netconf values win, then the pod's
// `ipam.spidernet.io/default-route-nic` annotation (for the default-route NIC), then the
// cluster's SpiderCoordinator, then the defaults upstream's mutating webhook would write.
import type { SpiderCoordinator } from '@spiderpool/crds';
import { cidrList, macPrefix, parseMode, policyRouteList, type CoordinatorMode, type CoordinatorNetconf, type PolicyRoute } from './coordinator-netconf.ts';

export interface CoordinatorConfig {
  mode: CoordinatorMode;
  tunePodRoutes: boolean;
  /** '' = the first NIC (podDefaultCniNic) keeps the default route. */
  podDefaultRouteNic: string;
  podDefaultCniNic: string;
  podMACPrefix: string;
  overlayPodCIDR: string[];
  serviceCIDR: string[];
  hijackCIDR: string[];
  policyRoutes: PolicyRoute[];
  hostRuleTable: number;
  /** Negative: leave the pod's rp_filter as it is. */
  podRPFilter: number;
  /** 0: leave the queue length as it is. */
  txQueueLen: number;
  vethLinkAddress: string;
  vethMTU: number;
}

export const DEFAULTS = { mode: 'auto', tunePodRoutes: true, hostRuleTable: 500, podRPFilter: 0, txQueueLen: 0, vethMTU: 1500 } as const;

/**
 * A SpiderCoordinator was written through the API server (schema-checked) but the webhook may
 * not have run; its fields are re-checked with the netconf rules, naming the CR's field.
 */
function fromCluster(scc: SpiderCoordinator | undefined): Partial<CoordinatorConfig> {
  const spec = scc?.spec ?? {};
  const status = scc?.status;
  const field = (f: string): string => `SpiderCoordinator ${scc?.metadata?.name ?? ''} spec.${f}`;
  const out: Partial<CoordinatorConfig> = {
    mode: parseMode(spec.mode, field('mode')),
    tunePodRoutes: spec.tunePodRoutes,
    podDefaultRouteNic: spec.podDefaultRouteNIC || undefined,
    podMACPrefix: macPrefix(spec.podMACPrefix, field('podMACPrefix')),
    hijackCIDR: cidrList(spec.hijackCIDR, field('hijackCIDR')),
    policyRoutes: policyRouteList(spec.policyRoutes, field('policyRoutes')),
    hostRuleTable: spec.hostRuleTable,
    podRPFilter: spec.podRPFilter,
    txQueueLen: spec.txQueueLen,
    vethLinkAddress: spec.vethLinkAddress || undefined,
    vethMTU: spec.vethMTU,
    overlayPodCIDR: status?.overlayPodCIDR,
    serviceCIDR: status?.serviceCIDR,
  };
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined && v !== null));
}

export function effectiveConfig(netconf: CoordinatorNetconf, scc: SpiderCoordinator | undefined, annotatedDefaultRouteNic: string | undefined): CoordinatorConfig {
  const cluster = fromCluster(scc);
  const pick = <K extends keyof CoordinatorConfig>(key: K, fallback: CoordinatorConfig[K]): CoordinatorConfig[K] =>
    (netconf[key as keyof CoordinatorNetconf] as CoordinatorConfig[K] | undefined) ?? cluster[key] ?? fallback;
  return {
    mode: pick('mode', DEFAULTS.mode),
    tunePodRoutes: pick('tunePodRoutes', DEFAULTS.tunePodRoutes),
    podDefaultRouteNic: netconf.podDefaultRouteNic ?? annotatedDefaultRouteNic ?? cluster.podDefaultRouteNic ?? '',
    podDefaultCniNic: netconf.podDefaultCniNic,
    podMACPrefix: pick('podMACPrefix', ''),
    overlayPodCIDR: pick('overlayPodCIDR', []),
    serviceCIDR: pick('serviceCIDR', []),
    hijackCIDR: pick('hijackCIDR', []),
    policyRoutes: pick('policyRoutes', []),
    hostRuleTable: pick('hostRuleTable', DEFAULTS.hostRuleTable),
    podRPFilter: pick('podRPFilter', DEFAULTS.podRPFilter),
    txQueueLen: pick('txQueueLen', DEFAULTS.txQueueLen),
    vethLinkAddress: pick('vethLinkAddress', ''),
    vethMTU: pick('vethMTU', DEFAULTS.vethMTU),
  };
}

/** The NIC that keeps the default route in main: the configured one, else the first NIC. */
export const defaultNicOf = (config: CoordinatorConfig): string => config.podDefaultRouteNic || config.podDefaultCniNic;
