// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { formatIp, ipVersionOf, parseIp, tryParseIp } from './ip-address.ts';

describe('IP address parsing', () => {
  it.each([
    ['192.0.2.10', 4, 0xc000020an],
    ['0.0.0.0', 4, 0n],
    ['255.255.255.255', 4, 0xffffffffn],
    ['2001:db8::1', 6, 0x20010db8000000000000000000000001n],
    ['::', 6, 0n],
    ['::ffff:192.0.2.1', 6, 0xffffc0000201n],
  ])('parses %s', (text, version, value) => {
    expect(tryParseIp(text)).toEqual({ version, value });
  });

  it.each(['', '1.2.3', '256.0.0.1', '01.2.3.4', '1.2.3.4.5', '2001:db8:::1', '1:2:3:4:5:6:7:8:9', 'g::1', '::1::'])(
    'rejects %p',
    (text) => {
      expect(tryParseIp(text)).toBeUndefined();
    },
  );

  it('names the field in the error', () => {
    expect(() => parseIp('nope', 'spec.gateway')).toThrow('wrong input: spec.gateway: value "nope" must be an IPv4 or IPv6 address');
  });

  it.each([
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8:0:1:0:0:0:1', '2001:db8:0:1::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['::', '::'],
    ['192.0.2.1', '192.0.2.1'],
  ])('formats %s canonically as %s', (input, expected) => {
    expect(formatIp(parseIp(input, 'ip'))).toBe(expected);
    expect(ipVersionOf(input)).toBe(input.includes(':') ? 6 : 4);
  });
});
