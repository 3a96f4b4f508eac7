// SPDX-License-Identifier: Apache-2.0
// SpiderMultusConfig → NetworkAttachmentDefinition, pure. The conflist is, in order:
//   [ifacer] main-plugin(+ipam) [rdma] chained... [coordinator] [tuning]
// ifacer only for macvlan/ipvlan/vlan that need a bond or (macvlan/ipvlan) a VLAN on the host;
// rdma for SR-IOV with rdmaIsolation; coordinator when enableCoordinator; tuning for an SR-IOV MTU.
import { Annotations, ThirdParty, type NetworkAttachmentDefinition, type SpiderMultusConfig, type SpiderMultusConfigSpec } from '@spiderpool/crds';
import { invalidInput } from '@spiderpool/errors';
import type { V1OwnerReference } from '@kubernetes/client-node';
import {
  coordinatorOf,
  ibSriovOf,
  ifacerOf,
  ipamOf,
  ipoibOf,
  ipvlanOf,
  macvlanOf,
  ovsOf,
  rdmaPlugin,
  sriovOf,
  tuningPlugin,
  vlanOf,
  type Plugin,
} from './cni-plugins.ts';
import { isObject, parseJson } from './cni-config-check.ts';
import { BLOCK_OF, nadNameOf, type CniType } from './multus-config-blocks.ts';
import { DEFAULT_CNI_VERSION, LAST_APPLIED_ANNOTATION, MULTUS_CONFIG_LABEL, OVS_RESOURCE_PREFIX, SMC_API_VERSION, SMC_KIND } from './multus-keys.ts';

export interface RenderOptions {
  /** `cniVersion` when the SMC has no `multus.spidernet.io/cni-version` annotation (default 0.3.1). */
  defaultCniVersion?: string;
}

interface Chain {
  /** Plugins before the chained ones: [ifacer] main [rdma]. */
  head: Plugin[];
  /** Plugins after the coordinator (tuning). */
  tail: Plugin[];
  /** Device-plugin resource Multus must request for the pod (`k8s.v1.cni.cncf.io/resourceName`). */
  resourceName?: string;
}

function required<T>(value: T | undefined, type: CniType): T {
  if (value === undefined) throw invalidInput(`spec.${BLOCK_OF[type]}`, undefined, `is required for cniType ${type}`);
  return value;
}

function parentedChain(spec: SpiderMultusConfigSpec, type: 'macvlan' | 'ipvlan' | 'vlan'): Chain {
  const disableIPAM = spec.disableIPAM ?? false;
  if (type === 'vlan') {
    const block = required(spec.vlan, type);
    return { head: [ifacerOf(block, 0), vlanOf(block, ipamOf(block.ippools, { disableIPAM }))].filter((p) => p !== undefined), tail: [] };
  }
  const block = required(spec[type], type);
  const main = type === 'macvlan' ? macvlanOf(block, ipamOf(block.ippools, { disableIPAM })) : ipvlanOf(block, ipamOf(block.ippools, { disableIPAM }));
  return { head: [ifacerOf(block, block.vlanID ?? 0), main].filter((p) => p !== undefined), tail: [] };
}

function deviceChain(spec: SpiderMultusConfigSpec, type: 'sriov' | 'ib-sriov' | 'ipoib' | 'ovs'): Chain {
  const disableIPAM = spec.disableIPAM ?? false;
  switch (type) {
    case 'sriov': {
      const b = required(spec.sriov, type);
      const main = sriovOf(b, ipamOf(b.ippools, { disableIPAM, matchMasterSubnet: b.ippools?.matchMasterSubnet }));
      return { head: b.rdmaIsolation ? [main, rdmaPlugin()] : [main], tail: b.mtu ? [tuningPlugin(b.mtu)] : [], resourceName: b.resourceName };
    }
    case 'ib-sriov': {
      const b = required(spec.ibsriov, type);
      return { head: [ibSriovOf(b, ipamOf(b.ippools, { disableIPAM }))], tail: [], resourceName: b.resourceName };
    }
    case 'ipoib': {
      const b = required(spec.ipoib, type);
      return { head: [ipoibOf(b, ipamOf(b.ippools, { disableIPAM }))], tail: [] };
    }
    case 'ovs': {
      const b = required(spec.ovs, type);
      // A hardware-offloaded port needs a VF, which Multus requests per bridge.
      return { head: [ovsOf(b, ipamOf(b.ippools, { disableIPAM }))], tail: [], resourceName: b.deviceID ? `${OVS_RESOURCE_PREFIX}/${b.bridge}` : undefined };
    }
  }
}

function chainedPlugins(spec: SpiderMultusConfigSpec): Plugin[] {
  return (spec.chainCNIJsonData ?? []).map((text, i) => {
    const parsed = parseJson(text);
    if ('problem' in parsed || !isObject(parsed.value)) throw invalidInput(`spec.chainCNIJsonData[${i}]`, text, 'must be a CNI plugin as a JSON object');
    return parsed.value;
  });
}

/** customCNI as a conflist: a single-plugin config is wrapped, a list keeps its own name and version when it has them. */
function customConflist(spec: SpiderMultusConfigSpec, name: string, cniVersion: string): Record<string, unknown> {
  const parsed = parseJson(spec.customCNI ?? '');
  if ('problem' in parsed || !isObject(parsed.value)) throw invalidInput('spec.customCNI', spec.customCNI, 'must be a CNI configuration as a JSON object');
  const conf = parsed.value;
  if (Array.isArray(conf['plugins'])) return { ...conf, cniVersion: conf['cniVersion'] ?? cniVersion, name: conf['name'] ?? name };
  const { cniVersion: v, name: n, ...plugin } = conf;
  return { cniVersion: v ?? cniVersion, name: n ?? name, plugins: [plugin] };
}

function chainOf(spec: SpiderMultusConfigSpec, type: Exclude<CniType, 'custom'>): Chain {
  return type === 'macvlan' || type === 'ipvlan' || type === 'vlan' ? parentedChain(spec, type) : deviceChain(spec, type);
}

/** The conflist text and the resource Multus must request. */
export function renderConflist(smc: SpiderMultusConfig, options: RenderOptions = {}): { config: string; resourceName: string | undefined } {
  const spec = smc.spec ?? {};
  const annotations = smc.metadata?.annotations ?? {};
  const cniVersion = annotations[Annotations.MULTUS_CNI_VERSION] ?? options.defaultCniVersion ?? DEFAULT_CNI_VERSION;
  const name = annotations[Annotations.CNI_CONFIG_NAME] ?? nadNameOf(smc);
  const type = spec.cniType ?? 'custom';
  if (type === 'custom') return { config: JSON.stringify(customConflist(spec, name, cniVersion)), resourceName: undefined };
  const chain = chainOf(spec, type);
  const coordinator = spec.enableCoordinator === false ? [] : [coordinatorOf(spec.coordinator)];
  const plugins = [...chain.head, ...chainedPlugins(spec), ...coordinator, ...chain.tail];
  return { config: JSON.stringify({ cniVersion, name, plugins }), resourceName: chain.resourceName };
}

export function ownerReferenceOf(smc: SpiderMultusConfig): V1OwnerReference {
  const uid = smc.metadata?.uid;
  if (!uid) throw invalidInput('metadata.uid', uid, 'is required to own the NetworkAttachmentDefinition (render stored objects only)');
  return { apiVersion: SMC_API_VERSION, kind: SMC_KIND, name: smc.metadata?.name ?? '', uid, controller: true, blockOwnerDeletion: true };
}

/** The NAD's annotations: the SMC's own (kubectl's last-applied copy excepted) plus the resource for Multus. */
export function nadAnnotationsOf(smc: SpiderMultusConfig, resourceName: string | undefined): Record<string, string> {
  const { [LAST_APPLIED_ANNOTATION]: _lastApplied, ...own } = smc.metadata?.annotations ?? {};
  return resourceName ? { ...own, [Annotations.MULTUS_RESOURCE_NAME]: resourceName } : own;
}

/**
 * The NetworkAttachmentDefinition `smc` stands for. Throws INVALID_INPUT naming the field when
 * the SMC cannot be rendered (a stored object that bypassed admission).
 */
export function renderNetworkAttachmentDefinition(smc: SpiderMultusConfig, options: RenderOptions = {}): NetworkAttachmentDefinition {
  const { config, resourceName } = renderConflist(smc, options);
  const { apiVersion, kind } = ThirdParty.NetworkAttachmentDefinition;
  return {
    apiVersion,
    kind,
    metadata: {
      name: nadNameOf(smc),
      namespace: smc.metadata?.namespace ?? '',
      labels: { [MULTUS_CONFIG_LABEL]: smc.metadata?.name ?? '' },
      annotations: nadAnnotationsOf(smc, resourceName),
      ownerReferences: [ownerReferenceOf(smc)],
    },
    spec: { config },
  };
}
