// SPDX-License-Identifier: Apache-2.0
// Overlap checks under concurrency: the lock, the cache and claims with the fake context.
import { describe, expect, it } from '@jest/globals';
import type { SpiderIPPool, SpiderSubnet } from '@spiderpool/crds';
import type { AdmissionRequestView, Violation } from '../admission/admission-types.ts';
import { FakeAdmissionContext } from '../admission/testing/fake-context.ts';
import { CLAIM_TTL_MS } from './address-claims.ts';
import { ipPoolAdmission, subnetAdmission } from './index.ts';
import { request } from './testing/admission-case.ts';
import { pool, subnet } from './testing/builders.ts';

async function admitPool(req: AdmissionRequestView<SpiderIPPool>, ctx: FakeAdmissionContext): Promise<Violation[]> {
  const object = req.object ? await ipPoolAdmission.mutate!(req, ctx) : undefined;
  return ipPoolAdmission.validate({ ...req, object }, ctx);
}

async function admitSubnet(req: AdmissionRequestView<SpiderSubnet>, ctx: FakeAdmissionContext): Promise<Violation[]> {
  const object = req.object ? await subnetAdmission.mutate!(req, ctx) : undefined;
  return subnetAdmission.validate({ ...req, object }, ctx);
}

const createPool = (name: string, ips: string[], spec: Partial<SpiderIPPool['spec']> = {}) => request('CREATE', pool(name, { ips, ...spec }));
const allowed = (results: Violation[][]): number => results.filter((v) => v.length === 0).length;

describe('pool overlap under concurrency', () => {
  it('allows exactly one of two overlapping pools admitted at once, and names the winner to the loser', async () => {
    const ctx = new FakeAdmissionContext();
    const results = await Promise.all([
      admitPool(createPool('a', ['203.0.113.1-203.0.113.20']), ctx),
      admitPool(createPool('b', ['203.0.113.10-203.0.113.30']), ctx),
    ]);
    expect(allowed(results)).toBe(1);
    const denied = results.find((v) => v.length > 0) ?? [];
    expect(denied.map((v) => v.id)).toEqual(['ips-overlap-pool']);
    expect(denied[0]?.rule).toMatch(/SpiderIPPool (a|b) \(admitted moments ago\)/);
    expect(ctx.maxConcurrent).toBe(1);
    expect(ctx.exclusiveKeys).toEqual(['ippool-overlap', 'ippool-overlap']);
  });

  it('would allow both without the lock (the test above depends on exclusive)', async () => {
    const ctx = new FakeAdmissionContext({ serialize: false });
    const results = await Promise.all([
      admitPool(createPool('a', ['203.0.113.1-203.0.113.20']), ctx),
      admitPool(createPool('b', ['203.0.113.10-203.0.113.30']), ctx),
    ]);
    expect(allowed(results)).toBe(2);
    expect(ctx.maxConcurrent).toBe(2);
  });

  it('allows all of 100 identical creations (the API server keeps one) and one of 100 overlapping ones', async () => {
    const identical = new FakeAdmissionContext();
    const same = await Promise.all(Array.from({ length: 100 }, () => admitPool(createPool('same', ['203.0.113.1-203.0.113.50']), identical)));
    expect(allowed(same)).toBe(100);

    const overlapping = new FakeAdmissionContext();
    const many = await Promise.all(
      Array.from({ length: 100 }, (_, i) => admitPool(createPool(`p${i}`, [`203.0.113.${i + 1}-203.0.113.200`]), overlapping)),
    );
    expect(allowed(many)).toBe(1);
    expect(overlapping.claims.added.map((c) => c.name)).toHaveLength(1);
  });

  it('sees a pool another replica admitted through its claim while this cache still lags', async () => {
    const ctx = new FakeAdmissionContext().putServerOnly('SpiderIPPool', pool('stored', { ips: ['203.0.113.5'] }));
    // The cache alone does not know the stored pool yet: without a claim it would be missed.
    expect(await admitPool(createPool('new', ['203.0.113.1-203.0.113.9']), ctx)).toEqual([]);
    const other = new FakeAdmissionContext().putServerOnly('SpiderIPPool', pool('stored', { ips: ['203.0.113.5'] }));
    expect(await admitPool(createPool('first', ['203.0.113.5']), other)).toEqual([]);
    const violations = await admitPool(createPool('second', ['203.0.113.1-203.0.113.9']), other);
    expect(violations.map((v) => v.id)).toEqual(['ips-overlap-pool']);
  });

  it('forgets a claim once it expires, and after the claimed pool was deleted', async () => {
    const ctx = new FakeAdmissionContext();
    expect(await admitPool(createPool('a', ['203.0.113.1-203.0.113.9']), ctx)).toEqual([]);
    expect((await admitPool(createPool('b', ['203.0.113.5']), ctx)).map((v) => v.id)).toEqual(['ips-overlap-pool']);
    ctx.claims.now += CLAIM_TTL_MS;
    expect(await admitPool(createPool('b', ['203.0.113.5']), ctx)).toEqual([]);

    // b is stored now; deleting it leaves a tombstone over its claim, so c may take its address
    // as soon as the API server no longer lists b.
    ctx.put('SpiderIPPool', pool('b', { ips: ['203.0.113.5'] }));
    expect(await admitPool(request('DELETE', undefined, pool('b', { ips: ['203.0.113.5'] })), ctx)).toEqual([]);
    expect((await admitPool(createPool('c', ['203.0.113.5']), ctx)).map((v) => v.id)).toEqual(['ips-overlap-pool']);
    ctx.remove('SpiderIPPool', 'b');
    expect(await admitPool(createPool('c', ['203.0.113.5']), ctx)).toEqual([]);
  });

  it('lets the newest claim of a pool replace its older one (an update that shrank it)', async () => {
    const ctx = new FakeAdmissionContext();
    expect(await admitPool(createPool('a', ['203.0.113.1-203.0.113.20']), ctx)).toEqual([]);
    const shrunk = pool('a', { ips: ['203.0.113.1-203.0.113.10'] });
    expect(await admitPool(request('UPDATE', shrunk, pool('a', { ips: ['203.0.113.1-203.0.113.20'] })), ctx)).toEqual([]);
    expect(await admitPool(createPool('b', ['203.0.113.15']), ctx)).toEqual([]);
  });

  it('adds no claim for a dry run or a denied request', async () => {
    const ctx = new FakeAdmissionContext();
    await admitPool({ ...createPool('dry', ['203.0.113.1']), dryRun: true }, ctx);
    await admitPool(createPool('bad', ['203.0.113.1'], { gateway: '203.0.113.1' }), ctx);
    expect(ctx.claims.added).toEqual([]);
    expect(await admitPool(createPool('real', ['203.0.113.1']), ctx)).toEqual([]);
  });
});

describe('subnet overlap under concurrency', () => {
  it('allows exactly one of two overlapping subnets admitted at once', async () => {
    const ctx = new FakeAdmissionContext();
    const results = await Promise.all([
      admitSubnet(request('CREATE', subnet('a', { ips: ['203.0.113.1-203.0.113.9'] })), ctx),
      admitSubnet(request('CREATE', subnet('b', { subnet: '203.0.113.128/25' })), ctx),
    ]);
    expect(allowed(results)).toBe(1);
    expect(results.flat().map((v) => v.id)).toEqual(['subnet-overlaps-subnet']);
    // Subnets take their own lock first, then the pools' one, so pools see them too.
    expect(ctx.exclusiveKeys.filter((k) => k === 'subnet-overlap')).toHaveLength(2);
    expect(ctx.exclusiveKeys.filter((k) => k === 'ippool-overlap')).toHaveLength(2);
  });

  it('allows one of a subnet and a pool of an overlapping, different CIDR admitted at once', async () => {
    for (let round = 0; round < 5; round++) {
      const ctx = new FakeAdmissionContext();
      const results = await Promise.all([
        admitSubnet(request('CREATE', subnet('s', { ips: ['203.0.113.1-203.0.113.9'] })), ctx),
        admitPool(createPool('p', ['203.0.113.1'], { subnet: '203.0.113.0/25' }), ctx),
      ]);
      expect(allowed(results)).toBe(1);
    }
  });

  it('sees a pool of its CIDR admitted a moment ago when its ips are shrunk', async () => {
    const ctx = new FakeAdmissionContext();
    const s = subnet('s', { ips: ['203.0.113.1-203.0.113.100'] });
    expect(await admitSubnet(request('CREATE', s), ctx)).toEqual([]);
    ctx.put('SpiderSubnet', (await subnetAdmission.mutate!(request('CREATE', s), ctx)));
    expect(await admitPool(createPool('p', ['203.0.113.50-203.0.113.60']), ctx)).toEqual([]);
    const shrunk = subnet('s', { ips: ['203.0.113.1-203.0.113.55'] });
    const violations = await admitSubnet(request('UPDATE', shrunk, s), ctx);
    expect(violations.map((v) => v.id)).toEqual(['subnet-ips-held-by-pool']);
    expect(violations[0]?.rule).toContain('203.0.113.56-203.0.113.60 to SpiderIPPool p');
  });
});
