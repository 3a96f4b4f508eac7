// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { formatIp, parseIp, type IpVersion } from '../ip/ip-address.ts';
import { IpSet } from '../ip/ip-set.ts';
import type { AllocationRecord } from '../types.ts';
import { decodeAllocatedIPs, encodeAllocatedIPs } from './pool-records.ts';
import { compilePool } from './pool-view.ts';
import { allocateInto, releaseFrom } from './record-ops.ts';

const pool = compilePool({
  name: 'p',
  subnet: '192.0.2.0/24',
  ips: ['192.0.2.1-192.0.2.6'],
  excludeIPs: ['192.0.2.2'],
});
const noReserved = IpSet.empty(4);

describe('allocateInto', () => {
  it('takes the lowest address not excluded, reserved or recorded', () => {
    const records = new Map<string, AllocationRecord>([['192.0.2.1', { pod: 'ns/x', podUid: 'ux' }]]);
    const reserved = IpSet.fromRanges(4, ['192.0.2.3'], 'spec.ips');
    expect(allocateInto(records, { pool, reserved, podUid: 'u1', pod: 'ns/a', extra: { nic: 'eth0', node: 'n1' } })).toBe('192.0.2.4');
    expect(records.get('192.0.2.4')).toEqual({ pod: 'ns/a', podUid: 'u1', nic: 'eth0', node: 'n1' });
  });

  it('returns the address the same pod UID already holds for the same NIC', () => {
    const records = new Map<string, AllocationRecord>([['192.0.2.5', { pod: 'ns/a', podUid: 'u1', nic: 'eth0' }]]);
    expect(allocateInto(records, { pool, reserved: noReserved, podUid: 'u1', pod: 'ns/a', extra: { nic: 'eth0' } })).toBe('192.0.2.5');
    expect(records.size).toBe(1);
  });

  it('gives a second NIC of the same pod its own address (upstream reuses by UID only)', () => {
    const records = new Map<string, AllocationRecord>();
    const first = allocateInto(records, { pool, reserved: noReserved, podUid: 'u1', pod: 'ns/a', extra: { nic: 'eth0' } });
    const second = allocateInto(records, { pool, reserved: noReserved, podUid: 'u1', pod: 'ns/a', extra: { nic: 'net1' } });
    expect([first, second]).toEqual(['192.0.2.1', '192.0.2.3']);
  });

  it('does not let extra fields override pod and podUid', () => {
    const records = new Map<string, AllocationRecord>();
    allocateInto(records, { pool, reserved: noReserved, podUid: 'u1', pod: 'ns/a', extra: { pod: 'ns/evil', podUid: 'evil' } });
    expect(records.get('192.0.2.1')).toEqual({ pod: 'ns/a', podUid: 'u1' });
  });

  it('returns undefined and changes nothing when the pool is exhausted', () => {
    const records = new Map<string, AllocationRecord>();
    for (let i = 0; i < 5; i++) {
      expect(allocateInto(records, { pool, reserved: noReserved, podUid: `u${i}`, pod: `ns/p${i}` })).toBeDefined();
    }
    expect(allocateInto(records, { pool, reserved: noReserved, podUid: 'late', pod: 'ns/late' })).toBeUndefined();
    expect(records.size).toBe(5);
  });

  it('ignores records outside the usable set (e.g. an address excluded after it was given out)', () => {
    const records = new Map<string, AllocationRecord>([
      ['192.0.2.2', { pod: 'ns/old', podUid: 'old' }],
      ['2001:db8::1', { pod: 'ns/odd', podUid: 'odd' }],
    ]);
    expect(allocateInto(records, { pool, reserved: noReserved, podUid: 'u1', pod: 'ns/a' })).toBe('192.0.2.1');
  });

  it('allocates from /32 and /128 pools', () => {
    const one4 = compilePool({ name: 'o4', subnet: '192.0.2.7/32', ips: ['192.0.2.7'] });
    const one6 = compilePool({ name: 'o6', subnet: '2001:db8::7/128', ips: ['2001:db8::7'] });
    const r4 = new Map<string, AllocationRecord>();
    const r6 = new Map<string, AllocationRecord>();
    expect(allocateInto(r4, { pool: one4, reserved: IpSet.empty(4), podUid: 'u', pod: 'ns/a' })).toBe('192.0.2.7');
    expect(allocateInto(r4, { pool: one4, reserved: IpSet.empty(4), podUid: 'v', pod: 'ns/b' })).toBeUndefined();
    expect(allocateInto(r6, { pool: one6, reserved: IpSet.empty(6), podUid: 'u', pod: 'ns/a' })).toBe('2001:db8::7');
  });
});

describe('releaseFrom', () => {
  const fresh = () =>
    new Map<string, AllocationRecord>([
      ['192.0.2.1', { pod: 'ns/a', podUid: 'u1', nic: 'eth0' }],
      ['192.0.2.3', { pod: 'ns/b', podUid: 'u2', nic: 'eth0' }],
      ['192.0.2.4', { pod: 'ns/a', podUid: 'u1', nic: 'net1' }],
      ['2001:db8::1', { pod: 'ns/a', podUid: 'u1', nic: 'eth0' }],
    ]);

  it('removes all records of the UID and returns them in address order', () => {
    const records = fresh();
    expect(releaseFrom(records, { podUid: 'u1' })).toEqual(['192.0.2.1', '192.0.2.4', '2001:db8::1']);
    expect([...records.keys()]).toEqual(['192.0.2.3']);
  });

  it('never touches another pod’s record, even when asked for its address', () => {
    const records = fresh();
    expect(releaseFrom(records, { podUid: 'stale-uid', ips: ['192.0.2.3'] })).toEqual([]);
    expect(releaseFrom(records, { podUid: 'u1', ips: ['192.0.2.3'] })).toEqual([]);
    expect(records.size).toBe(4);
  });

  it('restricts to given addresses (any spelling) and to a NIC', () => {
    const records = fresh();
    expect(releaseFrom(records, { podUid: 'u1', ips: ['2001:DB8:0::1', 'garbage'] })).toEqual(['2001:db8::1']);
    expect(releaseFrom(records, { podUid: 'u1', nic: 'net1' })).toEqual(['192.0.2.4']);
    expect([...records.keys()]).toEqual(['192.0.2.1', '192.0.2.3']);
  });
});

// ---------------------------------------------------------------------------------------------
// Model-based test: random allocate/release sequences against a naive model that enumerates a
// 16-address universe. Records travel through the wire codec between steps, like a real
// read-modify-write of the pool status.

type Op = { kind: 'allocate'; pod: number; nic: string } | { kind: 'release'; pod: number; nic: string | undefined };

const UNIVERSE: Record<IpVersion, { base: bigint; subnet: string }> = {
  4: { base: parseIp('192.0.2.0', 'b').value, subnet: '192.0.2.0/28' },
  6: { base: parseIp('2001:db8::', 'b').value, subnet: '2001:db8::/124' },
};

const offsetsArb = fc.uniqueArray(fc.integer({ min: 0, max: 15 }), { maxLength: 16 });
const nicArb = fc.constantFrom('eth0', 'net1');
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('allocate' as const), pod: fc.integer({ min: 0, max: 5 }), nic: nicArb }),
  fc.record({ kind: fc.constant('release' as const), pod: fc.integer({ min: 0, max: 5 }), nic: fc.option(nicArb, { nil: undefined }) }),
);

const versionArb = fc.constantFrom<IpVersion>(4, 6);
const opsArb = fc.array(opArb, { maxLength: 40 });

interface ModelOwner {
  uid: string;
  nic: string;
}

describe('allocator model', () => {
  it('never double-assigns, always takes the lowest free address, fails only when full, releases exactly the pod’s records', () => {
    fc.assert(
      fc.property(versionArb, offsetsArb, offsetsArb, offsetsArb, opsArb, (version, ips, excl, resv, ops) => {
        const { base, subnet } = UNIVERSE[version];
        const text = (o: number) => formatIp({ version, value: base + BigInt(o) });
        const p = compilePool({ name: 'm', subnet, ips: ips.map(text), excludeIPs: excl.map(text) });
        const reserved = IpSet.fromRanges(version, resv.map(text), 'reserved');
        const candidates = [...ips].filter((o) => !excl.includes(o) && !resv.includes(o)).sort((a, b) => a - b).map(text);
        const owners = new Map<string, ModelOwner>();
        let records = new Map<string, AllocationRecord>();

        for (const op of ops) {
          const uid = `uid-${op.pod}`;
          if (op.kind === 'allocate') {
            const held = [...owners].find(([, o]) => o.uid === uid && o.nic === op.nic)?.[0];
            const expected = held ?? candidates.find((ip) => !owners.has(ip));
            const before = new Set(records.keys());
            const got = allocateInto(records, { pool: p, reserved, podUid: uid, pod: `ns/pod-${op.pod}`, extra: { nic: op.nic } });
            // (b) lowest free, (c) undefined exactly when the model has nothing free.
            expect(got).toBe(expected);
            // (a) a fresh address was not recorded for anyone before.
            if (got !== undefined && held === undefined) {
              expect(before.has(got)).toBe(false);
              owners.set(got, { uid, nic: op.nic });
            }
          } else {
            const expected = [...owners]
              .filter(([, o]) => o.uid === uid && (op.nic === undefined || o.nic === op.nic))
              .map(([ip]) => ip);
            const got = releaseFrom(records, { podUid: uid, nic: op.nic });
            // (d) exactly the pod's records go.
            expect(new Set(got)).toEqual(new Set(expected));
            for (const ip of got) owners.delete(ip);
          }
          records = decodeAllocatedIPs(encodeAllocatedIPs(records), 'm');
          expect(new Map([...records].map(([ip, r]) => [ip, { uid: r.podUid, nic: r.nic }]))).toEqual(owners);
          const pairs = [...records.values()].map((r) => `${r.podUid}/${r.nic}`);
          expect(new Set(pairs).size).toBe(pairs.length);
        }
      }),
      { numRuns: 200 },
    );
  });
});
