// SPDX-License-Identifier: Apache-2.0
// Every rule of a SpiderMultusConfig that needs nothing but the object (and, on UPDATE, the
// stored one). Rules that read other objects are in nad-name-rules.ts.
import { Annotations, CNI_TYPES, type SpiderMultusConfig, type SpiderMultusConfigSpec } from '@spiderpool/crds';
import type { Violation } from '../admission/admission-types.ts';
import { annotationRules } from './annotation-rules.ts';
import { coordinatorOverrideViolations } from './coordinator-override.ts';
import { chainRules, customRules } from './custom-rules.ts';
import { ibSriovRules, ipoibRules, ovsRules, sriovRules } from './device-rules.ts';
import { ALL_BLOCKS, BLOCK_OF, type CniType } from './multus-config-blocks.ts';
import { multusFieldTypeViolations } from './multus-field-types.ts';
import { DEFAULT_CNI_VERSION } from './multus-keys.ts';
import { parentedRules, vlanBlockRules } from './parented-rules.ts';
import { violation } from './violation.ts';

function blockPresenceRules(spec: SpiderMultusConfigSpec, type: CniType): Violation[] {
  const own = BLOCK_OF[type];
  const out: Violation[] = [];
  if (type !== 'custom' && spec[own] === undefined) out.push(violation(`spec.${own}`, undefined, 'cni-config-missing', `is required for cniType ${type}`));
  for (const block of ALL_BLOCKS) {
    if (block !== own && spec[block] !== undefined) out.push(violation(`spec.${block}`, undefined, 'cni-config-mismatch', `must be left out for cniType ${type} (only spec.${own} applies)`));
  }
  return out;
}

function typeRules(smc: SpiderMultusConfig, spec: SpiderMultusConfigSpec, type: CniType): Violation[] {
  switch (type) {
    case 'macvlan':
    case 'ipvlan': {
      const block = spec[type];
      return block ? parentedRules(block, `spec.${type}`) : [];
    }
    case 'vlan':
      return spec.vlan ? vlanBlockRules(spec.vlan, 'spec.vlan') : [];
    case 'sriov':
      return spec.sriov ? sriovRules(spec.sriov, 'spec.sriov') : [];
    case 'ib-sriov':
      return spec.ibsriov ? ibSriovRules(spec.ibsriov, 'spec.ibsriov') : [];
    case 'ipoib':
      return spec.ipoib ? ipoibRules(spec.ipoib, 'spec.ipoib') : [];
    case 'ovs':
      return spec.ovs ? ovsRules(spec.ovs, 'spec.ovs') : [];
    case 'custom':
      return customRules(spec, smc.metadata?.annotations?.[Annotations.MULTUS_CNI_VERSION] ?? DEFAULT_CNI_VERSION);
  }
}

/**
 * All violations of `smc`; `old` is the stored object on UPDATE. The object is expected to have
 * been through the defaults of multus-config-defaults.ts (the mutating webhook runs first). A spec
 * with fields of the wrong type gets only those reported (`field-type`): the rules read typed fields.
 */
export function multusConfigViolations(smc: SpiderMultusConfig, old?: SpiderMultusConfig): Violation[] {
  const wrongTypes = multusFieldTypeViolations(smc.spec);
  if (wrongTypes.length) return wrongTypes;
  const spec = smc.spec ?? {};
  const type = spec.cniType ?? 'custom';
  if (!(CNI_TYPES as readonly string[]).includes(type)) {
    return [violation('spec.cniType', type, 'cni-type-invalid', `must be one of ${CNI_TYPES.join(', ')}`)];
  }
  const coordinator = spec.coordinator ? coordinatorOverrideViolations(spec.coordinator, 'spec.coordinator') : [];
  return [...blockPresenceRules(spec, type), ...typeRules(smc, spec, type), ...chainRules(spec), ...coordinator, ...annotationRules(smc, old)];
}
