// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { decodeControlledPools } from './controlled-pools.ts';

describe('decodeControlledPools', () => {
  it('reads records with and without an application', () => {
    const text = '{"p1":{"ips":["203.0.113.1-203.0.113.3"],"application":"apps_v1_Deployment_default_web"},"p2":{"ips":[]}}';
    const decoded = decodeControlledPools(text);
    expect(decoded).toEqual({
      ok: true,
      records: new Map([
        ['p1', { ips: ['203.0.113.1-203.0.113.3'], application: 'apps_v1_Deployment_default_web' }],
        ['p2', { ips: [] }],
      ]),
    });
  });

  it.each([undefined, ''])('treats %j as no records', (text) => {
    expect(decodeControlledPools(text)).toEqual({ ok: true, records: new Map() });
  });

  it.each([
    ['{', 'is not valid JSON'],
    ['[]', 'is not a JSON object'],
    ['{"p1":{"ips":[1]}}', 'has a record for pool "p1" without an "ips" string list'],
  ])('reports %s as unreadable', (text, reason) => {
    expect(decodeControlledPools(text)).toEqual({ ok: false, reason });
  });
});
