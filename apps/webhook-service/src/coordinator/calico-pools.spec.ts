// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { calicoPodCidrs } from './calico-pools.ts';

describe('Calico IPPool pod CIDRs', () => {
  it('takes the CIDR of every enabled pool once, skipping disabled and malformed ones', () => {
    expect(calicoPodCidrs([
      { metadata: { name: 'v4' }, spec: { cidr: '192.0.2.0/24' } },
      { metadata: { name: 'v6' }, spec: { cidr: '2001:db8::/48', disabled: false } },
      { metadata: { name: 'old' }, spec: { cidr: '198.51.100.0/24', disabled: true } },
      { metadata: { name: 'bad' }, spec: { cidr: '198.51.100.0/99' } },
      { metadata: { name: 'none' }, spec: {} },
      { metadata: { name: 'again' }, spec: { cidr: '192.0.2.0/24' } },
    ])).toEqual(['192.0.2.0/24', '2001:db8::/48']);
    expect(calicoPodCidrs([])).toEqual([]);
  });
});
