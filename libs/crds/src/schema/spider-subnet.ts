// SPDX-License-Identifier: Apache-2.0
import { GROUP, Kinds, Plurals, VERSION } from '../constants.ts';
import { arr, obj, str } from './builder.ts';
import { SPIDERPOOL_CATEGORIES, ipCount, ipRanges, ipVersion, route } from './common.ts';
import { defineCrd } from './crd-definition.ts';

const spec = obj(
  {
    ipVersion: ipVersion(),
    subnet: str({ description: 'The CIDR of the subnet in canonical form. Immutable.' }),
    ips: ipRanges('Addresses that pools of this subnet may take: single IPs or `first-last` ranges.'),
    excludeIPs: ipRanges('Addresses or ranges no pool of this subnet may take.'),
    gateway: str({ description: 'Gateway inherited by pools of this subnet that set none.' }),
    routes: arr(route(), { description: 'Routes inherited by pools of this subnet that set none.' }),
  },
  { description: 'Desired state of a SpiderSubnet.', required: ['subnet'], typeName: 'SpiderSubnetSpec' },
);

const status = obj(
  {
    controlledIPPools: str({
      description:
        'JSON object mapping each pool of the subnet to the addresses it holds, ' +
        '`{"<pool>":{"ips":["<range>"],"application":"<group>_<version>_<Kind>_<ns>_<name>"}}`; ' +
        '`application` is set for auto-created pools only.',
    }),
    totalIPCount: ipCount('Number of addresses in `ips` minus `excludeIPs`.'),
    allocatedIPCount: ipCount('Number of addresses handed to pools (not to pods).'),
  },
  { description: 'Observed state of a SpiderSubnet.', typeName: 'SpiderSubnetStatus' },
);

export const spiderSubnet = defineCrd({
  group: GROUP,
  version: VERSION,
  kind: Kinds.SpiderSubnet,
  plural: Plurals.SpiderSubnet,
  scope: 'Cluster',
  shortNames: ['ss'],
  categories: SPIDERPOOL_CATEGORIES,
  description: 'A subnet from which IP pools, including pools created automatically for applications, take addresses.',
  spec,
  status,
  // As for pools: `spec.subnet` is required, so `spec` must be too.
  required: ['spec'],
  statusSubresource: true,
  printerColumns: [
    { name: 'VERSION', type: 'integer', jsonPath: '.spec.ipVersion', description: 'IP family' },
    { name: 'SUBNET', type: 'string', jsonPath: '.spec.subnet', description: 'Subnet CIDR' },
    {
      name: 'ALLOCATED-IP-COUNT',
      type: 'integer',
      jsonPath: '.status.allocatedIPCount',
      description: 'Addresses handed to pools',
    },
    { name: 'TOTAL-IP-COUNT', type: 'integer', jsonPath: '.status.totalIPCount', description: 'Usable addresses' },
  ],
});
