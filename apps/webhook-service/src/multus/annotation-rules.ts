// SPDX-License-Identifier: Apache-2.0
// Rules of the annotations a SpiderMultusConfig is read with: the NAD name, the conflist
// version and name, and the resource-injection groups.
import { Annotations, Labels, type SpiderMultusConfig } from '@spiderpool/crds';
import type { Violation } from '../admission/admission-types.ts';
import { isCniNetworkName } from './cni-config-check.ts';
import { BLOCK_OF, cniTypeOf, deviceResourceOf, hasPools, poolsOf } from './multus-config-blocks.ts';
import { CNI_VERSIONS } from './multus-keys.ts';
import { isDns1123Subdomain, isLabelValue, violation } from './violation.ts';

const field = (key: string): string => `metadata.annotations[${key}]`;

export const INJECT_KEYS = [Annotations.RDMA_RESOURCE_INJECT, Annotations.NETWORK_RESOURCE_INJECT] as const;

function nadNameRules(smc: SpiderMultusConfig, old: SpiderMultusConfig | undefined): Violation[] {
  const key = Annotations.MULTUS_CR_NAME;
  const name = smc.metadata?.annotations?.[key];
  const out: Violation[] = [];
  if (name !== undefined && !isDns1123Subdomain(name)) {
    out.push(violation(field(key), name, 'nad-name-invalid', 'must be a DNS-1123 subdomain (lower-case alphanumerics, "-" and ".", at most 253 characters)'));
  }
  // The NAD is found by this name; changing it would orphan the NAD already generated.
  const before = old?.metadata?.annotations?.[key];
  if (old && before !== name) {
    const rule = before === undefined ? `cannot be added after creation (the NAD is named "${old.metadata?.name}")` : `is immutable (was "${before}")`;
    out.push(violation(field(key), name, 'nad-name-immutable', rule));
  }
  return out;
}

function conflistAnnotationRules(smc: SpiderMultusConfig): Violation[] {
  const annotations = smc.metadata?.annotations ?? {};
  const out: Violation[] = [];
  const version = annotations[Annotations.MULTUS_CNI_VERSION];
  if (version !== undefined && !(CNI_VERSIONS as readonly string[]).includes(version)) {
    out.push(violation(field(Annotations.MULTUS_CNI_VERSION), version, 'cni-version-unsupported', `must be one of ${CNI_VERSIONS.join(', ')}`));
  }
  const name = annotations[Annotations.CNI_CONFIG_NAME];
  if (name !== undefined && !isCniNetworkName(name)) {
    out.push(violation(field(Annotations.CNI_CONFIG_NAME), name, 'cni-config-name-invalid', 'must start with a letter or digit followed by letters, digits, "_", "." or "-"'));
  }
  return out;
}

/** The group a config joins for injection: the annotation, or the label it was copied to. */
export function injectGroupOf(smc: SpiderMultusConfig, key: (typeof INJECT_KEYS)[number]): string | undefined {
  return smc.metadata?.annotations?.[key] ?? smc.metadata?.labels?.[key === Annotations.RDMA_RESOURCE_INJECT ? Labels.RDMA_RESOURCE_INJECT : Labels.NETWORK_RESOURCE_INJECT];
}

function injectRules(smc: SpiderMultusConfig): Violation[] {
  const spec = smc.spec ?? {};
  const type = cniTypeOf(smc);
  return INJECT_KEYS.flatMap((key) => {
    const group = injectGroupOf(smc, key);
    if (group === undefined) return [];
    if (!isLabelValue(group) || group === '') return [violation(field(key), group, 'inject-group-invalid', 'must be a label value (1-63 alphanumerics, "-", "_" or ".", alphanumeric at both ends)')];
    if (type === 'ovs' || type === 'custom') return [violation(field(key), group, 'inject-cni-type-unsupported', `is not supported for cniType ${type}`)];
    // Injected pods name no pools of their own, so the network must bring its pools.
    const out = hasPools(poolsOf(spec)) ? [] : [violation(field(key), group, 'inject-needs-ippools', `needs spec.${BLOCK_OF[type]}.ippools with at least one IPv4 or IPv6 pool`)];
    if (key === Annotations.RDMA_RESOURCE_INJECT && !deviceResourceOf(spec)) {
      out.push(violation(field(key), group, 'inject-needs-resource', `needs an RDMA resource (rdmaResourceName for macvlan/ipvlan/vlan, resourceName for sriov/ib-sriov); cniType ${type} has none`));
    }
    return out;
  });
}

export function annotationRules(smc: SpiderMultusConfig, old: SpiderMultusConfig | undefined): Violation[] {
  return [...nadNameRules(smc, old), ...conflistAnnotationRules(smc), ...injectRules(smc)];
}
