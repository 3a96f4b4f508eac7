// SPDX-License-Identifier: Apache-2.0
// The SpiderReservedIP corpus.
import type { SpiderReservedIP } from '@spiderpool/crds';
import type { AdmissionCase } from './admission-case.ts';
import { reserved } from './builders.ts';

type ReservedCase = AdmissionCase<SpiderReservedIP>;

const create = (title: string, object: SpiderReservedIP, expect: string): ReservedCase => ({ title, operation: 'CREATE', object, expect });

export const invalidReservedCases: ReservedCase[] = [
  create('empty ips', reserved('r', { ips: [] }), 'ips-required'),
  create('no spec', reserved('r', undefined), 'ips-required'),
  create('first entry unreadable, no ipVersion', reserved('r', { ips: ['nope'] }), 'ipversion-required'),
  create('entry that is no address', reserved('r', { ipVersion: 4, ips: ['203.0.113.1', 'x'] }), 'range-invalid'),
  create('IPv6 entry with ipVersion 4', reserved('r', { ipVersion: 4, ips: ['2001:db8:5e::1'] }), 'range-wrong-family'),
  create('mixed families', reserved('r', { ips: ['203.0.113.1', '2001:db8:5e::1'] }), 'range-wrong-family'),
  create('reversed range', reserved('r', { ips: ['203.0.113.9-203.0.113.1'] }), 'range-reversed'),
  create('ipVersion 7', reserved('r', { ipVersion: 7 as 4, ips: ['203.0.113.1'] }), 'ipversion-invalid'),
  {
    title: 'ipVersion changed',
    operation: 'UPDATE',
    object: reserved('r', { ips: ['203.0.113.1'] }),
    change: (r) => {
      r.spec = { ipVersion: 6, ips: ['2001:db8:5e::1'] };
    },
    expect: 'ipversion-immutable',
  },
];

export const validReservedCases: ReservedCase[] = [
  create('IPv4 addresses', reserved('r', { ips: ['203.0.113.9', '203.0.113.1-203.0.113.3', '203.0.113.2'] }), 'allowed'),
  create('IPv6 range without ipVersion', reserved('r', { ips: ['2001:db8:5e::1-2001:db8:5e::9'] }), 'allowed'),
  {
    title: 'addresses added',
    operation: 'UPDATE',
    object: reserved('r', { ips: ['203.0.113.1'] }),
    change: (r) => {
      r.spec?.ips?.push('203.0.113.50');
    },
    expect: 'allowed',
  },
  { title: 'delete', operation: 'DELETE', object: reserved('r', { ips: ['203.0.113.1'] }), expect: 'allowed' },
];
