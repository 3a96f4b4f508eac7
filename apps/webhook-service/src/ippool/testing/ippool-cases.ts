// SPDX-License-Identifier: Apache-2.0
// The SpiderIPPool corpus: every rule broken at least once, and pools that must pass.
import { FINALIZER, type SpiderIPPool } from '@spiderpool/crds';
import type { AdmissionCase } from './admission-case.ts';
import { allocated, APP_AFFINITY, autoPoolMeta, controlled, pool, subnet, V4, V6 } from './builders.ts';

type PoolCase = AdmissionCase<SpiderIPPool>;

const create = (title: string, object: SpiderIPPool, expect: string, existing?: PoolCase['existing']): PoolCase => ({
  title,
  operation: 'CREATE',
  object,
  expect,
  ...(existing ? { existing } : {}),
});

const AUTO = 'auto4-web-eth0-abcde';
const autoPool = (ips: string[], extra: Partial<SpiderIPPool['spec']> = {}): SpiderIPPool =>
  pool(AUTO, { ips, podAffinity: APP_AFFINITY, ...extra }, autoPoolMeta());
const recordSubnet = (record: Record<string, string[]>) =>
  ({ kind: 'SpiderSubnet' as const, object: { ...subnet('s4', { ips: ['203.0.113.1-203.0.113.200'] }), status: { controlledIPPools: controlled(record) } } });
const existingPool = (name: string, spec: Partial<SpiderIPPool['spec']>) => ({ kind: 'SpiderIPPool' as const, object: pool(name, spec) });
const inUse = { status: { allocatedIPs: allocated({ '203.0.113.5': 'default/web-0' }), allocatedIPCount: 1 } };

export const invalidPoolCases: PoolCase[] = [
  create('empty subnet', pool('p', { subnet: '' }), 'subnet-required'),
  create('subnet that is no CIDR', pool('p', { subnet: 'not-a-cidr' }), 'subnet-invalid'),
  create('IPv4 prefix above 32', pool('p', { subnet: '203.0.113.0/33' }), 'subnet-invalid'),
  create('subnet with host bits', pool('p', { subnet: '203.0.113.1/24' }), 'subnet-not-canonical'),
  create('IPv6 subnet in upper case', pool('p', { subnet: '2001:DB8:5e::/64' }), 'subnet-not-canonical'),
  create('IPv6 subnet not compressed', pool('p', { subnet: '2001:db8:5e:0::/64' }), 'subnet-not-canonical'),
  create('ipVersion 6 with an IPv4 subnet', pool('p', { ipVersion: 6 }), 'ipversion-mismatch'),
  create('ipVersion 4 with an IPv6 subnet', pool('p', { subnet: V6, ipVersion: 4 }), 'ipversion-mismatch'),
  create('ipVersion 5', pool('p', { ipVersion: 5 as 4 }), 'ipversion-invalid'),
  create('ips entry that is no address', pool('p', { ips: ['203.0.113.x'] }), 'range-invalid'),
  create('ips entry with two dashes', pool('p', { ips: ['203.0.113.1-203.0.113.2-203.0.113.3'] }), 'range-invalid'),
  create('ips entry with an open end', pool('p', { ips: ['203.0.113.1-'] }), 'range-invalid'),
  create('ips entry in CIDR notation', pool('p', { ips: ['203.0.113.0/28'] }), 'range-invalid'),
  create('IPv6 address in an IPv4 pool', pool('p', { ips: ['2001:db8:5e::1'] }), 'range-wrong-family'),
  create('IPv4 address in an IPv6 pool', pool('p', { subnet: V6, ips: ['203.0.113.1'] }), 'range-wrong-family'),
  create('reversed range', pool('p', { ips: ['203.0.113.20-203.0.113.10'] }), 'range-reversed'),
  create('reversed IPv6 range', pool('p', { subnet: V6, ips: ['2001:db8:5e::9-2001:db8:5e::1'] }), 'range-reversed'),
  create('ips outside the subnet', pool('p', { ips: ['198.51.100.1'] }), 'range-outside-subnet'),
  create('range running past the subnet', pool('p', { ips: ['203.0.113.250-203.0.114.2'] }), 'range-outside-subnet'),
  create('IPv6 ips outside the subnet', pool('p', { subnet: V6, ips: ['2001:db8:5f::1'] }), 'range-outside-subnet'),
  create('excludeIPs outside the subnet', pool('p', { ips: ['203.0.113.1'], excludeIPs: ['198.51.100.5'] }), 'range-outside-subnet'),
  create('excludeIPs entry that is no address', pool('p', { excludeIPs: ['nope'] }), 'range-invalid'),
  create('excludeIPs reversed', pool('p', { excludeIPs: ['203.0.113.9-203.0.113.1'] }), 'range-reversed'),
  create('gateway that is no address', pool('p', { gateway: 'gw' }), 'gateway-invalid'),
  create('gateway outside the subnet', pool('p', { gateway: '198.51.100.1' }), 'gateway-outside-subnet'),
  create('IPv6 gateway of an IPv4 pool', pool('p', { gateway: '2001:db8:5e::1' }), 'gateway-outside-subnet'),
  create('gateway among the ips', pool('p', { ips: ['203.0.113.1-203.0.113.10'], gateway: '203.0.113.1' }), 'gateway-in-ips'),
  create('route dst that is no CIDR', pool('p', { routes: [{ dst: 'x', gw: '203.0.113.1' }] }), 'route-dst-invalid'),
  create('route to 0.0.0.0/0', pool('p', { routes: [{ dst: '0.0.0.0/0', gw: '203.0.113.1' }] }), 'route-dst-default'),
  create('route to ::/0', pool('p', { subnet: V6, routes: [{ dst: '::/0', gw: '2001:db8:5e::1' }] }), 'route-dst-default'),
  create(
    'duplicate route dst',
    pool('p', { routes: [{ dst: '198.51.100.0/24', gw: '203.0.113.1' }, { dst: '198.51.100.0/24', gw: '203.0.113.2' }] }),
    'route-dst-duplicate',
  ),
  create('IPv6 route dst in an IPv4 pool', pool('p', { routes: [{ dst: '2001:db8::/64', gw: '203.0.113.1' }] }), 'route-dst-wrong-family'),
  create('route dst with host bits', pool('p', { routes: [{ dst: '198.51.100.1/24', gw: '203.0.113.1' }] }), 'route-dst-not-canonical'),
  create('route gw that is no address', pool('p', { routes: [{ dst: '198.51.100.0/24', gw: 'x' }] }), 'route-gw-invalid'),
  create('route gw outside the subnet', pool('p', { routes: [{ dst: '198.51.100.0/24', gw: '198.51.100.1' }] }), 'route-gw-outside-subnet'),
  create('empty podAffinity', pool('p', { podAffinity: {} }), 'pod-affinity-empty'),
  create(
    'podAffinity operator Equals',
    pool('p', { podAffinity: { matchExpressions: [{ key: 'app', operator: 'Equals', values: ['web'] }] } }),
    'selector-operator-invalid',
  ),
  create('In without values', pool('p', { podAffinity: { matchExpressions: [{ key: 'app', operator: 'In' }] } }), 'selector-values-invalid'),
  create(
    'Exists with values',
    pool('p', { namespaceAffinity: { matchExpressions: [{ key: 'team', operator: 'Exists', values: ['a'] }] } }),
    'selector-values-invalid',
  ),
  create('label key with a space', pool('p', { nodeAffinity: { matchLabels: { 'bad key': 'x' } } }), 'selector-key-invalid'),
  create('label key with two slashes', pool('p', { podAffinity: { matchLabels: { 'a/b/c': 'x' } } }), 'selector-key-invalid'),
  create('label value with a "!"', pool('p', { podAffinity: { matchLabels: { app: 'web!' } } }), 'selector-value-invalid'),
  create(
    'expression value too long',
    pool('p', { nodeAffinity: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['z'.repeat(64)] }] } }),
    'selector-value-invalid',
  ),
  create('namespaceName with "_"', pool('p', { namespaceName: ['Bad_NS'] }), 'namespace-name-invalid'),
  create('nodeName with "_"', pool('p', { nodeName: ['node_1'] }), 'node-name-invalid'),
  create('multusName with two slashes', pool('p', { multusName: ['a/b/c'] }), 'multus-name-invalid'),
  create('multusName with an upper-case namespace', pool('p', { multusName: ['Kube-System/macvlan'] }), 'multus-name-invalid'),
  create('multusName with an empty name', pool('p', { multusName: ['kube-system/'] }), 'multus-name-invalid'),
  create(
    'auto-pool podAffinity with a foreign key',
    pool(AUTO, { ips: ['203.0.113.10'], podAffinity: { matchLabels: { app: 'web' } } }, autoPoolMeta()),
    'auto-pool-affinity-invalid',
    [recordSubnet({ [AUTO]: ['203.0.113.10'] })],
  ),
  create(
    'auto-pool podAffinity with expressions',
    pool(AUTO, { ips: ['203.0.113.10'], podAffinity: { ...APP_AFFINITY, matchExpressions: [{ key: 'tier', operator: 'Exists' }] } }, autoPoolMeta()),
    'auto-pool-affinity-invalid',
    [recordSubnet({ [AUTO]: ['203.0.113.10'] })],
  ),
  create('auto-pool as cluster default', autoPool(['203.0.113.10'], { default: true }), 'auto-pool-default', [
    recordSubnet({ [AUTO]: ['203.0.113.10'] }),
  ]),
  create('auto-pool without a subnet', autoPool(['203.0.113.10']), 'auto-pool-without-subnet'),
  create('auto-pool ips unlike its record', autoPool(['203.0.113.10-203.0.113.20']), 'auto-pool-ips-mismatch', [
    recordSubnet({ [AUTO]: ['203.0.113.10-203.0.113.12'] }),
  ]),
  create('auto-pool without a record', autoPool(['203.0.113.10']), 'auto-pool-ips-mismatch', [recordSubnet({})]),
  create('ips overlapping another pool', pool('p', { ips: ['203.0.113.10-203.0.113.20'] }), 'ips-overlap-pool', [
    existingPool('other', { ips: ['203.0.113.20-203.0.113.30'] }),
  ]),
  create('IPv6 ips overlapping another pool', pool('p', { subnet: V6, ips: ['2001:db8:5e::1-2001:db8:5e::ff'] }), 'ips-overlap-pool', [
    existingPool('other6', { subnet: V6, ips: ['2001:db8:5e::80'] }),
  ]),
  create('subnet overlapping another pool of another CIDR', pool('p', { subnet: '203.0.113.0/25' }), 'subnet-overlaps-pool', [
    existingPool('wide', { subnet: V4 }),
  ]),
  create('subnet inside a SpiderSubnet of another CIDR', pool('p', { subnet: '203.0.113.0/26' }), 'subnet-overlaps-subnet', [
    { kind: 'SpiderSubnet', object: subnet('s4', { ips: ['203.0.113.1-203.0.113.200'] }) },
  ]),
  create('ips beyond the owning subnet', pool('p', { ips: ['203.0.113.60-203.0.113.70'] }), 'ips-outside-owner-subnet', [
    { kind: 'SpiderSubnet', object: subnet('s4', { ips: ['203.0.113.1-203.0.113.50'] }) },
  ]),
  {
    title: 'subnet changed',
    operation: 'UPDATE',
    object: pool('p', { ips: ['203.0.113.10'] }),
    change: (p) => {
      p.spec.subnet = '198.51.100.0/24';
      p.spec.ips = ['198.51.100.10'];
    },
    expect: 'subnet-immutable',
  },
  {
    title: 'ipVersion changed',
    operation: 'UPDATE',
    object: pool('p', { ips: ['203.0.113.10'] }),
    change: (p) => {
      p.spec.ipVersion = 6;
    },
    expect: 'ipversion-immutable',
    alsoExpect: ['ipversion-mismatch'],
  },
  {
    title: 'in-use address removed from ips',
    operation: 'UPDATE',
    object: pool('p', { ips: ['203.0.113.1-203.0.113.10'] }),
    stored: inUse,
    change: (p) => {
      p.spec.ips = ['203.0.113.6-203.0.113.10'];
    },
    expect: 'in-use-ip-removed',
  },
  {
    title: 'in-use address excluded',
    operation: 'UPDATE',
    object: pool('p', { ips: ['203.0.113.1-203.0.113.10'] }),
    stored: inUse,
    change: (p) => {
      p.spec.excludeIPs = ['203.0.113.5'];
    },
    expect: 'in-use-ip-removed',
  },
  {
    title: 'spec edited while terminating',
    operation: 'UPDATE',
    object: pool('p', { ips: ['203.0.113.1-203.0.113.10'] }, { finalizers: [FINALIZER] }),
    stored: { deletionTimestamp: true },
    change: (p) => {
      p.spec.ips = ['203.0.113.1-203.0.113.20'];
    },
    expect: 'terminating-update',
  },
  {
    title: 'auto-pool ips edited by hand',
    operation: 'UPDATE',
    existing: [recordSubnet({ [AUTO]: ['203.0.113.10-203.0.113.12'] })],
    object: autoPool(['203.0.113.10-203.0.113.12']),
    change: (p) => {
      p.spec.ips = ['203.0.113.10-203.0.113.13'];
    },
    expect: 'auto-pool-ips-mismatch',
  },
  { title: 'delete with allocated IPs', operation: 'DELETE', object: pool('p', { ips: ['203.0.113.1-203.0.113.10'] }), stored: inUse, expect: 'delete-in-use' },
  {
    title: 'delete with records but a zero count',
    operation: 'DELETE',
    object: pool('p', { ips: ['203.0.113.1-203.0.113.10'] }),
    stored: { status: { allocatedIPs: allocated({ '203.0.113.7': 'default/db-0' }) } },
    expect: 'delete-in-use',
  },
];

export const validPoolCases: PoolCase[] = [
  create('minimal IPv4 pool', pool('p', { ips: ['203.0.113.10-203.0.113.20'] }), 'allowed'),
  create('minimal IPv6 pool', pool('p', { subnet: V6, ips: ['2001:db8:5e::10-2001:db8:5e::20'] }), 'allowed'),
  create('pool without ips', pool('p', {}), 'allowed'),
  create('pool with unsorted, duplicate entries', pool('p', { ips: ['203.0.113.9', '203.0.113.1-203.0.113.5', '203.0.113.3', '203.0.113.6'] }), 'allowed'),
  create('gateway excluded from ips', pool('p', { ips: ['203.0.113.1-203.0.113.10'], excludeIPs: ['203.0.113.1'], gateway: '203.0.113.1' }), 'allowed'),
  create('gateway outside ips', pool('p', { ips: ['203.0.113.10-203.0.113.20'], gateway: '203.0.113.1' }), 'allowed'),
  create('routes', pool('p', { routes: [{ dst: '198.51.100.0/24', gw: '203.0.113.1' }, { dst: '192.0.2.0/25', gw: '203.0.113.1' }] }), 'allowed'),
  create(
    'affinities',
    pool('p', {
      podAffinity: { matchLabels: { 'app.kubernetes.io/name': 'web' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] },
      namespaceAffinity: { matchExpressions: [{ key: 'team', operator: 'Exists' }] },
      nodeAffinity: { matchLabels: { 'kubernetes.io/os': 'linux', empty: '' } },
    }),
    'allowed',
  ),
  create('name lists', pool('p', { namespaceName: ['default'], nodeName: ['node-1.example'], multusName: ['kube-system/macvlan', 'ipvlan'] }), 'allowed'),
  create('beside a disjoint pool of the same CIDR', pool('p', { ips: ['203.0.113.10-203.0.113.20'] }), 'allowed', [
    existingPool('other', { ips: ['203.0.113.21-203.0.113.30'] }),
  ]),
  create('beside a pool of a disjoint CIDR', pool('p', { subnet: '203.0.113.0/25' }), 'allowed', [existingPool('other', { subnet: '203.0.113.128/25' })]),
  create('beside a pool that only excludes the overlap', pool('p', { ips: ['203.0.113.10-203.0.113.20'] }), 'allowed', [
    existingPool('other', { ips: ['203.0.113.1-203.0.113.30'], excludeIPs: ['203.0.113.10-203.0.113.20'] }),
  ]),
  create('inside its owning subnet', pool('p', { ips: ['203.0.113.10-203.0.113.20'] }), 'allowed', [
    { kind: 'SpiderSubnet', object: subnet('s4', { ips: ['203.0.113.1-203.0.113.50'], gateway: '203.0.113.254' }) },
  ]),
  create('auto-pool matching its record', autoPool(['203.0.113.10-203.0.113.12']), 'allowed', [
    recordSubnet({ [AUTO]: ['203.0.113.10-203.0.113.12'] }),
  ]),
  create('beside a different-family pool', pool('p', { ips: ['203.0.113.10'] }), 'allowed', [existingPool('six', { subnet: V6, ips: ['2001:db8:5e::10'] })]),
  {
    title: 'ips grown while in use',
    operation: 'UPDATE',
    object: pool('p', { ips: ['203.0.113.1-203.0.113.10'] }),
    stored: inUse,
    change: (p) => {
      p.spec.ips = ['203.0.113.1-203.0.113.20'];
    },
    expect: 'allowed',
  },
  {
    title: 'unused address removed while another is in use',
    operation: 'UPDATE',
    object: pool('p', { ips: ['203.0.113.1-203.0.113.10'] }),
    stored: inUse,
    change: (p) => {
      p.spec.excludeIPs = ['203.0.113.6'];
    },
    expect: 'allowed',
  },
  {
    title: 'labels changed on a pool in use',
    operation: 'UPDATE',
    object: pool('p', { ips: ['203.0.113.1-203.0.113.10'] }),
    stored: inUse,
    change: (p) => {
      (p.metadata ??= {}).labels = { ...p.metadata.labels, team: 'blue' };
    },
    expect: 'allowed',
  },
  {
    title: 'finalizer removed while terminating',
    operation: 'UPDATE',
    object: pool('p', { ips: ['203.0.113.1-203.0.113.10'] }, { finalizers: [FINALIZER] }),
    stored: { deletionTimestamp: true },
    change: (p) => {
      (p.metadata ??= {}).finalizers = [];
    },
    expect: 'allowed',
  },
  {
    title: 'auto-pool relabelled, ips still as recorded',
    operation: 'UPDATE',
    existing: [recordSubnet({ [AUTO]: ['203.0.113.10-203.0.113.13'] })],
    object: autoPool(['203.0.113.10-203.0.113.13']),
    change: (p) => {
      (p.metadata ??= {}).labels = { ...p.metadata.labels, 'ipam.spidernet.io/ippool-reclaim': 'false' };
    },
    expect: 'allowed',
  },
  { title: 'delete without allocations', operation: 'DELETE', object: pool('p', { ips: ['203.0.113.1-203.0.113.10'] }), expect: 'allowed' },
  {
    title: 'delete in use without protection',
    operation: 'DELETE',
    object: pool('p', { ips: ['203.0.113.1-203.0.113.10'] }),
    stored: inUse,
    settings: { protectInUseDeletion: false },
    expect: 'allowed',
  },
];
