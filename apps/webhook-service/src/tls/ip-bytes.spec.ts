// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { ipBytes } from './ip-bytes.ts';

describe('ipBytes', () => {
  it.each([
    ['127.0.0.1', '7f000001'],
    ['10.96.0.10', '0a60000a'],
    ['::1', '00000000000000000000000000000001'],
    ['::', '00000000000000000000000000000000'],
    ['2001:db8::7', '20010db8000000000000000000000007'],
    ['fe80::1:2', 'fe800000000000000000000000010002'],
    ['2001:db8:1:2:3:4:5:6', '20010db8000100020003000400050006'],
    ['::ffff:192.0.2.1', '00000000000000000000ffffc0000201'],
    ['64:ff9b::10.0.0.1', '0064ff9b00000000000000000a000001'],
  ])('encodes %s in network order', (ip, hex) => {
    expect(ipBytes(ip).toString('hex')).toBe(hex);
  });

  it.each(['300.1.1.1', 'fe80::1%eth0', 'example.com', ''])('refuses %j', (ip) => {
    expect(() => ipBytes(ip)).toThrow(/IPv4 or IPv6/);
  });
});
