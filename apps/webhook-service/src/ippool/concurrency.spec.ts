// SPDX-License-Identifier: Apache-2.0
// Overlap checks under concurrency, without a lock: the cache, claims in one order, the re-check
// after claiming and withdrawals, with the fake context.
import { describe, expect, it } from '@jest/globals';
import type { SpiderIPPool, SpiderSubnet } from '@spiderpool/crds';
import type { AdmissionRequestView, Violation } from '../admission/admission-types.ts';
import { admissionRequest, FakeAdmissionContext } from '../admission/testing/fake-context.ts';
import { CLAIM_TTL_MS, peerView } from './address-claims.ts';
import { ipPoolAdmission, subnetAdmission } from './index.ts';
import { pool, subnet } from './testing/builders.ts';

async function admitPool(req: AdmissionRequestView<SpiderIPPool>, ctx: FakeAdmissionContext): Promise<Violation[]> {
  const object = req.object ? await ipPoolAdmission.mutate!(req, ctx) : undefined;
  return ipPoolAdmission.validate({ ...req, object }, ctx);
}

async function admitSubnet(req: AdmissionRequestView<SpiderSubnet>, ctx: FakeAdmissionContext): Promise<Violation[]> {
  const object = req.object ? await subnetAdmission.mutate!(req, ctx) : undefined;
  return subnetAdmission.validate({ ...req, object }, ctx);
}

const createPool = (name: string, ips: string[], spec: Partial<SpiderIPPool['spec']> = {}) => admissionRequest('CREATE', pool(name, { ips, ...spec }));
const allowed = (results: Violation[][]): number => results.filter((v) => v.length === 0).length;
/** Names of the pools whose addresses are held by claims (withdrawn ones left out). */
const claimedPools = async (ctx: FakeAdmissionContext): Promise<string[]> => (await peerView(ctx, 'SpiderIPPool', undefined)).peers.map((p) => p.name);

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
    // The loser withdrew its claim: only the winner's addresses stay blocked.
    const winner = results[0]?.length === 0 ? 'a' : 'b';
    expect(await claimedPools(ctx)).toEqual([winner]);
  });

  it('refuses the later-recorded of two overlapping admissions, and lets a third take what the loser wanted', async () => {
    for (let round = 0; round < 5; round++) {
      const ctx = new FakeAdmissionContext();
      const [a, b] = await Promise.all([
        admitPool(createPool('a', ['203.0.113.1-203.0.113.20']), ctx),
        admitPool(createPool('b', ['203.0.113.10-203.0.113.30']), ctx),
      ]);
      const claims = ctx.claims.added.filter((c) => c.payload['ips'] !== undefined);
      const loser = a?.length === 0 ? 'b' : 'a';
      if (claims.length === 2) expect(claims[1]?.name).toBe(loser);
      // c overlaps b only: admitted exactly when b lost.
      const c = await admitPool(createPool('c', ['203.0.113.25-203.0.113.40']), ctx);
      expect(c.length === 0).toBe(loser === 'b');
      expect(b?.length === 0).toBe(loser === 'a');
    }
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
    expect(await claimedPools(overlapping)).toHaveLength(1);
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
    expect(await admitPool(admissionRequest('DELETE', undefined, pool('b', { ips: ['203.0.113.5'] })), ctx)).toEqual([]);
    expect((await admitPool(createPool('c', ['203.0.113.5']), ctx)).map((v) => v.id)).toEqual(['ips-overlap-pool']);
    ctx.remove('SpiderIPPool', 'b');
    expect(await admitPool(createPool('c', ['203.0.113.5']), ctx)).toEqual([]);
  });

  it('keeps the claim of an earlier admitted version of a pool until it expires (the update may not be stored yet)', async () => {
    const ctx = new FakeAdmissionContext();
    expect(await admitPool(createPool('a', ['203.0.113.1-203.0.113.20']), ctx)).toEqual([]);
    const shrunk = pool('a', { ips: ['203.0.113.1-203.0.113.10'] });
    expect(await admitPool(admissionRequest('UPDATE', shrunk, pool('a', { ips: ['203.0.113.1-203.0.113.20'] })), ctx)).toEqual([]);
    expect((await admitPool(createPool('b', ['203.0.113.15']), ctx)).map((v) => v.id)).toEqual(['ips-overlap-pool']);
    ctx.claims.now += CLAIM_TTL_MS;
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
      admitSubnet(admissionRequest('CREATE', subnet('a', { ips: ['203.0.113.1-203.0.113.9'] })), ctx),
      admitSubnet(admissionRequest('CREATE', subnet('b', { subnet: '203.0.113.128/25' })), ctx),
    ]);
    expect(allowed(results)).toBe(1);
    expect(results.flat().map((v) => v.id)).toEqual(['subnet-overlaps-subnet']);
  });

  it('allows one of a subnet and a pool of an overlapping, different CIDR admitted at once', async () => {
    for (let round = 0; round < 5; round++) {
      const ctx = new FakeAdmissionContext();
      const results = await Promise.all([
        admitSubnet(admissionRequest('CREATE', subnet('s', { ips: ['203.0.113.1-203.0.113.9'] })), ctx),
        admitPool(createPool('p', ['203.0.113.1'], { subnet: '203.0.113.0/25' }), ctx),
      ]);
      expect(allowed(results)).toBe(1);
    }
  });

  it('sees a pool of its CIDR admitted a moment ago when its ips are shrunk', async () => {
    const ctx = new FakeAdmissionContext();
    const s = subnet('s', { ips: ['203.0.113.1-203.0.113.100'] });
    expect(await admitSubnet(admissionRequest('CREATE', s), ctx)).toEqual([]);
    ctx.put('SpiderSubnet', (await subnetAdmission.mutate!(admissionRequest('CREATE', s), ctx)));
    expect(await admitPool(createPool('p', ['203.0.113.50-203.0.113.60']), ctx)).toEqual([]);
    const shrunk = subnet('s', { ips: ['203.0.113.1-203.0.113.55'] });
    const violations = await admitSubnet(admissionRequest('UPDATE', shrunk, s), ctx);
    expect(violations.map((v) => v.id)).toEqual(['subnet-ips-held-by-pool']);
    expect(violations[0]?.rule).toContain('203.0.113.56-203.0.113.60 to SpiderIPPool p');
  });
});
