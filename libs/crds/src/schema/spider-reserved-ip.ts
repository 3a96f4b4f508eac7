// SPDX-License-Identifier: Apache-2.0
import { GROUP, Kinds, Plurals, VERSION } from '../constants.ts';
import { obj } from './builder.ts';
import { SPIDERPOOL_CATEGORIES, ipRanges, ipVersion } from './common.ts';
import { defineCrd } from './crd-definition.ts';

const spec = obj(
  {
    ipVersion: ipVersion(),
    ips: ipRanges(
      'Addresses (single IPs or `first-last` ranges) no pool may hand out. Pods already holding one keep it until they restart.',
    ),
  },
  { description: 'Desired state of a SpiderReservedIP.', typeName: 'SpiderReservedIPSpec' },
);

export const spiderReservedIP = defineCrd({
  group: GROUP,
  version: VERSION,
  kind: Kinds.SpiderReservedIP,
  plural: Plurals.SpiderReservedIP,
  scope: 'Cluster',
  shortNames: ['sr'],
  categories: SPIDERPOOL_CATEGORIES,
  description: 'Addresses withheld from every pool and subnet, e.g. ones used outside the cluster.',
  spec,
  statusSubresource: false,
  printerColumns: [{ name: 'VERSION', type: 'integer', jsonPath: '.spec.ipVersion', description: 'IP family' }],
});
