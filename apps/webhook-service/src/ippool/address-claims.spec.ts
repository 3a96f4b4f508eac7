// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { FakeAdmissionContext } from '../admission/testing/fake-context.ts';
import { addressClaim, peerView, tombstoneClaim } from './address-claims.ts';
import { checkAddressSpec } from './address-spec.ts';
import { pool } from './testing/builders.ts';

const compiled = (ips: string[]) => {
  const c = checkAddressSpec({ subnet: '203.0.113.0/24', ipVersion: 4, ips }).compiled;
  if (!c) throw new Error('test spec must compile');
  return c;
};

describe('peerView', () => {
  it('returns stored objects and claims, both kept for one name, without the admitted object', async () => {
    const ctx = new FakeAdmissionContext()
      .put('SpiderIPPool', pool('a', { ips: ['203.0.113.1-203.0.113.9'], excludeIPs: ['203.0.113.5'] }))
      .put('SpiderIPPool', pool('self', { ips: ['203.0.113.100'] }));
    await ctx.claims.add(addressClaim('SpiderIPPool', 'a', compiled(['203.0.113.50'])), 1000);
    await ctx.claims.add(addressClaim('SpiderIPPool', 'self', compiled(['203.0.113.60'])), 1000);
    const view = await peerView(ctx, 'SpiderIPPool', 'self');
    expect(view.stored.map((o) => o.metadata?.name)).toEqual(['a']);
    expect(view.peers.map((p) => [p.name, p.source, p.usable.toRanges()])).toEqual([
      ['a', 'stored', ['203.0.113.1-203.0.113.4', '203.0.113.6-203.0.113.9']],
      ['a', 'claimed', ['203.0.113.50']],
    ]);
  });

  it('drops a claim covered by a tombstone, and payloads it cannot read', async () => {
    const ctx = new FakeAdmissionContext();
    await ctx.claims.add(addressClaim('SpiderIPPool', 'gone', compiled(['203.0.113.1'])), 1000);
    await ctx.claims.add(tombstoneClaim('SpiderIPPool', 'gone'), 1000);
    await ctx.claims.add({ kind: 'SpiderIPPool', name: 'odd', payload: { subnet: 42, ips: 'x' } }, 1000);
    expect((await peerView(ctx, 'SpiderIPPool', undefined)).peers).toEqual([]);
  });

  it('skips stored objects whose subnet cannot be read', async () => {
    const ctx = new FakeAdmissionContext().put('SpiderIPPool', pool('legacy', { subnet: 'garbage', ips: ['203.0.113.1'] }));
    expect((await peerView(ctx, 'SpiderIPPool', undefined)).peers).toEqual([]);
  });
});
