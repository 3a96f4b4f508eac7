// SPDX-License-Identifier: Apache-2.0
// Mutation results, compared with the exact objects the API server must store.
import { describe, expect, it } from '@jest/globals';
import { API_VERSION, FINALIZER, type SpiderIPPool, type SpiderReservedIP, type SpiderSubnet } from '@spiderpool/crds';
import { admissionRequest, FakeAdmissionContext } from '../admission/testing/fake-context.ts';
import { mutateIPPool } from './ippool-mutate.ts';
import { mutateReservedIP } from './reservedip-mutate.ts';
import { mutateSubnet } from './subnet-mutate.ts';
import { pool, reserved, subnet, V4, V6 } from './testing/builders.ts';

const owner = (name: string) => ({
  apiVersion: API_VERSION,
  kind: 'SpiderSubnet',
  name,
  uid: `uid-${name}`,
  controller: true,
  blockOwnerDeletion: true,
});

describe('SpiderIPPool mutation', () => {
  it('adds the finalizer, ipVersion, CIDR label and canonical ranges', async () => {
    const sent = pool('p', {
      ips: ['203.0.113.9', '203.0.113.1-203.0.113.5', '203.0.113.3', '203.0.113.6', '203.0.113.9'],
      excludeIPs: ['203.0.113.4', '203.0.113.2-203.0.113.3'],
    });
    const out = await mutateIPPool(admissionRequest('CREATE', sent), new FakeAdmissionContext());
    expect(out).toEqual({
      apiVersion: API_VERSION,
      kind: 'SpiderIPPool',
      metadata: { name: 'p', finalizers: [FINALIZER], labels: { 'ipam.spidernet.io/ippool-cidr': '203-0-113-0-24' } },
      spec: {
        ipVersion: 4,
        subnet: V4,
        ips: ['203.0.113.1-203.0.113.6', '203.0.113.9'],
        excludeIPs: ['203.0.113.2-203.0.113.4'],
      },
    } satisfies SpiderIPPool);
  });

  it('writes IPv6 entries in canonical form and labels the CIDR with dashes', async () => {
    const sent = pool('p6', { subnet: V6, ips: ['2001:DB8:5E::0010-2001:db8:5e::20', '2001:db8:5e:0:0:0:0:21'] });
    const out = await mutateIPPool(admissionRequest('CREATE', sent), new FakeAdmissionContext());
    expect(out.spec).toEqual({ ipVersion: 6, subnet: V6, ips: ['2001:db8:5e::10-2001:db8:5e::21'] });
    expect(out.metadata?.labels).toEqual({ 'ipam.spidernet.io/ippool-cidr': '2001-db8-5e---64' });
  });

  it('leaves lists it cannot parse as written, for validation to report', async () => {
    const sent = pool('p', { ips: ['203.0.113.9', 'nonsense', '203.0.113.1'] });
    const out = await mutateIPPool(admissionRequest('CREATE', sent), new FakeAdmissionContext());
    expect(out.spec.ips).toEqual(['203.0.113.9', 'nonsense', '203.0.113.1']);
  });

  it('keeps an existing finalizer once and other labels as they are', async () => {
    const sent = pool('p', {}, { finalizers: ['example.com/keep', FINALIZER], labels: { team: 'blue' } });
    const out = await mutateIPPool(admissionRequest('CREATE', sent), new FakeAdmissionContext());
    expect(out.metadata?.finalizers).toEqual(['example.com/keep', FINALIZER]);
    expect(out.metadata?.labels).toEqual({ team: 'blue', 'ipam.spidernet.io/ippool-cidr': '203-0-113-0-24' });
  });

  it('is owned by the SpiderSubnet of its CIDR and inherits its gateway and routes', async () => {
    const ctx = new FakeAdmissionContext()
      .put('SpiderSubnet', subnet('s4', { gateway: '203.0.113.254', routes: [{ dst: '198.51.100.0/24', gw: '203.0.113.254' }] }))
      .put('SpiderSubnet', subnet('s6', { subnet: V6 }));
    const out = await mutateIPPool(admissionRequest('CREATE', pool('p', { ips: ['203.0.113.10'] })), ctx);
    expect(out).toEqual({
      apiVersion: API_VERSION,
      kind: 'SpiderIPPool',
      metadata: {
        name: 'p',
        finalizers: [FINALIZER],
        labels: { 'ipam.spidernet.io/ippool-cidr': '203-0-113-0-24', 'ipam.spidernet.io/owner-spider-subnet': 's4' },
        ownerReferences: [owner('s4')],
      },
      spec: {
        ipVersion: 4,
        subnet: V4,
        ips: ['203.0.113.10'],
        gateway: '203.0.113.254',
        routes: [{ dst: '198.51.100.0/24', gw: '203.0.113.254' }],
      },
    } satisfies SpiderIPPool);
  });

  it('reads the subnets from the cache, and from the API server only right after a subnet of its CIDR was admitted', async () => {
    const ctx = new FakeAdmissionContext().putServerOnly('SpiderSubnet', subnet('s4', { gateway: '203.0.113.254' }));
    // The cache has not seen s4 and no claim says it was just admitted: no LIST, not adopted.
    const before = await mutateIPPool(admissionRequest('CREATE', pool('p', {})), ctx);
    expect(before.metadata?.ownerReferences).toBeUndefined();
    expect(ctx.freshLists).toEqual([]);
    await ctx.claims.add({ kind: 'SpiderSubnet', name: 's4', payload: { subnet: V4, ips: [], at: 0 } }, 30_000);
    const after = await mutateIPPool(admissionRequest('CREATE', pool('p', {})), ctx);
    expect(after.metadata?.ownerReferences).toEqual([owner('s4')]);
    expect(after.spec.gateway).toBe('203.0.113.254');
    expect(ctx.freshLists).toEqual(['SpiderSubnet']);
  });

  it('keeps its own gateway and an explicitly empty route list', async () => {
    const ctx = new FakeAdmissionContext().put(
      'SpiderSubnet',
      subnet('s4', { gateway: '203.0.113.254', routes: [{ dst: '198.51.100.0/24', gw: '203.0.113.254' }] }),
    );
    const out = await mutateIPPool(admissionRequest('CREATE', pool('p', { gateway: '203.0.113.1', routes: [] })), ctx);
    expect(out.spec.gateway).toBe('203.0.113.1');
    expect(out.spec.routes).toEqual([]);
    expect(out.metadata?.ownerReferences).toEqual([owner('s4')]);
  });

  it('is not owned by a subnet of another CIDR', async () => {
    const ctx = new FakeAdmissionContext().put('SpiderSubnet', subnet('wide', { subnet: '203.0.113.0/25' }));
    const out = await mutateIPPool(admissionRequest('CREATE', pool('p', {})), ctx);
    expect(out.metadata?.ownerReferences).toBeUndefined();
    expect(out.metadata?.labels).toEqual({ 'ipam.spidernet.io/ippool-cidr': '203-0-113-0-24' });
  });

  it('replaces a stale controller reference to a re-created subnet but respects another controller kind', async () => {
    const ctx = new FakeAdmissionContext().put('SpiderSubnet', subnet('s4', {}));
    const stale = { ...owner('s4'), uid: 'uid-old' };
    const adopted = await mutateIPPool(admissionRequest('CREATE', pool('p', {}, { ownerReferences: [stale] })), ctx);
    expect(adopted.metadata?.ownerReferences).toEqual([owner('s4')]);

    const foreign = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'uid-web', controller: true };
    const kept = await mutateIPPool(admissionRequest('CREATE', pool('p', {}, { ownerReferences: [foreign] })), ctx);
    expect(kept.metadata?.ownerReferences).toEqual([foreign]);
    expect(kept.metadata?.labels?.['ipam.spidernet.io/owner-spider-subnet']).toBeUndefined();
  });

  it('does not touch a pool being deleted', async () => {
    const terminating = pool('p', { ips: ['203.0.113.9', '203.0.113.1'] }, { deletionTimestamp: new Date(0) });
    const out = await mutateIPPool(admissionRequest('UPDATE', terminating, terminating), new FakeAdmissionContext());
    expect(out).toEqual(terminating);
  });

  it('does not change the request object it was given', async () => {
    const req = admissionRequest('CREATE', pool('p', { ips: ['203.0.113.9', '203.0.113.1'] }));
    const before = structuredClone(req.object);
    await mutateIPPool(req, new FakeAdmissionContext());
    expect(req.object).toEqual(before);
  });
});

describe('SpiderSubnet mutation', () => {
  it('adds the finalizer, ipVersion, CIDR label and canonical ranges', () => {
    const sent = subnet('s', { ips: ['203.0.113.20-203.0.113.30', '203.0.113.1-203.0.113.25'], excludeIPs: ['203.0.113.7', '203.0.113.7'] });
    expect(mutateSubnet(admissionRequest('CREATE', sent))).toEqual({
      apiVersion: API_VERSION,
      kind: 'SpiderSubnet',
      metadata: { name: 's', uid: 'uid-s', finalizers: [FINALIZER], labels: { 'ipam.spidernet.io/subnet-cidr': '203-0-113-0-24' } },
      spec: { ipVersion: 4, subnet: V4, ips: ['203.0.113.1-203.0.113.30'], excludeIPs: ['203.0.113.7'] },
    } satisfies SpiderSubnet);
  });

  it('leaves an unparseable subnet alone apart from the finalizer', () => {
    const out = mutateSubnet(admissionRequest('CREATE', subnet('s', { subnet: 'x', ips: ['203.0.113.2', '203.0.113.1'] })));
    expect(out.spec).toEqual({ subnet: 'x', ips: ['203.0.113.2', '203.0.113.1'] });
    expect(out.metadata?.finalizers).toEqual([FINALIZER]);
    expect(out.metadata?.labels).toBeUndefined();
  });
});

describe('SpiderReservedIP mutation', () => {
  it('derives ipVersion from the first entry and merges the list; no finalizer', () => {
    const sent = reserved('r', { ips: ['2001:db8:5e::9', '2001:db8:5e::1-2001:db8:5e::8'] });
    expect(mutateReservedIP(admissionRequest('CREATE', sent))).toEqual({
      apiVersion: API_VERSION,
      kind: 'SpiderReservedIP',
      metadata: { name: 'r' },
      spec: { ipVersion: 6, ips: ['2001:db8:5e::1-2001:db8:5e::9'] },
    } satisfies SpiderReservedIP);
  });

  it('leaves a list of mixed families as written', () => {
    const out = mutateReservedIP(admissionRequest('CREATE', reserved('r', { ips: ['203.0.113.2', '2001:db8:5e::1'] })));
    expect(out.spec).toEqual({ ipVersion: 4, ips: ['203.0.113.2', '2001:db8:5e::1'] });
  });

  it('leaves an object without addresses unchanged', () => {
    expect(mutateReservedIP(admissionRequest('CREATE', reserved('r', undefined)))).toEqual(reserved('r', undefined));
  });
});

describe('SpiderReservedIP mutation of an unreadable first entry', () => {
  it('adds no ipVersion key at all', () => {
    const out = mutateReservedIP(admissionRequest('CREATE', reserved('r', { ips: ['nope'] })));
    expect(Object.keys(out.spec ?? {})).toEqual(['ips']);
  });
});
