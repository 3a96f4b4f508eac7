// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { decideEndpoint, type EndpointDecision, type EndpointFacts } from './endpoint-decision.ts';
import { pod, settings } from './gc-fixtures.ts';

describe('decideEndpoint', () => {
  const cases: Array<{ name: string; facts: EndpointFacts; want: EndpointDecision }> = [
    { name: 'backed by pool records: keep', facts: { endpoint: { uid: 'uid-a' }, hasPoolRecords: true }, want: { action: 'keep', reason: 'pool records back the endpoint' } },
    { name: 'no records, pod gone: delete', facts: { endpoint: { uid: 'uid-a' }, hasPoolRecords: false }, want: { action: 'delete', reason: 'endpoint of a gone pod without pool records' } },
    {
      name: 'no records, pod replaced: delete',
      facts: { endpoint: { uid: 'uid-a' }, hasPoolRecords: false, pod: pod({ uid: 'uid-b' }) },
      want: { action: 'delete', reason: 'endpoint of a replaced pod UID without pool records' },
    },
    { name: 'no records, own pod alive: keep', facts: { endpoint: { uid: 'uid-a' }, hasPoolRecords: false, pod: pod() }, want: { action: 'keep', reason: 'pod of the endpoint still exists' } },
    {
      name: 'no records, StatefulSet replica valid: keep',
      facts: { endpoint: { uid: 'uid-a', fixedOwner: { kind: 'StatefulSet', name: 'web', validity: 'valid' } }, hasPoolRecords: false },
      want: { action: 'keep', reason: 'StatefulSet still owns the fixed address' },
    },
    { name: 'endpoint without UID: keep', facts: { endpoint: { uid: '' }, hasPoolRecords: false }, want: { action: 'keep', reason: 'endpoint names no pod UID' } },
  ];

  it.each(cases)('$name', (c) => {
    expect(decideEndpoint(c.facts, settings())).toEqual(c.want);
  });

  it('keeps everything when GC is disabled', () => {
    expect(decideEndpoint({ endpoint: { uid: 'uid-a' }, hasPoolRecords: false }, settings({ enabled: false }))).toEqual({ action: 'keep', reason: 'gc disabled' });
  });
});
