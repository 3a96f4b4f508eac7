// SPDX-License-Identifier: Apache-2.0
import { arr, bool, enumOf, int, obj, str } from './builder.ts';
import { route } from './common.ts';

/**
 * Upstream's schema allows `disabled` while the coordinator plugin only recognises `disable`,
 * so a cluster following the schema gets "unknown tuneMode" at pod start. Both spellings are
 * accepted here: `disabled` so that upstream manifests still apply, `disable` so that the value
 * the plugin understands is not rejected. Readers must treat the two as the same mode.
 */
export const COORDINATOR_MODES = ['auto', 'underlay', 'overlay', 'disabled', 'disable'] as const;

export const POD_CIDR_TYPES = ['auto', 'cluster', 'calico', 'cilium', 'none'] as const;

/**
 * Shared by SpiderCoordinator (cluster-wide settings) and SpiderMultusConfig (per-network
 * overrides). The schema defaults mirror upstream's; note that they also apply inside a
 * SpiderMultusConfig's `coordinator` block once that block exists.
 */
export const coordinatorSpec = obj(
  {
    mode: enumOf(COORDINATOR_MODES, {
      description:
        'How the coordinator plugin wires the pod: auto (detect), underlay, overlay, or disabled/disable (do nothing).',
      default: 'auto',
    }),
    podCIDRType: enumOf(POD_CIDR_TYPES, {
      description:
        'Where the cluster pod CIDRs are discovered: auto, cluster (kubeadm/controller-manager), calico, cilium, or none. ' +
        'The validating webhook requires it on a SpiderCoordinator; a SpiderMultusConfig inherits it.',
    }),
    hijackCIDR: arr(str(), {
      description: 'Extra CIDRs (or IPs, made /32 or /128) that the pod reaches through the host, e.g. node-local DNS.',
    }),
    policyRoutes: arr(route('A static route put into the policy routing table of the current NIC.'), {
      description: 'Static routes for the NIC; destination and gateway must be of the same family.',
    }),
    podMACPrefix: str({
      description: 'Fixed two-byte MAC prefix such as 0a:1b; the first byte must be unicast (lowest bit 0).',
    }),
    tunePodRoutes: bool({ description: 'Whether to coordinate the routes of a pod with several NICs.', default: true }),
    podDefaultRouteNIC: str({ description: 'The NIC owning the default route; empty keeps it on the first NIC.' }),
    hostRuleTable: int({
      description: 'Host policy routing table holding the routes to the underlay addresses of local pods.',
      default: 500,
    }),
    podRPFilter: int({
      description: 'rp_filter of the pod: 0, 1 or 2; a negative value leaves the setting alone.',
      default: 0,
    }),
    txQueueLen: int({ description: 'tx_queue_len of the pod NIC; 0 leaves it alone.', min: 0, default: 0 }),
    vethLinkAddress: str({
      description: 'IPv4 link-local address for the veth0 device (needed e.g. with Istio); empty for none.',
    }),
    vethMTU: int({ description: 'MTU of the veth0 device; the mutating webhook sets 1500 when unset.', min: 1 }),
  },
  { description: 'Settings of the coordinator CNI plugin, which arranges the routes of pods.', typeName: 'CoordinatorSpec' },
);
