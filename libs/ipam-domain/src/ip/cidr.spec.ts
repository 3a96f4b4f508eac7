// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { isSpiderpoolError } from '@spiderpool/errors';
import {
  addressBits,
  addressWithPrefix,
  cidrContains,
  cidrFirst,
  cidrLast,
  cidrsOverlap,
  formatCidr,
  isCanonicalCidr,
  maxAddress,
  parseCidr,
  tryParseCidr,
} from './cidr.ts';
import { parseIp } from './ip-address.ts';

const ip = (text: string) => parseIp(text, 'test');

describe('parseCidr / tryParseCidr', () => {
  it.each([
    ['192.0.2.0/24', 4, 0xc0000200n, 24],
    ['192.0.2.77/24', 4, 0xc0000200n, 24],
    ['192.0.2.7/32', 4, 0xc0000207n, 32],
    ['0.0.0.0/0', 4, 0n, 0],
    ['203.0.113.9/0', 4, 0n, 0],
    ['2001:db8::/32', 6, 0x20010db8n << 96n, 32],
    ['2001:db8::1/128', 6, (0x20010db8n << 96n) | 1n, 128],
    ['2001:db8:ffff::1/48', 6, (0x20010db8ffffn << 80n), 48],
    ['::/0', 6, 0n, 0],
    ['::ffff:192.0.2.0/120', 6, 0xffffc0000200n, 120],
  ])('parses %s to its network', (text, version, network, prefix) => {
    expect(parseCidr(text, 'spec.subnet')).toEqual({ version, network, prefix });
    expect(tryParseCidr(text)).toEqual({ version, network, prefix });
  });

  it.each(['', '192.0.2.0', '/24', '192.0.2.0/', '192.0.2.0/024', '192.0.2.0/24/1', '192.0.2.0/-1', '192.0.2/24', '2001:db8::/x', ' 192.0.2.0/24'])(
    'rejects malformed %p naming the field',
    (text) => {
      expect(tryParseCidr(text)).toBeUndefined();
      let caught: unknown;
      try {
        parseCidr(text, 'spec.subnet');
      } catch (err) {
        caught = err;
      }
      expect(isSpiderpoolError(caught, 'INVALID_INPUT')).toBe(true);
      expect((caught as Error).message).toContain('spec.subnet: ');
      expect((caught as Error).message).toContain('must be a CIDR');
    },
  );

  it.each([
    ['192.0.2.0/33', 'between 0 and 32 for IPv4'],
    ['2001:db8::/129', 'between 0 and 128 for IPv6'],
  ])('rejects the out-of-range prefix of %s', (text, rule) => {
    expect(tryParseCidr(text)).toBeUndefined();
    expect(() => parseCidr(text, 'spec.routes[0].dst')).toThrow(`wrong input: spec.routes[0].dst: value "${text}" must have a prefix length ${rule}`);
  });
});

describe('isCanonicalCidr / formatCidr', () => {
  it.each([
    ['192.0.2.0/24', true],
    ['192.0.2.1/24', false],
    ['192.0.2.1/32', true],
    ['0.0.0.0/0', true],
    ['2001:db8::/32', true],
    ['2001:DB8::/32', false],
    ['2001:db8:0::/32', false],
    ['2001:db8::1/64', false],
    ['::ffff:192.0.2.0/120', false],
    ['not-a-cidr', false],
    ['192.0.2.0/33', false],
  ])('%s canonical: %s', (text, canonical) => {
    expect(isCanonicalCidr(text)).toBe(canonical);
  });

  it('formats the network, whatever spelling was parsed', () => {
    expect(formatCidr(parseCidr('192.0.2.130/25', 'f'))).toBe('192.0.2.128/25');
    expect(formatCidr(parseCidr('2001:DB8:0:0:1::5/64', 'f'))).toBe('2001:db8::/64');
    expect(formatCidr(parseCidr('::ffff:192.0.2.0/120', 'f'))).toBe('::ffff:c000:200/120');
  });
});

describe('CIDR arithmetic', () => {
  it('gives first and last addresses, /32, /128 and /0 included', () => {
    const c24 = parseCidr('192.0.2.0/24', 'f');
    expect([cidrFirst(c24), cidrLast(c24)]).toEqual([ip('192.0.2.0').value, ip('192.0.2.255').value]);
    const c32 = parseCidr('192.0.2.9/32', 'f');
    expect([cidrFirst(c32), cidrLast(c32)]).toEqual([ip('192.0.2.9').value, ip('192.0.2.9').value]);
    const c128 = parseCidr('2001:db8::9/128', 'f');
    expect(cidrLast(c128)).toBe(cidrFirst(c128));
    expect(cidrLast(parseCidr('0.0.0.0/0', 'f'))).toBe(maxAddress(4));
    expect(cidrLast(parseCidr('::/0', 'f'))).toBe(maxAddress(6));
    expect(addressBits(4)).toBe(32);
    expect(addressBits(6)).toBe(128);
  });

  it('contains addresses of its own family only', () => {
    const c = parseCidr('192.0.2.0/28', 'f');
    expect(cidrContains(c, ip('192.0.2.0'))).toBe(true);
    expect(cidrContains(c, ip('192.0.2.15'))).toBe(true);
    expect(cidrContains(c, ip('192.0.2.16'))).toBe(false);
    // The v4-mapped IPv6 address has the same low 32 bits but is another family.
    expect(cidrContains(c, ip('::ffff:192.0.2.1'))).toBe(false);
    expect(cidrContains(parseCidr('::/0', 'f'), ip('192.0.2.1'))).toBe(false);
    expect(cidrContains(parseCidr('::/0', 'f'), ip('2001:db8::1'))).toBe(true);
  });

  it('detects overlap, nesting and disjointness', () => {
    const c = (t: string) => parseCidr(t, 'f');
    expect(cidrsOverlap(c('192.0.2.0/24'), c('192.0.2.128/25'))).toBe(true);
    expect(cidrsOverlap(c('192.0.2.128/25'), c('192.0.2.0/24'))).toBe(true);
    expect(cidrsOverlap(c('192.0.2.0/25'), c('192.0.2.128/25'))).toBe(false);
    expect(cidrsOverlap(c('192.0.2.0/24'), c('198.51.100.0/24'))).toBe(false);
    expect(cidrsOverlap(c('0.0.0.0/0'), c('::/0'))).toBe(false);
    expect(cidrsOverlap(c('2001:db8::/32'), c('2001:db8:1::/48'))).toBe(true);
  });

  it('renders an address with the subnet prefix', () => {
    expect(addressWithPrefix(ip('192.0.2.10'), parseCidr('192.0.2.0/24', 'f'))).toBe('192.0.2.10/24');
    expect(addressWithPrefix(ip('2001:db8::a'), parseCidr('2001:db8::/64', 'f'))).toBe('2001:db8::a/64');
    expect(() => addressWithPrefix(ip('192.0.2.10'), parseCidr('2001:db8::/64', 'f'))).toThrow('internal error');
  });
});
