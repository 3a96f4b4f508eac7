// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { IpSet } from '../ip/ip-set.ts';
import type { AllocationRecord } from '../types.ts';
import { PoolLedger } from './pool-ledger.ts';
import { compilePool } from './pool-view.ts';
import { allocateInto, releaseFrom } from './record-ops.ts';
import { encodeAllocatedIPs } from './pool-records.ts';

const pool = compilePool({ name: 'p', subnet: '192.0.2.0/28', ips: ['192.0.2.1-192.0.2.14'], excludeIPs: ['192.0.2.5'] });
const reserved = IpSet.fromRanges(4, ['192.0.2.3'], 'reserved');
const candidates = pool.usable.difference(reserved);

describe('PoolLedger', () => {
  it('reuses the address of the same pod UID and NIC, and takes the lowest free otherwise', () => {
    const ledger = PoolLedger.decode(undefined, 'p', 4);
    expect(ledger.allocate(candidates, { pod: 'ns/a', podUid: 'a', nic: 'eth0' })).toBe('192.0.2.1');
    expect(ledger.allocate(candidates, { pod: 'ns/b', podUid: 'b', nic: 'eth0' })).toBe('192.0.2.2');
    expect(ledger.allocate(candidates, { pod: 'ns/a', podUid: 'a', nic: 'eth0', containerID: 'new' })).toBe('192.0.2.1');
    expect(ledger.get('192.0.2.1')?.containerID).toBe('new');
    expect(ledger.allocate(candidates, { pod: 'ns/a', podUid: 'a', nic: 'net1' })).toBe('192.0.2.4');
    expect(ledger.release({ podUid: 'b' })).toEqual(['192.0.2.2']);
    expect(ledger.allocate(candidates, { pod: 'ns/c', podUid: 'c', nic: 'eth0' })).toBe('192.0.2.2');
  });

  it('never releases a record of another pod UID', () => {
    const ledger = PoolLedger.decode('{"192.0.2.1":{"pod":"ns/a","podUid":"a"}}', 'p', 4);
    expect(ledger.release({ podUid: 'other', ips: ['192.0.2.1'] })).toEqual([]);
    expect(ledger.size).toBe(1);
  });

  it('clones independently', () => {
    const ledger = PoolLedger.decode(undefined, 'p', 4);
    ledger.allocate(candidates, { pod: 'ns/a', podUid: 'a' });
    const copy = ledger.clone();
    copy.allocate(candidates, { pod: 'ns/b', podUid: 'b' });
    expect([ledger.size, copy.size]).toEqual([1, 2]);
  });

  it('behaves exactly like allocateInto / releaseFrom on random operation sequences', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('alloc' as const), uid: fc.integer({ min: 0, max: 20 }), nic: fc.constantFrom('eth0', 'net1') }),
      fc.record({ kind: fc.constant('release' as const), uid: fc.integer({ min: 0, max: 20 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
        const ledger = PoolLedger.decode(undefined, 'p', 4);
        const model = new Map<string, AllocationRecord>();
        for (const o of ops) {
          if (o.kind === 'alloc') {
            const rec = { pod: `ns/p${o.uid}`, podUid: `u${o.uid}`, nic: o.nic };
            const expected = allocateInto(model, { pool, reserved, podUid: rec.podUid, pod: rec.pod, extra: { nic: o.nic } });
            expect(ledger.allocate(candidates, rec)).toBe(expected);
          } else {
            expect(ledger.release({ podUid: `u${o.uid}` })).toEqual(releaseFrom(model, { podUid: `u${o.uid}` }));
          }
          expect(ledger.encode()).toBe(encodeAllocatedIPs(model));
        }
      }),
      { numRuns: 200 },
    );
  });
});
