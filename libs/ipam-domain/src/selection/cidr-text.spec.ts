// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { tryParseIp } from '../ip/ip-address.ts';
import { cidrContains, formatNetwork, tryParseCidr } from './cidr-text.ts';

describe('cidr-text', () => {
  it('parses address/prefix of both families', () => {
    expect(tryParseCidr('192.0.2.10/24')?.prefix).toBe(24);
    expect(tryParseCidr('2001:db8::1/128')?.prefix).toBe(128);
    expect(tryParseCidr('0.0.0.0/0')?.prefix).toBe(0);
  });

  it('rejects malformed text', () => {
    for (const text of ['192.0.2.0', '192.0.2.0/', '192.0.2.0/33', '192.0.2.0/024', '2001:db8::/129', 'x/24', '192.0.2.0/24/1', '192.0.2.0/-1']) {
      expect(tryParseCidr(text)).toBeUndefined();
    }
  });

  it('tests containment within the same family only', () => {
    const net = tryParseCidr('192.0.2.10/24');
    if (!net) throw new Error('parse failed');
    expect(cidrContains(net, tryParseIp('192.0.2.255') ?? { version: 4, value: 0n })).toBe(true);
    expect(cidrContains(net, tryParseIp('198.51.100.1') ?? { version: 4, value: 0n })).toBe(false);
    expect(cidrContains(net, { version: 6, value: 0xc000020an })).toBe(false);
  });

  it('formats the network address', () => {
    expect(formatNetwork(tryParseCidr('192.0.2.10/24') ?? { ip: { version: 4, value: 0n }, prefix: 0 })).toBe('192.0.2.0/24');
    expect(formatNetwork(tryParseCidr('2001:db8:1:2::5/48') ?? { ip: { version: 6, value: 0n }, prefix: 0 })).toBe('2001:db8:1::/48');
  });
});
