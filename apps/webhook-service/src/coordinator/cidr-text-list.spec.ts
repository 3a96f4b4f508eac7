// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { mergeCidrs, splitCidrList } from './cidr-text-list.ts';

describe('CIDR text lists', () => {
  it('splits on commas and whitespace, drops duplicates and reports invalid entries', () => {
    expect(splitCidrList(' 192.0.2.0/24, 2001:db8::/64 192.0.2.0/24,,bogus ')).toEqual({ cidrs: ['192.0.2.0/24', '2001:db8::/64'], invalid: ['bogus'] });
    expect(splitCidrList(undefined)).toEqual({ cidrs: [], invalid: [] });
  });

  it('merges lists in order without duplicates', () => {
    expect(mergeCidrs(['192.0.2.0/24'], ['2001:db8::/64', '192.0.2.0/24'])).toEqual(['192.0.2.0/24', '2001:db8::/64']);
  });
});
