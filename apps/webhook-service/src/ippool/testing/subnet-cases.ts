// SPDX-License-Identifier: Apache-2.0
// The SpiderSubnet corpus.
import { FINALIZER, Labels, type SpiderSubnet } from '@spiderpool/crds';
import type { AdmissionCase } from './admission-case.ts';
import { controlled, pool, subnet, V6 } from './builders.ts';

type SubnetCase = AdmissionCase<SpiderSubnet>;

const create = (title: string, object: SpiderSubnet, expect: string, existing?: SubnetCase['existing']): SubnetCase => ({
  title,
  operation: 'CREATE',
  object,
  expect,
  ...(existing ? { existing } : {}),
});
const S = (spec: Partial<SpiderSubnet['spec']>) => subnet('s', { ips: ['203.0.113.1-203.0.113.100'], ...spec });
const lent = { status: { controlledIPPools: controlled({ p1: ['203.0.113.50-203.0.113.60'] }), allocatedIPCount: 11 } };

export const invalidSubnetCases: SubnetCase[] = [
  create('empty subnet', S({ subnet: '' }), 'subnet-required'),
  create('subnet that is no CIDR', S({ subnet: '203.0.113.0-24' }), 'subnet-invalid'),
  create('subnet with host bits', S({ subnet: '203.0.113.7/24' }), 'subnet-not-canonical'),
  create('ipVersion 6 with an IPv4 subnet', S({ ipVersion: 6 }), 'ipversion-mismatch'),
  create('ipVersion 0', S({ ipVersion: 0 as 4 }), 'ipversion-invalid'),
  create('ips outside the subnet', S({ ips: ['198.51.100.1-198.51.100.9'] }), 'range-outside-subnet'),
  create('ips entry that is no address', S({ ips: ['203.0.113.1-x'] }), 'range-invalid'),
  create('excludeIPs reversed', S({ excludeIPs: ['203.0.113.9-203.0.113.1'] }), 'range-reversed'),
  create('IPv4 entry in an IPv6 subnet', S({ subnet: V6, ips: ['203.0.113.1'] }), 'range-wrong-family'),
  create('gateway outside the subnet', S({ gateway: '198.51.100.1' }), 'gateway-outside-subnet'),
  create('gateway that is no address', S({ gateway: '203.0.113' }), 'gateway-invalid'),
  create('gateway among the ips', S({ gateway: '203.0.113.1' }), 'gateway-in-ips'),
  create('route to 0.0.0.0/0', S({ routes: [{ dst: '0.0.0.0/0', gw: '203.0.113.254' }] }), 'route-dst-default'),
  create('route gw outside the subnet', S({ routes: [{ dst: '198.51.100.0/24', gw: '192.0.2.1' }] }), 'route-gw-outside-subnet'),
  create(
    'duplicate route dst',
    S({ routes: [{ dst: '198.51.100.0/24', gw: '203.0.113.254' }, { dst: '198.51.100.0/24', gw: '203.0.113.253' }] }),
    'route-dst-duplicate',
  ),
  create('same CIDR as another subnet', S({}), 'subnet-overlaps-subnet', [{ kind: 'SpiderSubnet', object: subnet('other', {}) }]),
  create('CIDR containing another subnet', S({}), 'subnet-overlaps-subnet', [
    { kind: 'SpiderSubnet', object: subnet('other', { subnet: '203.0.113.128/25' }) },
  ]),
  create('CIDR overlapping a pool of another CIDR', S({}), 'subnet-overlaps-pool', [
    { kind: 'SpiderIPPool', object: pool('p1', { subnet: '203.0.113.0/25', ips: ['203.0.113.1'] }) },
  ]),
  create('pool of the same CIDR holding addresses outside ips', S({}), 'subnet-ips-held-by-pool', [
    { kind: 'SpiderIPPool', object: pool('p1', { ips: ['203.0.113.90-203.0.113.110'] }) },
  ]),
  {
    title: 'subnet changed',
    operation: 'UPDATE',
    object: S({}),
    change: (s) => {
      s.spec.subnet = '198.51.100.0/24';
      s.spec.ips = ['198.51.100.1'];
    },
    expect: 'subnet-immutable',
  },
  {
    title: 'ips shrunk below a recorded loan',
    operation: 'UPDATE',
    object: S({}),
    stored: lent,
    change: (s) => {
      s.spec.ips = ['203.0.113.1-203.0.113.55'];
    },
    expect: 'subnet-ips-held-by-pool',
  },
  {
    title: 'loaned addresses excluded',
    operation: 'UPDATE',
    object: S({}),
    stored: lent,
    change: (s) => {
      s.spec.excludeIPs = ['203.0.113.60'];
    },
    expect: 'subnet-ips-held-by-pool',
  },
  {
    title: 'ips shrunk below a pool of the subnet',
    operation: 'UPDATE',
    existing: [{ kind: 'SpiderIPPool', object: pool('p1', { ips: ['203.0.113.20-203.0.113.30'] }) }],
    object: S({}),
    change: (s) => {
      s.spec.ips = ['203.0.113.1-203.0.113.25'];
    },
    expect: 'subnet-ips-held-by-pool',
  },
  {
    title: 'spec edited while terminating',
    operation: 'UPDATE',
    object: subnet('s', { ips: ['203.0.113.1-203.0.113.100'] }, { finalizers: [FINALIZER] }),
    stored: { deletionTimestamp: true },
    change: (s) => {
      s.spec.gateway = '203.0.113.254';
    },
    expect: 'terminating-update',
  },
  { title: 'delete while lending to pools', operation: 'DELETE', object: S({}), stored: lent, expect: 'delete-in-use' },
  {
    title: 'delete while owning a pool',
    operation: 'DELETE',
    existing: [{ kind: 'SpiderIPPool', object: pool('p1', { ips: ['203.0.113.20'] }, { labels: { [Labels.OWNER_SPIDER_SUBNET]: 's' } }) }],
    object: S({}),
    expect: 'delete-in-use',
  },
];

export const validSubnetCases: SubnetCase[] = [
  create('minimal IPv4 subnet', S({}), 'allowed'),
  create('IPv6 subnet with gateway and routes', S({
    subnet: V6,
    ips: ['2001:db8:5e::10-2001:db8:5e::ff'],
    gateway: '2001:db8:5e::1',
    routes: [{ dst: '2001:db8:77::/48', gw: '2001:db8:5e::1' }],
  }), 'allowed'),
  create('subnet over an existing pool of its CIDR', S({}), 'allowed', [{ kind: 'SpiderIPPool', object: pool('p1', { ips: ['203.0.113.20-203.0.113.30'] }) }]),
  create('beside a subnet of a disjoint CIDR', S({ subnet: '203.0.113.0/25', ips: ['203.0.113.1-203.0.113.100'] }), 'allowed', [
    { kind: 'SpiderSubnet', object: subnet('other', { subnet: '203.0.113.128/25' }) },
  ]),
  {
    title: 'ips grown while lending',
    operation: 'UPDATE',
    object: S({}),
    stored: lent,
    change: (s) => {
      s.spec.ips = ['203.0.113.1-203.0.113.200'];
    },
    expect: 'allowed',
  },
  { title: 'delete an unused subnet', operation: 'DELETE', object: S({}), expect: 'allowed' },
  { title: 'delete a lending subnet without protection', operation: 'DELETE', object: S({}), stored: lent, settings: { protectInUseDeletion: false }, expect: 'allowed' },
];
