// SPDX-License-Identifier: Apache-2.0
// The corpus of ippool-admission.e2e.ts: SpiderIPPool, SpiderSubnet and SpiderReservedIP objects
// the CRD schema accepts (so the request reaches the webhook), each denied by one rule of ours,
// or allowed and then read back in its mutated form.
//
// Address plan: the API server is shared with other test files, whose pools (not admitted by
// this webhook, but listed by its overlap checks) use 192.0.2.0/24, 198.51.100.0/24 and
// 203.0.113.0/24 as whole CIDRs. Cases whose outcome depends on other objects therefore use
// IPv6, each in a /64 of its own under a per-run /48 in 2001:db8::/32; IPv4 cases are ones a
// neighbour cannot influence (syntax) and one valid pool of 203.0.113.0/24 whose addresses no
// other test file uses.
import { expect } from '@jest/globals';
import { API_VERSION, FINALIZER, Labels } from '@spiderpool/crds';
import type { KubeObject } from '@spiderpool/k8s';

export type Kind = 'SpiderIPPool' | 'SpiderSubnet' | 'SpiderReservedIP';

export type Obj = KubeObject & {
  metadata: NonNullable<KubeObject['metadata']> & { name: string };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
};

export interface Seed {
  kind: Kind;
  object: Obj;
  /** Written through the status subresource after creation (bypasses admission). */
  status?: Record<string, unknown>;
}

/** What a case may read when it checks the stored object. */
export interface CheckContext {
  /** The label every object of this run carries (webhook instance). */
  labels: Record<string, string>;
  /** The stored objects created for the case, by name. */
  seeded: Map<string, Obj>;
}

export interface E2eCase {
  title: string;
  kind: Kind;
  operation: 'CREATE' | 'UPDATE' | 'DELETE';
  /** Created (through the webhook) before `object`. */
  existing?: Seed[];
  /** CREATE: the object sent. UPDATE/DELETE: the object created first. */
  object: Obj;
  /** Status of `object` (UPDATE/DELETE), written after it is created. */
  status?: Record<string, unknown>;
  /** Created after `object` (e.g. pools of a subnet that is then deleted). */
  dependents?: Seed[];
  /** Delete `object` before the UPDATE: it stays, terminating, held by its finalizer. */
  terminate?: boolean;
  /** UPDATE: the edit applied to the stored object before it is written back. */
  change?: (stored: Obj) => void;
  /** A rule id the request must be denied with, or `allowed`. */
  expect: string;
  /** For allowed CREATE/UPDATE: checks of the object read back from the API server. */
  check?: (stored: Obj, c: CheckContext) => void;
}

/** Addresses of one case: IPv6 in a /64 of its own, plus the shared IPv4 syntax block. */
export interface Net {
  /** `2001:db8:<run>:<case>::/64` */
  cidr: string;
  /** `ip('10')` → `2001:db8:<run>:<case>::10` */
  ip(suffix: string): string;
  /** Value of the CIDR label of `cidr`. */
  cidrLabel: string;
  /** A name unique to this case. */
  name(role: string): string;
}

export const V4 = '203.0.113.0/24';

const meta = (name: string, extra: Partial<Obj['metadata']> = {}): Obj['metadata'] => ({ name, ...extra });

export function pool(name: string, spec: Record<string, unknown>, extra: Partial<Obj['metadata']> = {}): Obj {
  return { apiVersion: API_VERSION, kind: 'SpiderIPPool', metadata: meta(name, extra), spec };
}

export function subnet(name: string, spec: Record<string, unknown>): Obj {
  return { apiVersion: API_VERSION, kind: 'SpiderSubnet', metadata: meta(name), spec };
}

export function reserved(name: string, spec: Record<string, unknown> | undefined): Obj {
  const obj: Obj = { apiVersion: API_VERSION, kind: 'SpiderReservedIP', metadata: meta(name) };
  if (spec) obj.spec = spec;
  return obj;
}

const allocated = (ip: string, pod = 'default/web-0'): Record<string, unknown> => ({
  allocatedIPs: JSON.stringify({ [ip]: { pod, podUid: `uid-${pod.replace('/', '-')}` } }),
  allocatedIPCount: 1,
});

const controlled = (records: Record<string, string[]>): Record<string, unknown> => ({
  controlledIPPools: JSON.stringify(
    Object.fromEntries(Object.entries(records).map(([name, ips]) => [name, { ips, application: 'apps_v1_Deployment_default_web' }])),
  ),
});

const AUTO_META = (): Partial<Obj['metadata']> => ({
  annotations: { 'ipam.spidernet.io/ippool-ip-number': '+1' },
  labels: { [Labels.OWNER_APPLICATION_UID]: 'uid-web', [Labels.OWNER_APPLICATION_KIND]: 'Deployment' },
});

const APP_AFFINITY = {
  matchLabels: {
    [Labels.APP_API_GROUP]: 'apps',
    [Labels.APP_API_VERSION]: 'v1',
    [Labels.APP_KIND]: 'Deployment',
    [Labels.APP_NAMESPACE]: 'default',
    [Labels.APP_NAME]: 'web',
  },
};

type Factory = (n: Net) => E2eCase;

const v4Pool = (title: string, spec: Record<string, unknown>, expect: string): Factory => (n) => ({
  title,
  kind: 'SpiderIPPool',
  operation: 'CREATE',
  object: pool(n.name('p'), { subnet: V4, ...spec }),
  expect,
});

const v6Pool = (title: string, spec: (n: Net) => Record<string, unknown>, expect: string): Factory => (n) => ({
  title,
  kind: 'SpiderIPPool',
  operation: 'CREATE',
  object: pool(n.name('p'), { subnet: n.cidr, ...spec(n) }),
  expect,
});

const v6Subnet = (title: string, spec: (n: Net) => Record<string, unknown>, expect: string): Factory => (n) => ({
  title,
  kind: 'SpiderSubnet',
  operation: 'CREATE',
  object: subnet(n.name('s'), { subnet: n.cidr, ...spec(n) }),
  expect,
});

const reservedCase = (title: string, spec: Record<string, unknown> | undefined, expect: string): Factory => (n) => ({
  title,
  kind: 'SpiderReservedIP',
  operation: 'CREATE',
  object: reserved(n.name('r'), spec),
  expect,
});

export const INVALID: Factory[] = [
  // SpiderIPPool: syntax, IPv4.
  v4Pool('empty subnet', { subnet: '' }, 'subnet-required'),
  v4Pool('subnet that is no CIDR', { subnet: 'not-a-cidr' }, 'subnet-invalid'),
  v4Pool('subnet with host bits', { subnet: '203.0.113.1/24' }, 'subnet-not-canonical'),
  v4Pool('ipVersion 6 with an IPv4 subnet', { ipVersion: 6 }, 'ipversion-mismatch'),
  v4Pool('ips entry that is no address', { ips: ['203.0.113.x'] }, 'range-invalid'),
  v4Pool('IPv6 address in an IPv4 pool', { ips: ['2001:db8::1'] }, 'range-wrong-family'),
  v4Pool('reversed range', { ips: ['203.0.113.20-203.0.113.10'] }, 'range-reversed'),
  v4Pool('ips outside the subnet', { ips: ['198.51.100.1'] }, 'range-outside-subnet'),
  v4Pool('excludeIPs outside the subnet', { excludeIPs: ['192.0.2.1'] }, 'range-outside-subnet'),
  v4Pool('gateway that is no address', { gateway: 'gw' }, 'gateway-invalid'),
  v4Pool('gateway outside the subnet', { gateway: '198.51.100.1' }, 'gateway-outside-subnet'),
  v4Pool('gateway among the ips', { ips: ['203.0.113.44-203.0.113.45'], gateway: '203.0.113.44' }, 'gateway-in-ips'),
  v4Pool('route dst that is no CIDR', { routes: [{ dst: 'x', gw: '203.0.113.1' }] }, 'route-dst-invalid'),
  v4Pool('route to 0.0.0.0/0', { routes: [{ dst: '0.0.0.0/0', gw: '203.0.113.1' }] }, 'route-dst-default'),
  v4Pool(
    'duplicate route dst',
    { routes: [{ dst: '198.51.100.0/24', gw: '203.0.113.1' }, { dst: '198.51.100.0/24', gw: '203.0.113.2' }] },
    'route-dst-duplicate',
  ),
  v4Pool('IPv6 route dst in an IPv4 pool', { routes: [{ dst: '2001:db8::/64', gw: '203.0.113.1' }] }, 'route-dst-wrong-family'),
  v4Pool('route dst with host bits', { routes: [{ dst: '198.51.100.1/24', gw: '203.0.113.1' }] }, 'route-dst-not-canonical'),
  v4Pool('route gw that is no address', { routes: [{ dst: '198.51.100.0/24', gw: 'x' }] }, 'route-gw-invalid'),
  v4Pool('route gw outside the subnet', { routes: [{ dst: '198.51.100.0/24', gw: '198.51.100.1' }] }, 'route-gw-outside-subnet'),
  v4Pool('empty podAffinity', { podAffinity: {} }, 'pod-affinity-empty'),
  v4Pool('podAffinity operator Equals', { podAffinity: { matchExpressions: [{ key: 'app', operator: 'Equals', values: ['web'] }] } }, 'selector-operator-invalid'),
  v4Pool('In without values', { podAffinity: { matchExpressions: [{ key: 'app', operator: 'In' }] } }, 'selector-values-invalid'),
  v4Pool('label key with a space', { nodeAffinity: { matchLabels: { 'bad key': 'x' } } }, 'selector-key-invalid'),
  v4Pool('label value with a "!"', { namespaceAffinity: { matchLabels: { team: 'blue!' } } }, 'selector-value-invalid'),
  v4Pool('namespaceName with "_"', { namespaceName: ['Bad_NS'] }, 'namespace-name-invalid'),
  v4Pool('nodeName with "_"', { nodeName: ['node_1'] }, 'node-name-invalid'),
  v4Pool('multusName with two slashes', { multusName: ['a/b/c'] }, 'multus-name-invalid'),
  // SpiderIPPool: rules that read other objects, IPv6.
  v6Pool('IPv4 address in an IPv6 pool', () => ({ ips: ['203.0.113.1'] }), 'range-wrong-family'),
  v6Pool('route to ::/0', (n) => ({ routes: [{ dst: '::/0', gw: n.ip('1') }] }), 'route-dst-default'),
  (n) => ({
    title: 'auto-pool podAffinity with a foreign key',
    kind: 'SpiderIPPool',
    operation: 'CREATE',
    object: pool(n.name('auto'), { subnet: n.cidr, ips: [n.ip('10')], podAffinity: { matchLabels: { app: 'web' } } }, AUTO_META()),
    expect: 'auto-pool-affinity-invalid',
  }),
  (n) => ({
    title: 'auto-pool as cluster default',
    kind: 'SpiderIPPool',
    operation: 'CREATE',
    object: pool(n.name('auto'), { subnet: n.cidr, ips: [n.ip('10')], podAffinity: APP_AFFINITY, default: true }, AUTO_META()),
    expect: 'auto-pool-default',
  }),
  (n) => ({
    title: 'auto-pool without a subnet',
    kind: 'SpiderIPPool',
    operation: 'CREATE',
    object: pool(n.name('auto'), { subnet: n.cidr, ips: [n.ip('10')], podAffinity: APP_AFFINITY }, AUTO_META()),
    expect: 'auto-pool-without-subnet',
  }),
  (n) => ({
    title: 'auto-pool ips unlike the subnet record',
    kind: 'SpiderIPPool',
    operation: 'CREATE',
    existing: [{ kind: 'SpiderSubnet', object: subnet(n.name('s'), { subnet: n.cidr, ips: [`${n.ip('1')}-${n.ip('ff')}`] }), status: controlled({ [n.name('auto')]: [n.ip('10')] }) }],
    object: pool(n.name('auto'), { subnet: n.cidr, ips: [`${n.ip('10')}-${n.ip('12')}`], podAffinity: APP_AFFINITY }, AUTO_META()),
    expect: 'auto-pool-ips-mismatch',
  }),
  (n) => ({
    title: 'ips overlapping another pool',
    kind: 'SpiderIPPool',
    operation: 'CREATE',
    existing: [{ kind: 'SpiderIPPool', object: pool(n.name('other'), { subnet: n.cidr, ips: [`${n.ip('20')}-${n.ip('30')}`] }) }],
    object: pool(n.name('p'), { subnet: n.cidr, ips: [`${n.ip('10')}-${n.ip('20')}`] }),
    expect: 'ips-overlap-pool',
  }),
  (n) => ({
    title: 'subnet overlapping a pool of another CIDR',
    kind: 'SpiderIPPool',
    operation: 'CREATE',
    existing: [{ kind: 'SpiderIPPool', object: pool(n.name('wide'), { subnet: n.cidr }) }],
    object: pool(n.name('p'), { subnet: n.cidr.replace('/64', '/80') }),
    expect: 'subnet-overlaps-pool',
  }),
  (n) => ({
    title: 'pool inside a SpiderSubnet of another CIDR',
    kind: 'SpiderIPPool',
    operation: 'CREATE',
    existing: [{ kind: 'SpiderSubnet', object: subnet(n.name('s'), { subnet: n.cidr }) }],
    object: pool(n.name('p'), { subnet: n.cidr.replace('/64', '/80') }),
    expect: 'subnet-overlaps-subnet',
  }),
  (n) => ({
    title: 'ips beyond the owning subnet',
    kind: 'SpiderIPPool',
    operation: 'CREATE',
    existing: [{ kind: 'SpiderSubnet', object: subnet(n.name('s'), { subnet: n.cidr, ips: [`${n.ip('1')}-${n.ip('50')}`] }) }],
    object: pool(n.name('p'), { subnet: n.cidr, ips: [`${n.ip('60')}-${n.ip('70')}`] }),
    expect: 'ips-outside-owner-subnet',
  }),
  (n) => ({
    title: 'subnet changed',
    kind: 'SpiderIPPool',
    operation: 'UPDATE',
    object: pool(n.name('p'), { subnet: n.cidr, ips: [n.ip('10')] }),
    change: (o) => {
      (o.spec as Record<string, unknown>)['subnet'] = n.cidr.replace('/64', '/65');
    },
    expect: 'subnet-immutable',
  }),
  (n) => ({
    title: 'ipVersion changed',
    kind: 'SpiderIPPool',
    operation: 'UPDATE',
    object: pool(n.name('p'), { subnet: n.cidr, ips: [n.ip('10')] }),
    change: (o) => {
      (o.spec as Record<string, unknown>)['ipVersion'] = 4;
    },
    expect: 'ipversion-immutable',
  }),
  (n) => ({
    title: 'in-use address removed from ips',
    kind: 'SpiderIPPool',
    operation: 'UPDATE',
    object: pool(n.name('p'), { subnet: n.cidr, ips: [`${n.ip('1')}-${n.ip('a')}`] }),
    status: allocated(n.ip('5')),
    change: (o) => {
      (o.spec as Record<string, unknown>)['ips'] = [`${n.ip('6')}-${n.ip('a')}`];
    },
    expect: 'in-use-ip-removed',
  }),
  (n) => ({
    title: 'in-use address excluded',
    kind: 'SpiderIPPool',
    operation: 'UPDATE',
    object: pool(n.name('p'), { subnet: n.cidr, ips: [`${n.ip('1')}-${n.ip('a')}`] }),
    status: allocated(n.ip('5')),
    change: (o) => {
      (o.spec as Record<string, unknown>)['excludeIPs'] = [n.ip('5')];
    },
    expect: 'in-use-ip-removed',
  }),
  (n) => ({
    title: 'spec edited while terminating',
    kind: 'SpiderIPPool',
    operation: 'UPDATE',
    object: pool(n.name('p'), { subnet: n.cidr, ips: [`${n.ip('1')}-${n.ip('a')}`] }),
    terminate: true,
    change: (o) => {
      (o.spec as Record<string, unknown>)['ips'] = [`${n.ip('1')}-${n.ip('f')}`];
    },
    expect: 'terminating-update',
  }),
  (n) => ({
    title: 'delete with allocated IPs',
    kind: 'SpiderIPPool',
    operation: 'DELETE',
    object: pool(n.name('p'), { subnet: n.cidr, ips: [`${n.ip('1')}-${n.ip('a')}`] }),
    status: allocated(n.ip('5')),
    expect: 'delete-in-use',
  }),
  // SpiderSubnet.
  v6Subnet('IPv6 subnet in upper case', (n) => ({ subnet: n.cidr.toUpperCase() }), 'subnet-not-canonical'),
  v6Subnet('ips outside the subnet', () => ({ ips: ['2001:db8:ffff::1'] }), 'range-outside-subnet'),
  v6Subnet('gateway among the ips', (n) => ({ ips: [`${n.ip('1')}-${n.ip('9')}`], gateway: n.ip('1') }), 'gateway-in-ips'),
  v6Subnet('route gw outside the subnet', () => ({ routes: [{ dst: '2001:db8:77::/48', gw: '2001:db8:ffff::1' }] }), 'route-gw-outside-subnet'),
  (n) => ({
    title: 'subnet overlapping another subnet',
    kind: 'SpiderSubnet',
    operation: 'CREATE',
    existing: [{ kind: 'SpiderSubnet', object: subnet(n.name('other'), { subnet: n.cidr.replace('/64', '/80') }) }],
    object: subnet(n.name('s'), { subnet: n.cidr }),
    expect: 'subnet-overlaps-subnet',
  }),
  (n) => ({
    title: 'subnet overlapping a pool of another CIDR',
    kind: 'SpiderSubnet',
    operation: 'CREATE',
    existing: [{ kind: 'SpiderIPPool', object: pool(n.name('p'), { subnet: n.cidr.replace('/64', '/80') }) }],
    object: subnet(n.name('s'), { subnet: n.cidr }),
    expect: 'subnet-overlaps-pool',
  }),
  (n) => ({
    title: 'subnet not covering a pool of its CIDR',
    kind: 'SpiderSubnet',
    operation: 'CREATE',
    existing: [{ kind: 'SpiderIPPool', object: pool(n.name('p'), { subnet: n.cidr, ips: [`${n.ip('90')}-${n.ip('a0')}`] }) }],
    object: subnet(n.name('s'), { subnet: n.cidr, ips: [`${n.ip('1')}-${n.ip('99')}`] }),
    expect: 'subnet-ips-held-by-pool',
  }),
  (n) => ({
    title: 'subnet shrunk below a recorded loan',
    kind: 'SpiderSubnet',
    operation: 'UPDATE',
    object: subnet(n.name('s'), { subnet: n.cidr, ips: [`${n.ip('1')}-${n.ip('ff')}`] }),
    status: controlled({ [n.name('p')]: [`${n.ip('50')}-${n.ip('60')}`] }),
    change: (o) => {
      (o.spec as Record<string, unknown>)['ips'] = [`${n.ip('1')}-${n.ip('55')}`];
    },
    expect: 'subnet-ips-held-by-pool',
  }),
  (n) => ({
    title: 'subnet changed',
    kind: 'SpiderSubnet',
    operation: 'UPDATE',
    object: subnet(n.name('s'), { subnet: n.cidr }),
    change: (o) => {
      (o.spec as Record<string, unknown>)['subnet'] = n.cidr.replace('/64', '/65');
    },
    expect: 'subnet-immutable',
  }),
  (n) => ({
    title: 'delete a subnet that owns a pool',
    kind: 'SpiderSubnet',
    operation: 'DELETE',
    object: subnet(n.name('s'), { subnet: n.cidr, ips: [`${n.ip('1')}-${n.ip('ff')}`] }),
    dependents: [{ kind: 'SpiderIPPool', object: pool(n.name('p'), { subnet: n.cidr, ips: [n.ip('10')] }) }],
    expect: 'delete-in-use',
  }),
  // SpiderReservedIP.
  reservedCase('empty ips', { ips: [] }, 'ips-required'),
  reservedCase('no spec', undefined, 'ips-required'),
  reservedCase('first entry unreadable, no ipVersion', { ips: ['nope'] }, 'ipversion-required'),
  reservedCase('entry that is no address', { ipVersion: 4, ips: ['203.0.113.1', 'x'] }, 'range-invalid'),
  reservedCase('IPv6 entry with ipVersion 4', { ipVersion: 4, ips: ['2001:db8::1'] }, 'range-wrong-family'),
  reservedCase('reversed range', { ips: ['203.0.113.9-203.0.113.1'] }, 'range-reversed'),
  (n) => ({
    title: 'reserved ipVersion changed',
    kind: 'SpiderReservedIP',
    operation: 'UPDATE',
    object: reserved(n.name('r'), { ips: [n.ip('1')] }),
    change: (o) => {
      o.spec = { ipVersion: 4, ips: ['203.0.113.1'] };
    },
    expect: 'ipversion-immutable',
  }),
];

const poolDefaults = { default: false, disable: false };

export const VALID: Factory[] = [
  (n) => ({
    title: 'IPv4 pool, ranges merged',
    kind: 'SpiderIPPool',
    operation: 'CREATE',
    object: pool(n.name('p'), { subnet: V4, ips: ['203.0.113.43', '203.0.113.41-203.0.113.42', '203.0.113.42'] }),
    expect: 'allowed',
    check: (s, c) => {
      expect(s.spec).toEqual({ ...poolDefaults, ipVersion: 4, subnet: V4, ips: ['203.0.113.41-203.0.113.43'] });
      expect(s.metadata.labels).toEqual({ ...c.labels, [Labels.IPPOOL_CIDR]: '203-0-113-0-24' });
      expect(s.metadata.finalizers).toEqual([FINALIZER]);
    },
  }),
  (n) => ({
    title: 'IPv6 pool, unsorted duplicates merged, gateway excluded',
    kind: 'SpiderIPPool',
    operation: 'CREATE',
    object: pool(n.name('p'), {
      subnet: n.cidr,
      ips: [n.ip('20'), `${n.ip('1')}-${n.ip('10')}`, n.ip('5'), n.ip('11')],
      excludeIPs: [n.ip('1')],
      gateway: n.ip('1'),
    }),
    expect: 'allowed',
    check: (s, c) => {
      expect(s.spec).toEqual({
        ...poolDefaults,
        ipVersion: 6,
        subnet: n.cidr,
        ips: [`${n.ip('1')}-${n.ip('11')}`, n.ip('20')],
        excludeIPs: [n.ip('1')],
        gateway: n.ip('1'),
      });
      expect(s.metadata.labels).toEqual({ ...c.labels, [Labels.IPPOOL_CIDR]: n.cidrLabel });
    },
  }),
  (n) => ({
    title: 'IPv6 pool with routes, affinities and name lists',
    kind: 'SpiderIPPool',
    operation: 'CREATE',
    object: pool(n.name('p'), {
      subnet: n.cidr,
      ips: [n.ip('10')],
      routes: [{ dst: '2001:db8:77::/48', gw: n.ip('1') }],
      podAffinity: { matchLabels: { 'app.kubernetes.io/name': 'web' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] },
      namespaceAffinity: { matchExpressions: [{ key: 'team', operator: 'Exists' }] },
      nodeName: ['node-1.example'],
      multusName: ['kube-system/macvlan', 'ipvlan'],
    }),
    expect: 'allowed',
    check: (s, c) => {
      expect(s.spec).toEqual({
        ...poolDefaults,
        ipVersion: 6,
        subnet: n.cidr,
        ips: [n.ip('10')],
        routes: [{ dst: '2001:db8:77::/48', gw: n.ip('1') }],
        podAffinity: { matchLabels: { 'app.kubernetes.io/name': 'web' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] },
        namespaceAffinity: { matchExpressions: [{ key: 'team', operator: 'Exists' }] },
        nodeName: ['node-1.example'],
        multusName: ['kube-system/macvlan', 'ipvlan'],
      });
      expect(s.metadata.labels).toEqual({ ...c.labels, [Labels.IPPOOL_CIDR]: n.cidrLabel });
      expect(s.metadata.finalizers).toEqual([FINALIZER]);
    },
  }),
  (n) => ({
    title: 'pool adopted by the subnet of its CIDR, inheriting gateway and routes',
    kind: 'SpiderIPPool',
    operation: 'CREATE',
    existing: [
      {
        kind: 'SpiderSubnet',
        object: subnet(n.name('s'), {
          subnet: n.cidr,
          ips: [`${n.ip('1')}-${n.ip('ff')}`],
          excludeIPs: [n.ip('fe')],
          gateway: n.ip('fe'),
          routes: [{ dst: '2001:db8:77::/48', gw: n.ip('fe') }],
        }),
      },
    ],
    object: pool(n.name('p'), { subnet: n.cidr, ips: [`${n.ip('10')}-${n.ip('20')}`] }),
    expect: 'allowed',
    check: (s, c) => {
      const owner = c.seeded.get(n.name('s'));
      expect(s.metadata.ownerReferences).toEqual([
        { apiVersion: API_VERSION, kind: 'SpiderSubnet', name: n.name('s'), uid: owner?.metadata.uid, controller: true, blockOwnerDeletion: true },
      ]);
      expect(s.metadata.labels).toEqual({ ...c.labels, [Labels.IPPOOL_CIDR]: n.cidrLabel, [Labels.OWNER_SPIDER_SUBNET]: n.name('s') });
      expect(s.spec).toEqual({
        ...poolDefaults,
        ipVersion: 6,
        subnet: n.cidr,
        ips: [`${n.ip('10')}-${n.ip('20')}`],
        gateway: n.ip('fe'),
        routes: [{ dst: '2001:db8:77::/48', gw: n.ip('fe') }],
      });
    },
  }),
  (n) => ({
    title: 'pool beside a disjoint pool of the same CIDR',
    kind: 'SpiderIPPool',
    operation: 'CREATE',
    existing: [{ kind: 'SpiderIPPool', object: pool(n.name('other'), { subnet: n.cidr, ips: [`${n.ip('21')}-${n.ip('30')}`] }) }],
    object: pool(n.name('p'), { subnet: n.cidr, ips: [`${n.ip('10')}-${n.ip('20')}`] }),
    expect: 'allowed',
    check: (s, c) => {
      expect(s.spec).toEqual({ ...poolDefaults, ipVersion: 6, subnet: n.cidr, ips: [`${n.ip('10')}-${n.ip('20')}`] });
      expect(s.metadata.labels).toEqual({ ...c.labels, [Labels.IPPOOL_CIDR]: n.cidrLabel });
      expect(s.metadata.ownerReferences).toBeUndefined();
      expect(s.metadata.finalizers).toEqual([FINALIZER]);
    },
  }),
  (n) => ({
    title: 'auto-pool matching its subnet record',
    kind: 'SpiderIPPool',
    operation: 'CREATE',
    existing: [{ kind: 'SpiderSubnet', object: subnet(n.name('s'), { subnet: n.cidr, ips: [`${n.ip('1')}-${n.ip('ff')}`] }), status: controlled({ [n.name('auto')]: [`${n.ip('10')}-${n.ip('12')}`] }) }],
    object: pool(n.name('auto'), { subnet: n.cidr, ips: [`${n.ip('10')}-${n.ip('12')}`], podAffinity: APP_AFFINITY }, AUTO_META()),
    expect: 'allowed',
    check: (s, c) => {
      const owner = c.seeded.get(n.name('s'));
      expect(s.spec).toEqual({ ...poolDefaults, ipVersion: 6, subnet: n.cidr, ips: [`${n.ip('10')}-${n.ip('12')}`], podAffinity: APP_AFFINITY });
      expect(s.metadata.ownerReferences).toEqual([
        { apiVersion: API_VERSION, kind: 'SpiderSubnet', name: n.name('s'), uid: owner?.metadata.uid, controller: true, blockOwnerDeletion: true },
      ]);
      expect(s.metadata.labels).toEqual({
        ...c.labels,
        ...AUTO_META().labels,
        [Labels.IPPOOL_CIDR]: n.cidrLabel,
        [Labels.OWNER_SPIDER_SUBNET]: n.name('s'),
      });
      expect(s.metadata.annotations).toEqual(AUTO_META().annotations);
      expect(s.metadata.finalizers).toEqual([FINALIZER]);
    },
  }),
  (n) => ({
    title: 'ips grown while in use',
    kind: 'SpiderIPPool',
    operation: 'UPDATE',
    object: pool(n.name('p'), { subnet: n.cidr, ips: [`${n.ip('1')}-${n.ip('a')}`] }),
    status: allocated(n.ip('5')),
    change: (o) => {
      (o.spec as Record<string, unknown>)['ips'] = [n.ip('30'), `${n.ip('1')}-${n.ip('14')}`];
    },
    expect: 'allowed',
    check: (s, c) => {
      expect(s.spec).toEqual({ ...poolDefaults, ipVersion: 6, subnet: n.cidr, ips: [`${n.ip('1')}-${n.ip('14')}`, n.ip('30')] });
      expect(s.metadata.labels).toEqual({ ...c.labels, [Labels.IPPOOL_CIDR]: n.cidrLabel });
      expect(s.metadata.finalizers).toEqual([FINALIZER]);
    },
  }),
  (n) => ({
    title: 'labels changed on a pool in use',
    kind: 'SpiderIPPool',
    operation: 'UPDATE',
    object: pool(n.name('p'), { subnet: n.cidr, ips: [`${n.ip('1')}-${n.ip('a')}`] }),
    status: allocated(n.ip('5')),
    change: (o) => {
      o.metadata.labels = { ...o.metadata.labels, team: 'blue' };
    },
    expect: 'allowed',
    check: (s, c) => {
      expect(s.metadata.labels).toEqual({ ...c.labels, [Labels.IPPOOL_CIDR]: n.cidrLabel, team: 'blue' });
      expect(s.spec).toEqual({ ...poolDefaults, ipVersion: 6, subnet: n.cidr, ips: [`${n.ip('1')}-${n.ip('a')}`] });
      expect(s.metadata.finalizers).toEqual([FINALIZER]);
    },
  }),
  (n) => ({
    title: 'delete of an unused pool (it waits for its finalizer)',
    kind: 'SpiderIPPool',
    operation: 'DELETE',
    object: pool(n.name('p'), { subnet: n.cidr, ips: [`${n.ip('1')}-${n.ip('a')}`] }),
    expect: 'allowed',
  }),
  (n) => ({
    title: 'IPv6 subnet with gateway and routes',
    kind: 'SpiderSubnet',
    operation: 'CREATE',
    object: subnet(n.name('s'), {
      subnet: n.cidr,
      ips: [`${n.ip('20')}-${n.ip('ff')}`, `${n.ip('10')}-${n.ip('1f')}`],
      gateway: n.ip('1'),
      routes: [{ dst: '2001:db8:77::/48', gw: n.ip('1') }],
    }),
    expect: 'allowed',
    check: (s, c) => {
      expect(s.spec).toEqual({
        ipVersion: 6,
        subnet: n.cidr,
        ips: [`${n.ip('10')}-${n.ip('ff')}`],
        gateway: n.ip('1'),
        routes: [{ dst: '2001:db8:77::/48', gw: n.ip('1') }],
      });
      expect(s.metadata.labels).toEqual({ ...c.labels, [Labels.SUBNET_CIDR]: n.cidrLabel });
      expect(s.metadata.finalizers).toEqual([FINALIZER]);
    },
  }),
  (n) => ({
    title: 'subnet over an existing pool of its CIDR',
    kind: 'SpiderSubnet',
    operation: 'CREATE',
    existing: [{ kind: 'SpiderIPPool', object: pool(n.name('p'), { subnet: n.cidr, ips: [`${n.ip('20')}-${n.ip('30')}`] }) }],
    object: subnet(n.name('s'), { subnet: n.cidr, ips: [`${n.ip('1')}-${n.ip('ff')}`] }),
    expect: 'allowed',
    check: (s, c) => {
      expect(s.spec).toEqual({ ipVersion: 6, subnet: n.cidr, ips: [`${n.ip('1')}-${n.ip('ff')}`] });
      expect(s.metadata.labels).toEqual({ ...c.labels, [Labels.SUBNET_CIDR]: n.cidrLabel });
      expect(s.metadata.finalizers).toEqual([FINALIZER]);
    },
  }),
  (n) => ({
    title: 'subnet grown while lending',
    kind: 'SpiderSubnet',
    operation: 'UPDATE',
    object: subnet(n.name('s'), { subnet: n.cidr, ips: [`${n.ip('1')}-${n.ip('ff')}`] }),
    status: controlled({ [n.name('p')]: [`${n.ip('50')}-${n.ip('60')}`] }),
    change: (o) => {
      (o.spec as Record<string, unknown>)['ips'] = [`${n.ip('1')}-${n.ip('1ff')}`];
    },
    expect: 'allowed',
    check: (s, c) => {
      expect(s.spec).toEqual({ ipVersion: 6, subnet: n.cidr, ips: [`${n.ip('1')}-${n.ip('1ff')}`] });
      expect(s.metadata.labels).toEqual({ ...c.labels, [Labels.SUBNET_CIDR]: n.cidrLabel });
      expect(s.metadata.finalizers).toEqual([FINALIZER]);
    },
  }),
  (n) => ({
    ...reservedCase('IPv4 reserved addresses, merged', { ips: ['203.0.113.9', '203.0.113.1-203.0.113.3', '203.0.113.2'] }, 'allowed')(n),
    check: (s, c) => {
      expect(s.spec).toEqual({ ipVersion: 4, ips: ['203.0.113.1-203.0.113.3', '203.0.113.9'] });
      expect(s.metadata.labels).toEqual(c.labels);
      expect(s.metadata.finalizers).toBeUndefined();
    },
  }),
  (n) => ({
    title: 'IPv6 reserved range, ipVersion derived',
    kind: 'SpiderReservedIP',
    operation: 'CREATE',
    object: reserved(n.name('r'), { ips: [n.ip('9'), `${n.ip('1')}-${n.ip('8')}`] }),
    expect: 'allowed',
    check: (s) => {
      expect(s.spec).toEqual({ ipVersion: 6, ips: [`${n.ip('1')}-${n.ip('9')}`] });
      expect(s.metadata.finalizers).toBeUndefined();
    },
  }),
  // SpiderIPPool, CREATE.
  (n) => ({
    title: 'IPv4 pool with gateway, routes and excludeIPs, ranges merged',
    kind: 'SpiderIPPool',
    operation: 'CREATE',
    object: pool(n.name('p'), {
      subnet: V4,
      ips: ['203.0.113.52-203.0.113.54', '203.0.113.50-203.0.113.51', '203.0.113.53'],
      excludeIPs: ['203.0.113.54', '203.0.113.54'],
      gateway: '203.0.113.1',
      routes: [{ dst: '198.51.100.0/24', gw: '203.0.113.1' }],
    }),
    expect: 'allowed',
    check: (s, c) => {
      expect(s.spec).toEqual({
        ...poolDefaults,
        ipVersion: 4,
        subnet: V4,
        ips: ['203.0.113.50-203.0.113.54'],
        excludeIPs: ['203.0.113.54'],
        gateway: '203.0.113.1',
        routes: [{ dst: '198.51.100.0/24', gw: '203.0.113.1' }],
      });
      expect(s.metadata.labels).toEqual({ ...c.labels, [Labels.IPPOOL_CIDR]: '203-0-113-0-24' });
      expect(s.metadata.finalizers).toEqual([FINALIZER]);
    },
  }),
  (n) => ({
    title: 'IPv4 pool with explicit ipVersion, nodeName, multusName and podAffinity',
    kind: 'SpiderIPPool',
    operation: 'CREATE',
    object: pool(n.name('p'), {
      ipVersion: 4,
      subnet: V4,
      ips: ['203.0.113.62', '203.0.113.61'],
      nodeName: ['worker-a', 'worker-b.example'],
      multusName: ['kube-system/macvlan-eth0'],
      podAffinity: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }] },
    }),
    expect: 'allowed',
    check: (s, c) => {
      expect(s.spec).toEqual({
        ...poolDefaults,
        ipVersion: 4,
        subnet: V4,
        ips: ['203.0.113.61-203.0.113.62'],
        nodeName: ['worker-a', 'worker-b.example'],
        multusName: ['kube-system/macvlan-eth0'],
        podAffinity: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }] },
      });
      expect(s.metadata.labels).toEqual({ ...c.labels, [Labels.IPPOOL_CIDR]: '203-0-113-0-24' });
      expect(s.metadata.finalizers).toEqual([FINALIZER]);
    },
  }),
  (n) => ({
    title: 'IPv6 pool, upper-case and expanded ranges canonicalised, merged and sorted',
    kind: 'SpiderIPPool',
    operation: 'CREATE',
    object: pool(n.name('p'), {
      subnet: n.cidr,
      ips: [n.ip('1:0').toUpperCase(), `${n.ip('a0')}-${n.ip('af')}`, n.ip('B0').toUpperCase(), `${n.ip('5')}-${n.ip('9')}`.replace(/::/g, ':0:0:0:')],
      excludeIPs: [n.ip('A5').toUpperCase(), n.ip('a4')],
    }),
    expect: 'allowed',
    check: (s, c) => {
      expect(s.spec).toEqual({
        ...poolDefaults,
        ipVersion: 6,
        subnet: n.cidr,
        ips: [`${n.ip('5')}-${n.ip('9')}`, `${n.ip('a0')}-${n.ip('b0')}`, n.ip('1:0')],
        excludeIPs: [`${n.ip('a4')}-${n.ip('a5')}`],
      });
      expect(s.metadata.labels).toEqual({ ...c.labels, [Labels.IPPOOL_CIDR]: n.cidrLabel });
      expect(s.metadata.finalizers).toEqual([FINALIZER]);
    },
  }),
  (n) => ({
    title: 'IPv6 cluster-default pool with namespace and node affinities',
    kind: 'SpiderIPPool',
    operation: 'CREATE',
    // Scoped to a namespace and nodes that do not exist: no allocation of another test picks it.
    object: pool(n.name('p'), {
      subnet: n.cidr,
      ips: [`${n.ip('10')}-${n.ip('1f')}`],
      default: true,
      namespaceName: ['ipa-nowhere'],
      namespaceAffinity: { matchLabels: { 'kubernetes.io/metadata.name': 'ipa-nowhere' } },
      nodeAffinity: { matchExpressions: [{ key: 'node-role.example/none', operator: 'DoesNotExist' }], matchLabels: { zone: 'z-0' } },
    }),
    expect: 'allowed',
    check: (s, c) => {
      expect(s.spec).toEqual({
        default: true,
        disable: false,
        ipVersion: 6,
        subnet: n.cidr,
        ips: [`${n.ip('10')}-${n.ip('1f')}`],
        namespaceName: ['ipa-nowhere'],
        namespaceAffinity: { matchLabels: { 'kubernetes.io/metadata.name': 'ipa-nowhere' } },
        nodeAffinity: { matchExpressions: [{ key: 'node-role.example/none', operator: 'DoesNotExist' }], matchLabels: { zone: 'z-0' } },
      });
      expect(s.metadata.labels).toEqual({ ...c.labels, [Labels.IPPOOL_CIDR]: n.cidrLabel });
      expect(s.metadata.finalizers).toEqual([FINALIZER]);
    },
  }),
  (n) => ({
    title: 'disabled IPv6 pool with only a subnet and explicit ipVersion',
    kind: 'SpiderIPPool',
    operation: 'CREATE',
    object: pool(n.name('p'), { ipVersion: 6, subnet: n.cidr, disable: true }),
    expect: 'allowed',
    check: (s, c) => {
      expect(s.spec).toEqual({ default: false, disable: true, ipVersion: 6, subnet: n.cidr });
      expect(s.metadata.labels).toEqual({ ...c.labels, [Labels.IPPOOL_CIDR]: n.cidrLabel });
      expect(s.metadata.ownerReferences).toBeUndefined();
      expect(s.metadata.finalizers).toEqual([FINALIZER]);
    },
  }),
  (n) => ({
    title: 'pool adopted by the subnet of its CIDR, keeping its own gateway and empty routes',
    kind: 'SpiderIPPool',
    operation: 'CREATE',
    existing: [
      {
        kind: 'SpiderSubnet',
        object: subnet(n.name('s'), {
          subnet: n.cidr,
          ips: [`${n.ip('2')}-${n.ip('ff')}`],
          gateway: n.ip('1'),
          routes: [{ dst: '2001:db8:77::/48', gw: n.ip('1') }],
        }),
      },
    ],
    object: pool(n.name('p'), { subnet: n.cidr, ips: [n.ip('30'), `${n.ip('20')}-${n.ip('2f')}`], gateway: n.ip('fe'), routes: [] }, { labels: { team: 'red' } }),
    expect: 'allowed',
    check: (s, c) => {
      const owner = c.seeded.get(n.name('s'));
      expect(s.metadata.ownerReferences).toEqual([
        { apiVersion: API_VERSION, kind: 'SpiderSubnet', name: n.name('s'), uid: owner?.metadata.uid, controller: true, blockOwnerDeletion: true },
      ]);
      expect(s.metadata.labels).toEqual({
        ...c.labels,
        team: 'red',
        [Labels.IPPOOL_CIDR]: n.cidrLabel,
        [Labels.OWNER_SPIDER_SUBNET]: n.name('s'),
      });
      expect(s.spec).toEqual({ ...poolDefaults, ipVersion: 6, subnet: n.cidr, ips: [`${n.ip('20')}-${n.ip('30')}`], gateway: n.ip('fe'), routes: [] });
      expect(s.metadata.finalizers).toEqual([FINALIZER]);
    },
  }),
  // SpiderIPPool, UPDATE.
  (n) => ({
    title: 'IPv4 pool update that adds IPs and excludeIPs',
    kind: 'SpiderIPPool',
    operation: 'UPDATE',
    object: pool(n.name('p'), { subnet: V4, ips: ['203.0.113.56'] }),
    change: (o) => {
      const spec = o.spec as Record<string, unknown>;
      spec['ips'] = ['203.0.113.58', '203.0.113.56-203.0.113.57'];
      spec['excludeIPs'] = ['203.0.113.58'];
    },
    expect: 'allowed',
    check: (s, c) => {
      expect(s.spec).toEqual({ ...poolDefaults, ipVersion: 4, subnet: V4, ips: ['203.0.113.56-203.0.113.58'], excludeIPs: ['203.0.113.58'] });
      expect(s.metadata.labels).toEqual({ ...c.labels, [Labels.IPPOOL_CIDR]: '203-0-113-0-24' });
      expect(s.metadata.finalizers).toEqual([FINALIZER]);
    },
  }),
  (n) => ({
    title: 'IPv4 pool update of labels only',
    kind: 'SpiderIPPool',
    operation: 'UPDATE',
    object: pool(n.name('p'), { subnet: V4, ips: ['203.0.113.63'] }, { labels: { team: 'red' } }),
    change: (o) => {
      o.metadata.labels = { ...o.metadata.labels, team: 'green', tier: 'edge' };
    },
    expect: 'allowed',
    check: (s, c) => {
      expect(s.metadata.labels).toEqual({ ...c.labels, [Labels.IPPOOL_CIDR]: '203-0-113-0-24', team: 'green', tier: 'edge' });
      expect(s.spec).toEqual({ ...poolDefaults, ipVersion: 4, subnet: V4, ips: ['203.0.113.63'] });
      expect(s.metadata.finalizers).toEqual([FINALIZER]);
    },
  }),
  (n) => ({
    title: 'IPv6 pool update that sets gateway, routes and multusName',
    kind: 'SpiderIPPool',
    operation: 'UPDATE',
    object: pool(n.name('p'), { subnet: n.cidr, ips: [`${n.ip('10')}-${n.ip('20')}`] }),
    change: (o) => {
      const spec = o.spec as Record<string, unknown>;
      spec['gateway'] = n.ip('1');
      spec['routes'] = [{ dst: '2001:db8:77::/48', gw: n.ip('2') }, { dst: '2001:db8:78::/48', gw: n.ip('1') }];
      spec['multusName'] = ['sriov-net'];
      spec['ips'] = [`${n.ip('18')}-${n.ip('28')}`, `${n.ip('10')}-${n.ip('20')}`];
    },
    expect: 'allowed',
    check: (s, c) => {
      expect(s.spec).toEqual({
        ...poolDefaults,
        ipVersion: 6,
        subnet: n.cidr,
        ips: [`${n.ip('10')}-${n.ip('28')}`],
        gateway: n.ip('1'),
        routes: [{ dst: '2001:db8:77::/48', gw: n.ip('2') }, { dst: '2001:db8:78::/48', gw: n.ip('1') }],
        multusName: ['sriov-net'],
      });
      expect(s.metadata.labels).toEqual({ ...c.labels, [Labels.IPPOOL_CIDR]: n.cidrLabel });
      expect(s.metadata.finalizers).toEqual([FINALIZER]);
    },
  }),
  (n) => ({
    title: 'pool adopted on update by a subnet created after it, inheriting gateway and routes',
    kind: 'SpiderIPPool',
    operation: 'UPDATE',
    object: pool(n.name('p'), { subnet: n.cidr, ips: [`${n.ip('40')}-${n.ip('4f')}`] }),
    dependents: [
      {
        kind: 'SpiderSubnet',
        object: subnet(n.name('s'), {
          subnet: n.cidr,
          ips: [`${n.ip('2')}-${n.ip('ff')}`],
          gateway: n.ip('1'),
          routes: [{ dst: '2001:db8:79::/48', gw: n.ip('1') }],
        }),
      },
    ],
    change: (o) => {
      o.metadata.labels = { ...o.metadata.labels, team: 'blue' };
    },
    expect: 'allowed',
    check: (s, c) => {
      const owner = c.seeded.get(n.name('s'));
      expect(s.metadata.ownerReferences).toEqual([
        { apiVersion: API_VERSION, kind: 'SpiderSubnet', name: n.name('s'), uid: owner?.metadata.uid, controller: true, blockOwnerDeletion: true },
      ]);
      expect(s.metadata.labels).toEqual({
        ...c.labels,
        team: 'blue',
        [Labels.IPPOOL_CIDR]: n.cidrLabel,
        [Labels.OWNER_SPIDER_SUBNET]: n.name('s'),
      });
      expect(s.spec).toEqual({
        ...poolDefaults,
        ipVersion: 6,
        subnet: n.cidr,
        ips: [`${n.ip('40')}-${n.ip('4f')}`],
        gateway: n.ip('1'),
        routes: [{ dst: '2001:db8:79::/48', gw: n.ip('1') }],
      });
      expect(s.metadata.finalizers).toEqual([FINALIZER]);
    },
  }),
  // SpiderSubnet.
  (n) => ({
    title: 'IPv6 subnet with explicit ipVersion, excludeIPs merged and ranges sorted',
    kind: 'SpiderSubnet',
    operation: 'CREATE',
    object: subnet(n.name('s'), {
      ipVersion: 6,
      subnet: n.cidr,
      ips: [`${n.ip('100')}-${n.ip('1ff')}`, `${n.ip('2')}-${n.ip('ff')}`, n.ip('ffff')],
      excludeIPs: [n.ip('11'), n.ip('10'), `${n.ip('12')}-${n.ip('13')}`],
    }),
    expect: 'allowed',
    check: (s, c) => {
      expect(s.spec).toEqual({
        ipVersion: 6,
        subnet: n.cidr,
        ips: [`${n.ip('2')}-${n.ip('1ff')}`, n.ip('ffff')],
        excludeIPs: [`${n.ip('10')}-${n.ip('13')}`],
      });
      expect(s.metadata.labels).toEqual({ ...c.labels, [Labels.SUBNET_CIDR]: n.cidrLabel });
      expect(s.metadata.finalizers).toEqual([FINALIZER]);
    },
  }),
  (n) => ({
    title: 'IPv6 subnet with only a subnet',
    kind: 'SpiderSubnet',
    operation: 'CREATE',
    object: subnet(n.name('s'), { subnet: n.cidr }),
    expect: 'allowed',
    check: (s, c) => {
      expect(s.spec).toEqual({ ipVersion: 6, subnet: n.cidr });
      expect(s.metadata.labels).toEqual({ ...c.labels, [Labels.SUBNET_CIDR]: n.cidrLabel });
      expect(s.metadata.finalizers).toEqual([FINALIZER]);
    },
  }),
  (n) => ({
    title: 'subnet update that adds excludeIPs, gateway and routes',
    kind: 'SpiderSubnet',
    operation: 'UPDATE',
    object: subnet(n.name('s'), { subnet: n.cidr, ips: [`${n.ip('1')}-${n.ip('ff')}`] }),
    change: (o) => {
      const spec = o.spec as Record<string, unknown>;
      spec['excludeIPs'] = [n.ip('3'), n.ip('1'), n.ip('2')];
      spec['gateway'] = n.ip('1');
      spec['routes'] = [{ dst: '2001:db8:7a::/48', gw: n.ip('2') }];
    },
    expect: 'allowed',
    check: (s, c) => {
      expect(s.spec).toEqual({
        ipVersion: 6,
        subnet: n.cidr,
        ips: [`${n.ip('1')}-${n.ip('ff')}`],
        excludeIPs: [`${n.ip('1')}-${n.ip('3')}`],
        gateway: n.ip('1'),
        routes: [{ dst: '2001:db8:7a::/48', gw: n.ip('2') }],
      });
      expect(s.metadata.labels).toEqual({ ...c.labels, [Labels.SUBNET_CIDR]: n.cidrLabel });
      expect(s.metadata.finalizers).toEqual([FINALIZER]);
    },
  }),
  (n) => ({
    title: 'subnet update of labels only while lending',
    kind: 'SpiderSubnet',
    operation: 'UPDATE',
    object: subnet(n.name('s'), { subnet: n.cidr, ips: [`${n.ip('1')}-${n.ip('ff')}`] }),
    status: controlled({ [n.name('p')]: [`${n.ip('50')}-${n.ip('60')}`] }),
    change: (o) => {
      o.metadata.labels = { ...o.metadata.labels, site: 'lab-1' };
    },
    expect: 'allowed',
    check: (s, c) => {
      expect(s.metadata.labels).toEqual({ ...c.labels, [Labels.SUBNET_CIDR]: n.cidrLabel, site: 'lab-1' });
      expect(s.spec).toEqual({ ipVersion: 6, subnet: n.cidr, ips: [`${n.ip('1')}-${n.ip('ff')}`] });
      expect(s.status?.['controlledIPPools']).toBe(controlled({ [n.name('p')]: [`${n.ip('50')}-${n.ip('60')}`] })['controlledIPPools']);
      expect(s.metadata.finalizers).toEqual([FINALIZER]);
    },
  }),
  // SpiderReservedIP.
  (n) => ({
    title: 'IPv4 reserved range with explicit ipVersion, merged',
    kind: 'SpiderReservedIP',
    operation: 'CREATE',
    object: reserved(n.name('r'), { ipVersion: 4, ips: ['203.0.113.60', '203.0.113.59', '203.0.113.59-203.0.113.60'] }),
    expect: 'allowed',
    check: (s, c) => {
      expect(s.spec).toEqual({ ipVersion: 4, ips: ['203.0.113.59-203.0.113.60'] });
      expect(s.metadata.labels).toEqual(c.labels);
      expect(s.metadata.finalizers).toBeUndefined();
    },
  }),
  (n) => ({
    title: 'IPv6 reserved addresses in upper case, canonicalised',
    kind: 'SpiderReservedIP',
    operation: 'CREATE',
    object: reserved(n.name('r'), { ips: [n.ip('BEEF').toUpperCase(), n.ip('A').toUpperCase(), `${n.ip('b')}-${n.ip('c')}`] }),
    expect: 'allowed',
    check: (s, c) => {
      expect(s.spec).toEqual({ ipVersion: 6, ips: [`${n.ip('a')}-${n.ip('c')}`, n.ip('beef')] });
      expect(s.metadata.labels).toEqual(c.labels);
      expect(s.metadata.finalizers).toBeUndefined();
    },
  }),
  (n) => ({
    title: 'IPv6 reserved update that adds addresses',
    kind: 'SpiderReservedIP',
    operation: 'UPDATE',
    object: reserved(n.name('r'), { ips: [n.ip('1')] }),
    change: (o) => {
      (o.spec as Record<string, unknown>)['ips'] = [n.ip('3'), n.ip('20'), n.ip('1'), n.ip('2')];
    },
    expect: 'allowed',
    check: (s, c) => {
      expect(s.spec).toEqual({ ipVersion: 6, ips: [`${n.ip('1')}-${n.ip('3')}`, n.ip('20')] });
      expect(s.metadata.labels).toEqual(c.labels);
      expect(s.metadata.finalizers).toBeUndefined();
    },
  }),
];
