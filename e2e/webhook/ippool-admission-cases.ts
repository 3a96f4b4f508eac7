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
type Spec = Record<string, unknown>;
type Check = NonNullable<E2eCase['check']>;

const kindOf = (object: Obj): Kind => object.kind as Kind;

/** An object created before the one under test (`existing`) or after it (`dependents`), with the status written to it. */
const seed = (object: Obj, status?: Record<string, unknown>): Seed => ({ kind: kindOf(object), object, ...(status ? { status } : {}) });

/** What a case states beside its title, operation and object: the outcome, and any seeds, status, edit and check. */
type Rest = Omit<E2eCase, 'title' | 'kind' | 'operation' | 'object'>;

const request =
  (operation: E2eCase['operation']) =>
  (title: string, object: Obj, rest: Rest): E2eCase => ({ title, kind: kindOf(object), operation, object, ...rest });
/** `object` sent as a CREATE. */
const create = request('CREATE');
/** `object` created, then read back, edited by `change` and written back. */
const update = request('UPDATE');
/** `object` created, then deleted. */
const destroy = request('DELETE');

/** UPDATE edit: these spec fields set. */
const setSpec = (fields: Spec) => (o: Obj): void => {
  Object.assign(o.spec as Spec, fields);
};
/** UPDATE edit: these labels added or changed. */
const setLabels = (labels: Record<string, string>) => (o: Obj): void => {
  o.metadata.labels = { ...o.metadata.labels, ...labels };
};

/** The case's pool `p` in its own /64. */
const ownPool = (n: Net, spec: Spec = {}, extra: Partial<Obj['metadata']> = {}): Obj => pool(n.name('p'), { subnet: n.cidr, ...spec }, extra);
/** The case's subnet `s`: its own /64. */
const ownSubnet = (n: Net, spec: Spec = {}): Obj => subnet(n.name('s'), { subnet: n.cidr, ...spec });
/** An auto-pool of the case's /64, as the subnet controller creates it for Deployment default/web. */
const autoPool = (n: Net, spec: Spec): Obj => pool(n.name('auto'), { subnet: n.cidr, ...spec }, AUTO_META());

const v4Pool = (title: string, spec: Spec, expect: string): Factory => (n) => create(title, pool(n.name('p'), { subnet: V4, ...spec }), { expect });
const v6Pool = (title: string, spec: (n: Net) => Spec, expect: string): Factory => (n) => create(title, ownPool(n, spec(n)), { expect });
const v6Subnet = (title: string, spec: (n: Net) => Spec, expect: string): Factory => (n) => create(title, ownSubnet(n, spec(n)), { expect });
const reservedCase = (title: string, spec: Spec | undefined, expect: string): Factory => (n) => create(title, reserved(n.name('r'), spec), { expect });

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
  (n) => create('auto-pool podAffinity with a foreign key', autoPool(n, { ips: [n.ip('10')], podAffinity: { matchLabels: { app: 'web' } } }), { expect: 'auto-pool-affinity-invalid' }),
  (n) => create('auto-pool as cluster default', autoPool(n, { ips: [n.ip('10')], podAffinity: APP_AFFINITY, default: true }), { expect: 'auto-pool-default' }),
  (n) => create('auto-pool without a subnet', autoPool(n, { ips: [n.ip('10')], podAffinity: APP_AFFINITY }), { expect: 'auto-pool-without-subnet' }),
  (n) =>
    create('auto-pool ips unlike the subnet record', autoPool(n, { ips: [`${n.ip('10')}-${n.ip('12')}`], podAffinity: APP_AFFINITY }), {
      existing: [seed(ownSubnet(n, { ips: [`${n.ip('1')}-${n.ip('ff')}`] }), controlled({ [n.name('auto')]: [n.ip('10')] }))],
      expect: 'auto-pool-ips-mismatch',
    }),
  (n) =>
    create('ips overlapping another pool', ownPool(n, { ips: [`${n.ip('10')}-${n.ip('20')}`] }), {
      existing: [seed(pool(n.name('other'), { subnet: n.cidr, ips: [`${n.ip('20')}-${n.ip('30')}`] }))],
      expect: 'ips-overlap-pool',
    }),
  (n) =>
    create('subnet overlapping a pool of another CIDR', pool(n.name('p'), { subnet: n.cidr.replace('/64', '/80') }), {
      existing: [seed(pool(n.name('wide'), { subnet: n.cidr }))],
      expect: 'subnet-overlaps-pool',
    }),
  (n) =>
    create('pool inside a SpiderSubnet of another CIDR', pool(n.name('p'), { subnet: n.cidr.replace('/64', '/80') }), {
      existing: [seed(ownSubnet(n))],
      expect: 'subnet-overlaps-subnet',
    }),
  (n) =>
    create('ips beyond the owning subnet', ownPool(n, { ips: [`${n.ip('60')}-${n.ip('70')}`] }), {
      existing: [seed(ownSubnet(n, { ips: [`${n.ip('1')}-${n.ip('50')}`] }))],
      expect: 'ips-outside-owner-subnet',
    }),
  (n) => update('subnet changed', ownPool(n, { ips: [n.ip('10')] }), { change: setSpec({ subnet: n.cidr.replace('/64', '/65') }), expect: 'subnet-immutable' }),
  (n) => update('ipVersion changed', ownPool(n, { ips: [n.ip('10')] }), { change: setSpec({ ipVersion: 4 }), expect: 'ipversion-immutable' }),
  (n) =>
    update('in-use address removed from ips', ownPool(n, { ips: [`${n.ip('1')}-${n.ip('a')}`] }), {
      status: allocated(n.ip('5')),
      change: setSpec({ ips: [`${n.ip('6')}-${n.ip('a')}`] }),
      expect: 'in-use-ip-removed',
    }),
  (n) =>
    update('in-use address excluded', ownPool(n, { ips: [`${n.ip('1')}-${n.ip('a')}`] }), {
      status: allocated(n.ip('5')),
      change: setSpec({ excludeIPs: [n.ip('5')] }),
      expect: 'in-use-ip-removed',
    }),
  (n) =>
    update('spec edited while terminating', ownPool(n, { ips: [`${n.ip('1')}-${n.ip('a')}`] }), {
      terminate: true,
      change: setSpec({ ips: [`${n.ip('1')}-${n.ip('f')}`] }),
      expect: 'terminating-update',
    }),
  (n) => destroy('delete with allocated IPs', ownPool(n, { ips: [`${n.ip('1')}-${n.ip('a')}`] }), { status: allocated(n.ip('5')), expect: 'delete-in-use' }),
  // SpiderSubnet.
  v6Subnet('IPv6 subnet in upper case', (n) => ({ subnet: n.cidr.toUpperCase() }), 'subnet-not-canonical'),
  v6Subnet('ips outside the subnet', () => ({ ips: ['2001:db8:ffff::1'] }), 'range-outside-subnet'),
  v6Subnet('gateway among the ips', (n) => ({ ips: [`${n.ip('1')}-${n.ip('9')}`], gateway: n.ip('1') }), 'gateway-in-ips'),
  v6Subnet('route gw outside the subnet', () => ({ routes: [{ dst: '2001:db8:77::/48', gw: '2001:db8:ffff::1' }] }), 'route-gw-outside-subnet'),
  (n) =>
    create('subnet overlapping another subnet', ownSubnet(n), {
      existing: [seed(subnet(n.name('other'), { subnet: n.cidr.replace('/64', '/80') }))],
      expect: 'subnet-overlaps-subnet',
    }),
  (n) =>
    create('subnet overlapping a pool of another CIDR', ownSubnet(n), {
      existing: [seed(pool(n.name('p'), { subnet: n.cidr.replace('/64', '/80') }))],
      expect: 'subnet-overlaps-pool',
    }),
  (n) =>
    create('subnet not covering a pool of its CIDR', ownSubnet(n, { ips: [`${n.ip('1')}-${n.ip('99')}`] }), {
      existing: [seed(ownPool(n, { ips: [`${n.ip('90')}-${n.ip('a0')}`] }))],
      expect: 'subnet-ips-held-by-pool',
    }),
  (n) =>
    update('subnet shrunk below a recorded loan', ownSubnet(n, { ips: [`${n.ip('1')}-${n.ip('ff')}`] }), {
      status: controlled({ [n.name('p')]: [`${n.ip('50')}-${n.ip('60')}`] }),
      change: setSpec({ ips: [`${n.ip('1')}-${n.ip('55')}`] }),
      expect: 'subnet-ips-held-by-pool',
    }),
  (n) => update('subnet changed', ownSubnet(n), { change: setSpec({ subnet: n.cidr.replace('/64', '/65') }), expect: 'subnet-immutable' }),
  (n) =>
    destroy('delete a subnet that owns a pool', ownSubnet(n, { ips: [`${n.ip('1')}-${n.ip('ff')}`] }), {
      dependents: [seed(ownPool(n, { ips: [n.ip('10')] }))],
      expect: 'delete-in-use',
    }),
  // SpiderReservedIP.
  reservedCase('empty ips', { ips: [] }, 'ips-required'),
  reservedCase('no spec', undefined, 'ips-required'),
  reservedCase('first entry unreadable, no ipVersion', { ips: ['nope'] }, 'ipversion-required'),
  reservedCase('entry that is no address', { ipVersion: 4, ips: ['203.0.113.1', 'x'] }, 'range-invalid'),
  reservedCase('IPv6 entry with ipVersion 4', { ipVersion: 4, ips: ['2001:db8::1'] }, 'range-wrong-family'),
  reservedCase('reversed range', { ips: ['203.0.113.9-203.0.113.1'] }, 'range-reversed'),
  (n) =>
    update('reserved ipVersion changed', reserved(n.name('r'), { ips: [n.ip('1')] }), {
      change: (o) => {
        o.spec = { ipVersion: 4, ips: ['203.0.113.1'] };
      },
      expect: 'ipversion-immutable',
    }),
];

/**
 * What an allowed write must read back as. `spec` is the whole stored spec; the labels must be
 * exactly the run's own, `labels` and those the webhook sets (the CIDR label, and the owner label
 * of an owned pool); the finalizer is ours on pools and subnets, none on reserved IPs. A field
 * below left out is not checked.
 */
interface StoredForm {
  spec: Spec;
  labels?: Record<string, string> | undefined;
  /** The SpiderSubnet (seeded for the case) that must control the pool; `null`: no owner reference at all. */
  ownedBy?: string | null;
  annotations?: Record<string, string> | undefined;
  /** Status fields that must come back unchanged (string-equal). */
  status?: Record<string, unknown>;
}

const ownerReference = (name: string, c: CheckContext): Record<string, unknown> => ({
  apiVersion: API_VERSION,
  kind: 'SpiderSubnet',
  name,
  uid: c.seeded.get(name)?.metadata.uid,
  controller: true,
  blockOwnerDeletion: true,
});

const storedAs =
  (form: StoredForm, webhookLabels: Record<string, string>, finalizers: string[] | undefined): Check =>
  (s, c) => {
    expect(s.spec).toEqual(form.spec);
    expect(s.metadata.labels).toEqual({ ...c.labels, ...form.labels, ...webhookLabels });
    if (finalizers) expect(s.metadata.finalizers).toEqual(finalizers);
    else expect(s.metadata.finalizers).toBeUndefined();
    if (form.ownedBy === null) expect(s.metadata.ownerReferences).toBeUndefined();
    else if (form.ownedBy !== undefined) expect(s.metadata.ownerReferences).toEqual([ownerReference(form.ownedBy, c)]);
    if (form.annotations) expect(s.metadata.annotations).toEqual(form.annotations);
    for (const [key, value] of Object.entries(form.status ?? {})) expect(s.status?.[key]).toBe(value);
  };

/** A stored SpiderIPPool whose CIDR label is `cidrLabel`. */
const storedPool = (cidrLabel: string, form: StoredForm): Check =>
  storedAs(form, { [Labels.IPPOOL_CIDR]: cidrLabel, ...(form.ownedBy ? { [Labels.OWNER_SPIDER_SUBNET]: form.ownedBy } : {}) }, [FINALIZER]);
/** A stored SpiderSubnet whose CIDR label is `cidrLabel`. */
const storedSubnet = (cidrLabel: string, form: StoredForm): Check => storedAs(form, { [Labels.SUBNET_CIDR]: cidrLabel }, [FINALIZER]);
/** A stored SpiderReservedIP: no label of its own, no finalizer. */
const storedReserved = (spec: Spec): Check => storedAs({ spec }, {}, undefined);

const poolDefaults = { default: false, disable: false };
/** The CIDR label of `V4`. */
const V4_LABEL = '203-0-113-0-24';

export const VALID: Factory[] = [
  (n) =>
    create('IPv4 pool, ranges merged', pool(n.name('p'), { subnet: V4, ips: ['203.0.113.43', '203.0.113.41-203.0.113.42', '203.0.113.42'] }), {
      expect: 'allowed',
      check: storedPool(V4_LABEL, { spec: { ...poolDefaults, ipVersion: 4, subnet: V4, ips: ['203.0.113.41-203.0.113.43'] } }),
    }),
  (n) =>
    create(
      'IPv6 pool, unsorted duplicates merged, gateway excluded',
      ownPool(n, { ips: [n.ip('20'), `${n.ip('1')}-${n.ip('10')}`, n.ip('5'), n.ip('11')], excludeIPs: [n.ip('1')], gateway: n.ip('1') }),
      {
        expect: 'allowed',
        check: storedPool(n.cidrLabel, {
          spec: { ...poolDefaults, ipVersion: 6, subnet: n.cidr, ips: [`${n.ip('1')}-${n.ip('11')}`, n.ip('20')], excludeIPs: [n.ip('1')], gateway: n.ip('1') },
        }),
      },
    ),
  (n) => {
    // Stored as sent, beside the defaults and the derived ipVersion.
    const sent = {
      ips: [n.ip('10')],
      routes: [{ dst: '2001:db8:77::/48', gw: n.ip('1') }],
      podAffinity: { matchLabels: { 'app.kubernetes.io/name': 'web' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] },
      namespaceAffinity: { matchExpressions: [{ key: 'team', operator: 'Exists' }] },
      nodeName: ['node-1.example'],
      multusName: ['kube-system/macvlan', 'ipvlan'],
    };
    return create('IPv6 pool with routes, affinities and name lists', ownPool(n, sent), {
      expect: 'allowed',
      check: storedPool(n.cidrLabel, { spec: { ...poolDefaults, ipVersion: 6, subnet: n.cidr, ...sent } }),
    });
  },
  (n) =>
    create('pool adopted by the subnet of its CIDR, inheriting gateway and routes', ownPool(n, { ips: [`${n.ip('10')}-${n.ip('20')}`] }), {
      existing: [
        seed(ownSubnet(n, { ips: [`${n.ip('1')}-${n.ip('ff')}`], excludeIPs: [n.ip('fe')], gateway: n.ip('fe'), routes: [{ dst: '2001:db8:77::/48', gw: n.ip('fe') }] })),
      ],
      expect: 'allowed',
      check: storedPool(n.cidrLabel, {
        spec: { ...poolDefaults, ipVersion: 6, subnet: n.cidr, ips: [`${n.ip('10')}-${n.ip('20')}`], gateway: n.ip('fe'), routes: [{ dst: '2001:db8:77::/48', gw: n.ip('fe') }] },
        ownedBy: n.name('s'),
      }),
    }),
  (n) =>
    create('pool beside a disjoint pool of the same CIDR', ownPool(n, { ips: [`${n.ip('10')}-${n.ip('20')}`] }), {
      existing: [seed(pool(n.name('other'), { subnet: n.cidr, ips: [`${n.ip('21')}-${n.ip('30')}`] }))],
      expect: 'allowed',
      check: storedPool(n.cidrLabel, { spec: { ...poolDefaults, ipVersion: 6, subnet: n.cidr, ips: [`${n.ip('10')}-${n.ip('20')}`] }, ownedBy: null }),
    }),
  (n) =>
    create('auto-pool matching its subnet record', autoPool(n, { ips: [`${n.ip('10')}-${n.ip('12')}`], podAffinity: APP_AFFINITY }), {
      existing: [seed(ownSubnet(n, { ips: [`${n.ip('1')}-${n.ip('ff')}`] }), controlled({ [n.name('auto')]: [`${n.ip('10')}-${n.ip('12')}`] }))],
      expect: 'allowed',
      check: storedPool(n.cidrLabel, {
        spec: { ...poolDefaults, ipVersion: 6, subnet: n.cidr, ips: [`${n.ip('10')}-${n.ip('12')}`], podAffinity: APP_AFFINITY },
        labels: AUTO_META().labels,
        ownedBy: n.name('s'),
        annotations: AUTO_META().annotations,
      }),
    }),
  (n) =>
    update('ips grown while in use', ownPool(n, { ips: [`${n.ip('1')}-${n.ip('a')}`] }), {
      status: allocated(n.ip('5')),
      change: setSpec({ ips: [n.ip('30'), `${n.ip('1')}-${n.ip('14')}`] }),
      expect: 'allowed',
      check: storedPool(n.cidrLabel, { spec: { ...poolDefaults, ipVersion: 6, subnet: n.cidr, ips: [`${n.ip('1')}-${n.ip('14')}`, n.ip('30')] } }),
    }),
  (n) =>
    update('labels changed on a pool in use', ownPool(n, { ips: [`${n.ip('1')}-${n.ip('a')}`] }), {
      status: allocated(n.ip('5')),
      change: setLabels({ team: 'blue' }),
      expect: 'allowed',
      check: storedPool(n.cidrLabel, { spec: { ...poolDefaults, ipVersion: 6, subnet: n.cidr, ips: [`${n.ip('1')}-${n.ip('a')}`] }, labels: { team: 'blue' } }),
    }),
  (n) => destroy('delete of an unused pool (it waits for its finalizer)', ownPool(n, { ips: [`${n.ip('1')}-${n.ip('a')}`] }), { expect: 'allowed' }),
  (n) =>
    create(
      'IPv6 subnet with gateway and routes',
      ownSubnet(n, { ips: [`${n.ip('20')}-${n.ip('ff')}`, `${n.ip('10')}-${n.ip('1f')}`], gateway: n.ip('1'), routes: [{ dst: '2001:db8:77::/48', gw: n.ip('1') }] }),
      {
        expect: 'allowed',
        check: storedSubnet(n.cidrLabel, {
          spec: { ipVersion: 6, subnet: n.cidr, ips: [`${n.ip('10')}-${n.ip('ff')}`], gateway: n.ip('1'), routes: [{ dst: '2001:db8:77::/48', gw: n.ip('1') }] },
        }),
      },
    ),
  (n) =>
    create('subnet over an existing pool of its CIDR', ownSubnet(n, { ips: [`${n.ip('1')}-${n.ip('ff')}`] }), {
      existing: [seed(ownPool(n, { ips: [`${n.ip('20')}-${n.ip('30')}`] }))],
      expect: 'allowed',
      check: storedSubnet(n.cidrLabel, { spec: { ipVersion: 6, subnet: n.cidr, ips: [`${n.ip('1')}-${n.ip('ff')}`] } }),
    }),
  (n) =>
    update('subnet grown while lending', ownSubnet(n, { ips: [`${n.ip('1')}-${n.ip('ff')}`] }), {
      status: controlled({ [n.name('p')]: [`${n.ip('50')}-${n.ip('60')}`] }),
      change: setSpec({ ips: [`${n.ip('1')}-${n.ip('1ff')}`] }),
      expect: 'allowed',
      check: storedSubnet(n.cidrLabel, { spec: { ipVersion: 6, subnet: n.cidr, ips: [`${n.ip('1')}-${n.ip('1ff')}`] } }),
    }),
  (n) =>
    create('IPv4 reserved addresses, merged', reserved(n.name('r'), { ips: ['203.0.113.9', '203.0.113.1-203.0.113.3', '203.0.113.2'] }), {
      expect: 'allowed',
      check: storedReserved({ ipVersion: 4, ips: ['203.0.113.1-203.0.113.3', '203.0.113.9'] }),
    }),
  (n) =>
    create('IPv6 reserved range, ipVersion derived', reserved(n.name('r'), { ips: [n.ip('9'), `${n.ip('1')}-${n.ip('8')}`] }), {
      expect: 'allowed',
      check: storedReserved({ ipVersion: 6, ips: [`${n.ip('1')}-${n.ip('9')}`] }),
    }),
  // SpiderIPPool, CREATE.
  (n) =>
    create(
      'IPv4 pool with gateway, routes and excludeIPs, ranges merged',
      pool(n.name('p'), {
        subnet: V4,
        ips: ['203.0.113.52-203.0.113.54', '203.0.113.50-203.0.113.51', '203.0.113.53'],
        excludeIPs: ['203.0.113.54', '203.0.113.54'],
        gateway: '203.0.113.1',
        routes: [{ dst: '198.51.100.0/24', gw: '203.0.113.1' }],
      }),
      {
        expect: 'allowed',
        check: storedPool(V4_LABEL, {
          spec: {
            ...poolDefaults,
            ipVersion: 4,
            subnet: V4,
            ips: ['203.0.113.50-203.0.113.54'],
            excludeIPs: ['203.0.113.54'],
            gateway: '203.0.113.1',
            routes: [{ dst: '198.51.100.0/24', gw: '203.0.113.1' }],
          },
        }),
      },
    ),
  (n) => {
    // Stored as sent but for the ips, beside the defaults.
    const sent = {
      ipVersion: 4,
      subnet: V4,
      nodeName: ['worker-a', 'worker-b.example'],
      multusName: ['kube-system/macvlan-eth0'],
      podAffinity: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }] },
    };
    return create('IPv4 pool with explicit ipVersion, nodeName, multusName and podAffinity', pool(n.name('p'), { ...sent, ips: ['203.0.113.62', '203.0.113.61'] }), {
      expect: 'allowed',
      check: storedPool(V4_LABEL, { spec: { ...poolDefaults, ...sent, ips: ['203.0.113.61-203.0.113.62'] } }),
    });
  },
  (n) =>
    create(
      'IPv6 pool, upper-case and expanded ranges canonicalised, merged and sorted',
      ownPool(n, {
        ips: [n.ip('1:0').toUpperCase(), `${n.ip('a0')}-${n.ip('af')}`, n.ip('B0').toUpperCase(), `${n.ip('5')}-${n.ip('9')}`.replace(/::/g, ':0:0:0:')],
        excludeIPs: [n.ip('A5').toUpperCase(), n.ip('a4')],
      }),
      {
        expect: 'allowed',
        check: storedPool(n.cidrLabel, {
          spec: {
            ...poolDefaults,
            ipVersion: 6,
            subnet: n.cidr,
            ips: [`${n.ip('5')}-${n.ip('9')}`, `${n.ip('a0')}-${n.ip('b0')}`, n.ip('1:0')],
            excludeIPs: [`${n.ip('a4')}-${n.ip('a5')}`],
          },
        }),
      },
    ),
  (n) => {
    // Scoped to a namespace and nodes that do not exist: no allocation of another test picks it.
    // Stored as sent, beside `disable: false` and the derived ipVersion.
    const sent = {
      subnet: n.cidr,
      ips: [`${n.ip('10')}-${n.ip('1f')}`],
      default: true,
      namespaceName: ['ipa-nowhere'],
      namespaceAffinity: { matchLabels: { 'kubernetes.io/metadata.name': 'ipa-nowhere' } },
      nodeAffinity: { matchExpressions: [{ key: 'node-role.example/none', operator: 'DoesNotExist' }], matchLabels: { zone: 'z-0' } },
    };
    return create('IPv6 cluster-default pool with namespace and node affinities', pool(n.name('p'), sent), {
      expect: 'allowed',
      check: storedPool(n.cidrLabel, { spec: { ...sent, disable: false, ipVersion: 6 } }),
    });
  },
  (n) =>
    create('disabled IPv6 pool with only a subnet and explicit ipVersion', pool(n.name('p'), { ipVersion: 6, subnet: n.cidr, disable: true }), {
      expect: 'allowed',
      check: storedPool(n.cidrLabel, { spec: { default: false, disable: true, ipVersion: 6, subnet: n.cidr }, ownedBy: null }),
    }),
  (n) =>
    create(
      'pool adopted by the subnet of its CIDR, keeping its own gateway and empty routes',
      ownPool(n, { ips: [n.ip('30'), `${n.ip('20')}-${n.ip('2f')}`], gateway: n.ip('fe'), routes: [] }, { labels: { team: 'red' } }),
      {
        existing: [seed(ownSubnet(n, { ips: [`${n.ip('2')}-${n.ip('ff')}`], gateway: n.ip('1'), routes: [{ dst: '2001:db8:77::/48', gw: n.ip('1') }] }))],
        expect: 'allowed',
        check: storedPool(n.cidrLabel, {
          spec: { ...poolDefaults, ipVersion: 6, subnet: n.cidr, ips: [`${n.ip('20')}-${n.ip('30')}`], gateway: n.ip('fe'), routes: [] },
          labels: { team: 'red' },
          ownedBy: n.name('s'),
        }),
      },
    ),
  // SpiderIPPool, UPDATE.
  (n) =>
    update('IPv4 pool update that adds IPs and excludeIPs', pool(n.name('p'), { subnet: V4, ips: ['203.0.113.56'] }), {
      change: setSpec({ ips: ['203.0.113.58', '203.0.113.56-203.0.113.57'], excludeIPs: ['203.0.113.58'] }),
      expect: 'allowed',
      check: storedPool(V4_LABEL, { spec: { ...poolDefaults, ipVersion: 4, subnet: V4, ips: ['203.0.113.56-203.0.113.58'], excludeIPs: ['203.0.113.58'] } }),
    }),
  (n) =>
    update('IPv4 pool update of labels only', pool(n.name('p'), { subnet: V4, ips: ['203.0.113.63'] }, { labels: { team: 'red' } }), {
      change: setLabels({ team: 'green', tier: 'edge' }),
      expect: 'allowed',
      check: storedPool(V4_LABEL, { spec: { ...poolDefaults, ipVersion: 4, subnet: V4, ips: ['203.0.113.63'] }, labels: { team: 'green', tier: 'edge' } }),
    }),
  (n) => {
    // Kept as set, beside the merged ips.
    const added = {
      gateway: n.ip('1'),
      routes: [{ dst: '2001:db8:77::/48', gw: n.ip('2') }, { dst: '2001:db8:78::/48', gw: n.ip('1') }],
      multusName: ['sriov-net'],
    };
    return update('IPv6 pool update that sets gateway, routes and multusName', ownPool(n, { ips: [`${n.ip('10')}-${n.ip('20')}`] }), {
      change: setSpec({ ...added, ips: [`${n.ip('18')}-${n.ip('28')}`, `${n.ip('10')}-${n.ip('20')}`] }),
      expect: 'allowed',
      check: storedPool(n.cidrLabel, { spec: { ...poolDefaults, ipVersion: 6, subnet: n.cidr, ips: [`${n.ip('10')}-${n.ip('28')}`], ...added } }),
    });
  },
  (n) =>
    update('pool adopted on update by a subnet created after it, inheriting gateway and routes', ownPool(n, { ips: [`${n.ip('40')}-${n.ip('4f')}`] }), {
      dependents: [seed(ownSubnet(n, { ips: [`${n.ip('2')}-${n.ip('ff')}`], gateway: n.ip('1'), routes: [{ dst: '2001:db8:79::/48', gw: n.ip('1') }] }))],
      change: setLabels({ team: 'blue' }),
      expect: 'allowed',
      check: storedPool(n.cidrLabel, {
        spec: { ...poolDefaults, ipVersion: 6, subnet: n.cidr, ips: [`${n.ip('40')}-${n.ip('4f')}`], gateway: n.ip('1'), routes: [{ dst: '2001:db8:79::/48', gw: n.ip('1') }] },
        labels: { team: 'blue' },
        ownedBy: n.name('s'),
      }),
    }),
  // SpiderSubnet.
  (n) =>
    create(
      'IPv6 subnet with explicit ipVersion, excludeIPs merged and ranges sorted',
      ownSubnet(n, {
        ipVersion: 6,
        ips: [`${n.ip('100')}-${n.ip('1ff')}`, `${n.ip('2')}-${n.ip('ff')}`, n.ip('ffff')],
        excludeIPs: [n.ip('11'), n.ip('10'), `${n.ip('12')}-${n.ip('13')}`],
      }),
      {
        expect: 'allowed',
        check: storedSubnet(n.cidrLabel, {
          spec: { ipVersion: 6, subnet: n.cidr, ips: [`${n.ip('2')}-${n.ip('1ff')}`, n.ip('ffff')], excludeIPs: [`${n.ip('10')}-${n.ip('13')}`] },
        }),
      },
    ),
  (n) => create('IPv6 subnet with only a subnet', ownSubnet(n), { expect: 'allowed', check: storedSubnet(n.cidrLabel, { spec: { ipVersion: 6, subnet: n.cidr } }) }),
  (n) =>
    update('subnet update that adds excludeIPs, gateway and routes', ownSubnet(n, { ips: [`${n.ip('1')}-${n.ip('ff')}`] }), {
      change: setSpec({ excludeIPs: [n.ip('3'), n.ip('1'), n.ip('2')], gateway: n.ip('1'), routes: [{ dst: '2001:db8:7a::/48', gw: n.ip('2') }] }),
      expect: 'allowed',
      check: storedSubnet(n.cidrLabel, {
        spec: {
          ipVersion: 6,
          subnet: n.cidr,
          ips: [`${n.ip('1')}-${n.ip('ff')}`],
          excludeIPs: [`${n.ip('1')}-${n.ip('3')}`],
          gateway: n.ip('1'),
          routes: [{ dst: '2001:db8:7a::/48', gw: n.ip('2') }],
        },
      }),
    }),
  (n) => {
    const loans = controlled({ [n.name('p')]: [`${n.ip('50')}-${n.ip('60')}`] });
    return update('subnet update of labels only while lending', ownSubnet(n, { ips: [`${n.ip('1')}-${n.ip('ff')}`] }), {
      status: loans,
      change: setLabels({ site: 'lab-1' }),
      expect: 'allowed',
      check: storedSubnet(n.cidrLabel, {
        spec: { ipVersion: 6, subnet: n.cidr, ips: [`${n.ip('1')}-${n.ip('ff')}`] },
        labels: { site: 'lab-1' },
        status: { controlledIPPools: loans['controlledIPPools'] },
      }),
    });
  },
  // SpiderReservedIP.
  (n) =>
    create('IPv4 reserved range with explicit ipVersion, merged', reserved(n.name('r'), { ipVersion: 4, ips: ['203.0.113.60', '203.0.113.59', '203.0.113.59-203.0.113.60'] }), {
      expect: 'allowed',
      check: storedReserved({ ipVersion: 4, ips: ['203.0.113.59-203.0.113.60'] }),
    }),
  (n) =>
    create('IPv6 reserved addresses in upper case, canonicalised', reserved(n.name('r'), { ips: [n.ip('BEEF').toUpperCase(), n.ip('A').toUpperCase(), `${n.ip('b')}-${n.ip('c')}`] }), {
      expect: 'allowed',
      check: storedReserved({ ipVersion: 6, ips: [`${n.ip('a')}-${n.ip('c')}`, n.ip('beef')] }),
    }),
  (n) =>
    update('IPv6 reserved update that adds addresses', reserved(n.name('r'), { ips: [n.ip('1')] }), {
      change: setSpec({ ips: [n.ip('3'), n.ip('20'), n.ip('1'), n.ip('2')] }),
      expect: 'allowed',
      check: storedReserved({ ipVersion: 6, ips: [`${n.ip('1')}-${n.ip('3')}`, n.ip('20')] }),
    }),
];
