// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { API_VERSION, FINALIZER, Kinds, Plurals, ThirdParty } from './constants.ts';
import { ALL_CRDS, CRDS, SPIDERPOOL_CRDS, THIRD_PARTY_CRDS, crdDefinitionOf } from './crds.ts';
import { Annotations, Labels } from './well-known-keys.ts';

describe('CRD objects', () => {
  it('have the names, scopes and short names kubectl users know from upstream', () => {
    const summary = ALL_CRDS.map((crd) => ({
      name: crd.metadata.name,
      scope: crd.spec.scope,
      shortNames: crd.spec.names.shortNames,
      status: crd.spec.versions[0]!.subresources !== undefined,
    }));
    expect(summary).toEqual([
      { name: 'spiderippools.spiderpool.spidernet.io', scope: 'Cluster', shortNames: ['sp'], status: true },
      { name: 'spidersubnets.spiderpool.spidernet.io', scope: 'Cluster', shortNames: ['ss'], status: true },
      { name: 'spiderreservedips.spiderpool.spidernet.io', scope: 'Cluster', shortNames: ['sr'], status: false },
      // Upstream writes endpoint status with a plain update, so there is no status subresource.
      { name: 'spiderendpoints.spiderpool.spidernet.io', scope: 'Namespaced', shortNames: ['se'], status: false },
      { name: 'spidercoordinators.spiderpool.spidernet.io', scope: 'Cluster', shortNames: ['scc'], status: true },
      { name: 'spidermultusconfigs.spiderpool.spidernet.io', scope: 'Namespaced', shortNames: ['smc'], status: false },
      {
        name: 'network-attachment-definitions.k8s.cni.cncf.io',
        scope: 'Namespaced',
        shortNames: ['net-attach-def'],
        status: false,
      },
      { name: 'virtualmachines.kubevirt.io', scope: 'Namespaced', shortNames: ['vm', 'vms'], status: true },
      { name: 'virtualmachineinstances.kubevirt.io', scope: 'Namespaced', shortNames: ['vmi', 'vmis'], status: true },
    ]);
  });

  it('serve and store v2beta1 only, all listed under the spiderpool category', () => {
    for (const crd of SPIDERPOOL_CRDS) {
      expect(crd.spec.versions.map((v) => [v.name, v.served, v.storage])).toEqual([['v2beta1', true, true]]);
      expect(crd.spec.names.categories).toEqual(['spiderpool']);
      expect(crd.spec.names.plural).toBe(Plurals[crd.spec.names.kind as keyof typeof Plurals]);
    }
    expect(THIRD_PARTY_CRDS.map((crd) => crd.spec.names.kind)).toEqual(Object.keys(ThirdParty));
  });

  it('are keyed by kind and frozen, since every caller shares them', () => {
    expect(Object.keys(CRDS)).toEqual([...Object.keys(Kinds), ...Object.keys(ThirdParty)]);
    expect(Object.isFrozen(CRDS.SpiderIPPool.spec.versions[0]!.schema.openAPIV3Schema)).toBe(true);
    expect(crdDefinitionOf(API_VERSION, 'SpiderSubnet')?.plural).toBe('spidersubnets');
    expect(crdDefinitionOf('spiderpool.spidernet.io/v1', 'SpiderSubnet')).toBeUndefined();
  });

  it('default spec.default and spec.disable of pools to false, as upstream does', () => {
    const spec = CRDS.SpiderIPPool.spec.versions[0]!.schema.openAPIV3Schema.properties!['spec']!;
    expect(spec.properties!['default']!.default).toBe(false);
    expect(spec.properties!['disable']!.default).toBe(false);
    expect(spec.required).toEqual(['subnet']);
  });
});

describe('well-known keys', () => {
  it('keep upstream spellings', () => {
    expect(FINALIZER).toBe('spiderpool.spidernet.io');
    expect(Annotations.IPPOOLS).toBe('ipam.spidernet.io/ippools');
    expect(Annotations.MULTUS_NETWORKS).toBe('k8s.v1.cni.cncf.io/networks');
    expect(Labels.IPPOOL_CIDR).toBe('ipam.spidernet.io/ippool-cidr');
  });

  it('use the ipam.spidernet.io prefix for every Spiderpool-owned pod key', () => {
    const own = Object.values(Labels).filter((key) => !key.startsWith('cni.'));
    expect(own.every((key) => key.startsWith('ipam.spidernet.io/'))).toBe(true);
  });
});
