// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { isSpiderpoolError } from '@spiderpool/errors';
import { parseIp } from '../ip/ip-address.ts';
import { IpSet } from '../ip/ip-set.ts';
import { compilePool, freeCount } from './pool-view.ts';

const v = (text: string) => parseIp(text, 'test').value;

function errorOf(fn: () => unknown): Error & { code?: string; field?: string } {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a throw');
}

describe('compilePool', () => {
  it('computes usable = ips − excludeIPs clipped to the subnet', () => {
    const pool = compilePool({
      name: 'p4',
      subnet: '192.0.2.0/28',
      ips: ['192.0.2.1-192.0.2.20', '198.51.100.1'],
      excludeIPs: ['192.0.2.2', '192.0.2.5-192.0.2.6'],
      gateway: '192.0.2.14',
    });
    expect(pool.name).toBe('p4');
    expect(pool.version).toBe(4);
    expect(pool.subnet).toEqual({ version: 4, network: v('192.0.2.0'), prefix: 28 });
    expect(pool.usable.toRanges()).toEqual(['192.0.2.1', '192.0.2.3-192.0.2.4', '192.0.2.7-192.0.2.15']);
    expect(pool.total).toBe(12);
    expect(pool.gateway).toEqual({ version: 4, value: v('192.0.2.14') });
  });

  it('has no usable address without ips, and takes the family from the subnet', () => {
    const pool = compilePool({ name: 'p6', subnet: '2001:db8::/64' });
    expect(pool.version).toBe(6);
    expect(pool.usable.isEmpty()).toBe(true);
    expect(pool.total).toBe(0);
    expect(pool.gateway).toBeUndefined();
  });

  it('caps total for a /64 and works on /32 and /128 pools', () => {
    expect(compilePool({ name: 'big', subnet: '2001:db8::/64', ips: ['2001:db8::-2001:db8::ffff:ffff:ffff:ffff'] }).total).toBe(
      Number.MAX_SAFE_INTEGER,
    );
    expect(compilePool({ name: 'one4', subnet: '192.0.2.7/32', ips: ['192.0.2.7'] }).total).toBe(1);
    expect(compilePool({ name: 'one6', ipVersion: 6, subnet: '2001:db8::7/128', ips: ['2001:db8::7', '2001:db8::8'] }).total).toBe(1);
  });

  it('accepts a v4-mapped IPv6 spelling in an IPv6 pool', () => {
    const pool = compilePool({ name: 'm', subnet: '::ffff:192.0.2.0/120', ips: ['::ffff:192.0.2.1-::ffff:192.0.2.2'] });
    expect(pool.version).toBe(6);
    expect(pool.usable.toRanges()).toEqual(['::ffff:c000:201-::ffff:c000:202']);
  });

  it.each([
    [{ subnet: '192.0.2.0/33' }, 'spec.subnet'],
    [{ subnet: 'nope' }, 'spec.subnet'],
    [{ subnet: '192.0.2.0/24', ipVersion: 6 as const }, 'spec.subnet'],
    [{ subnet: '192.0.2.0/24', ips: ['192.0.2.1', 'x'] }, 'spec.ips[1]'],
    [{ subnet: '192.0.2.0/24', ips: ['2001:db8::1'] }, 'spec.ips[0]'],
    [{ subnet: '192.0.2.0/24', excludeIPs: ['192.0.2.9-192.0.2.1'] }, 'spec.excludeIPs[0]'],
    [{ subnet: '192.0.2.0/24', gateway: '192.0.2.256' }, 'spec.gateway'],
    [{ subnet: '192.0.2.0/24', gateway: '2001:db8::1' }, 'spec.gateway'],
  ])('rejects %j naming %s', (spec, field) => {
    const err = errorOf(() => compilePool({ name: 'bad', ...spec }));
    expect(isSpiderpoolError(err, 'INVALID_INPUT')).toBe(true);
    expect(err.field).toBe(field);
  });
});

describe('freeCount', () => {
  const pool = compilePool({ name: 'p', subnet: '192.0.2.0/24', ips: ['192.0.2.1-192.0.2.10'], excludeIPs: ['192.0.2.10'] });

  it('subtracts reserved addresses and used addresses inside the candidates only', () => {
    const reserved = IpSet.fromRanges(4, ['192.0.2.1-192.0.2.2'], 'spec.ips');
    // 192.0.2.1 is both reserved and used: counted once. 192.0.2.10 is excluded, 192.0.2.99 outside.
    const used = new Set([v('192.0.2.1'), v('192.0.2.3'), v('192.0.2.10'), v('192.0.2.99')]);
    expect(freeCount(pool, used, reserved)).toBe(6n);
    expect(freeCount(pool, new Set(), IpSet.empty(4))).toBe(9n);
  });

  it('counts a /64 without enumerating it', () => {
    const big = compilePool({ name: 'b', subnet: '2001:db8::/64', ips: ['2001:db8::-2001:db8::ffff:ffff:ffff:ffff'] });
    expect(freeCount(big, new Set([v('2001:db8::1')]), IpSet.fromRanges(6, ['2001:db8::'], 'r'))).toBe((1n << 64n) - 2n);
  });
});
