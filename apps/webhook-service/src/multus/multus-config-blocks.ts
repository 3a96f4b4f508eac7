// SPDX-License-Identifier: Apache-2.0
// Facts about a SpiderMultusConfig that admission, rendering and injection all need: which
// spec block belongs to its cniType, where its pools and device resources are, what its NAD is called.
import { Annotations, type SpiderMultusConfig, type SpiderMultusConfigSpec, type SpiderpoolPools } from '@spiderpool/crds';

export type CniType = NonNullable<SpiderMultusConfigSpec['cniType']>;

/** The spec field holding the settings of each cniType (`customCNI` for custom). */
export const BLOCK_OF: Readonly<Record<CniType, keyof SpiderMultusConfigSpec>> = {
  macvlan: 'macvlan',
  ipvlan: 'ipvlan',
  vlan: 'vlan',
  sriov: 'sriov',
  'ib-sriov': 'ibsriov',
  ipoib: 'ipoib',
  ovs: 'ovs',
  custom: 'customCNI',
};

export const ALL_BLOCKS: readonly (keyof SpiderMultusConfigSpec)[] = Object.values(BLOCK_OF);

/** The types whose block hangs off host interfaces (`master`, `vlanID`, `bond`). */
export const PARENTED_TYPES: ReadonlySet<CniType> = new Set<CniType>(['macvlan', 'ipvlan', 'vlan']);

export const cniTypeOf = (smc: SpiderMultusConfig): CniType => smc.spec?.cniType ?? 'custom';

/** The pools of the chosen block, if that block has any. */
export function poolsOf(spec: SpiderMultusConfigSpec): SpiderpoolPools | undefined {
  const block = spec[BLOCK_OF[spec.cniType ?? 'custom']];
  return typeof block === 'object' && block !== null && !Array.isArray(block) && 'ippools' in block ? block.ippools : undefined;
}

export const hasPools = (pools: SpiderpoolPools | undefined): boolean => (pools?.ipv4?.length ?? 0) + (pools?.ipv6?.length ?? 0) > 0;

/**
 * The device-plugin resource a pod of this network needs: the VF pool for (IB) SR-IOV, the
 * RDMA shared device for macvlan/ipvlan/vlan when one is named; none for the others.
 */
export function deviceResourceOf(spec: SpiderMultusConfigSpec): string | undefined {
  switch (spec.cniType) {
    case 'macvlan':
    case 'ipvlan':
    case 'vlan':
      return spec[spec.cniType]?.rdmaResourceName || undefined;
    case 'sriov':
      return spec.sriov?.resourceName || undefined;
    case 'ib-sriov':
      return spec.ibsriov?.resourceName || undefined;
    default:
      return undefined;
  }
}

/** The NetworkAttachmentDefinition's name: the `multus.spidernet.io/cr-name` annotation, else the SMC's name. */
export function nadNameOf(smc: SpiderMultusConfig): string {
  return smc.metadata?.annotations?.[Annotations.MULTUS_CR_NAME] || (smc.metadata?.name ?? '');
}
