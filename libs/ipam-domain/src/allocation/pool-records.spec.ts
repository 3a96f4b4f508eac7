// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { isSpiderpoolError } from '@spiderpool/errors';
import fc from 'fast-check';
import { formatIp } from '../ip/ip-address.ts';
import type { AllocationRecord } from '../types.ts';
import { decodeAllocatedIPs, encodeAllocatedIPs, recordsOfPod } from './pool-records.ts';

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a throw');
}

describe('decodeAllocatedIPs', () => {
  it.each([undefined, '', '{}'])('gives an empty map for %p', (text) => {
    expect(decodeAllocatedIPs(text, 'p').size).toBe(0);
  });

  it('reads upstream records and our extra keys, dropping unknown keys', () => {
    const text = JSON.stringify({
      '192.0.2.10': { pod: 'ns/a', podUid: 'u1' },
      '192.0.2.2': { pod: 'ns/b', podUid: 'u2', nic: 'net1', containerID: 'c2', node: 'n1', ownerKind: 'StatefulSet', extra: 1 },
      '192.0.2.3': { pod: 'ns/c', podUid: 'u3', nic: null },
    });
    const map = decodeAllocatedIPs(text, 'p');
    expect(map.get('192.0.2.10')).toEqual({ pod: 'ns/a', podUid: 'u1' });
    expect(map.get('192.0.2.2')).toEqual({ pod: 'ns/b', podUid: 'u2', nic: 'net1', containerID: 'c2', node: 'n1', ownerKind: 'StatefulSet' });
    expect(map.get('192.0.2.3')).toEqual({ pod: 'ns/c', podUid: 'u3' });
  });

  it('canonicalises address keys', () => {
    const map = decodeAllocatedIPs('{"2001:DB8:0::0001":{"pod":"ns/a","podUid":"u"}}', 'p');
    expect([...map.keys()]).toEqual(['2001:db8::1']);
  });

  it.each([
    ['not json', 'is not valid JSON'],
    ['[]', 'is not a JSON object'],
    ['null', 'is not a JSON object'],
    ['"x"', 'is not a JSON object'],
    ['{"nope":{"pod":"ns/a","podUid":"u"}}', 'that is not an IP address'],
    ['{"192.0.2.1":{"pod":"ns/a"}}', 'lacks string "pod" and "podUid"'],
    ['{"192.0.2.1":{"pod":1,"podUid":"u"}}', 'lacks string "pod" and "podUid"'],
    ['{"192.0.2.1":"ns/a"}', 'lacks string "pod" and "podUid"'],
    ['{"192.0.2.1":{"pod":"ns/a","podUid":"u","nic":3}}', 'has a non-string "nic"'],
    ['{"2001:db8::1":{"pod":"a/a","podUid":"u"},"2001:db8:0::1":{"pod":"a/b","podUid":"v"}}', 'records 2001:db8::1 twice'],
  ])('treats %s as corrupted state naming the pool', (text, what) => {
    const err = errorOf(() => decodeAllocatedIPs(text, 'pool-a'));
    expect(isSpiderpoolError(err, 'INTERNAL')).toBe(true);
    expect(err.message).toContain('IPPool pool-a: status.allocatedIPs');
    expect(err.message).toContain(what);
  });
});

describe('encodeAllocatedIPs', () => {
  it('removes the field for an empty map', () => {
    expect(encodeAllocatedIPs(new Map())).toBeUndefined();
  });

  it('sorts by numeric address and writes record keys in a fixed order', () => {
    const map = new Map<string, AllocationRecord>([
      ['192.0.2.10', { podUid: 'u1', pod: 'ns/a', nic: 'eth0' }],
      ['192.0.2.9', { ownerKind: 'Pod', node: 'n', nic: 'eth0', containerID: 'c', podUid: 'u2', pod: 'ns/b' }],
      ['192.0.2.100', { pod: 'ns/c', podUid: 'u3', nic: undefined }],
    ]);
    expect(encodeAllocatedIPs(map)).toBe(
      '{"192.0.2.9":{"pod":"ns/b","podUid":"u2","containerID":"c","nic":"eth0","node":"n","ownerKind":"Pod"},' +
        '"192.0.2.10":{"pod":"ns/a","podUid":"u1","nic":"eth0"},' +
        '"192.0.2.100":{"pod":"ns/c","podUid":"u3"}}',
    );
  });

  it('refuses a key that is not an address (a bug)', () => {
    expect(() => encodeAllocatedIPs(new Map([['x', { pod: 'a/b', podUid: 'u' }]]))).toThrow('internal error');
  });
});

describe('recordsOfPod', () => {
  it('lists the records of one UID in address order', () => {
    const map = new Map<string, AllocationRecord>([
      ['192.0.2.20', { pod: 'ns/a', podUid: 'u1', nic: 'net1' }],
      ['192.0.2.3', { pod: 'ns/b', podUid: 'u2' }],
      ['192.0.2.4', { pod: 'ns/a', podUid: 'u1', nic: 'eth0' }],
    ]);
    expect(recordsOfPod(map, 'u1')).toEqual([
      ['192.0.2.4', { pod: 'ns/a', podUid: 'u1', nic: 'eth0' }],
      ['192.0.2.20', { pod: 'ns/a', podUid: 'u1', nic: 'net1' }],
    ]);
    expect(recordsOfPod(map, 'zz')).toEqual([]);
  });
});

describe('allocatedIPs codec round-trip', () => {
  const text = fc.string({ maxLength: 8 });
  const recordArb: fc.Arbitrary<AllocationRecord> = fc.record(
    { pod: text, podUid: text, containerID: text, nic: text, node: text, ownerKind: text },
    { requiredKeys: ['pod', 'podUid'] },
  );
  const v4Key = fc.integer({ min: 0, max: 255 }).map((o) => formatIp({ version: 4, value: 0xc0000200n + BigInt(o) }));
  const v6Key = fc.bigInt({ min: 0n, max: 0xffffn }).map((o) => formatIp({ version: 6, value: (0x20010db8n << 96n) + o }));

  it('decode(encode(map)) equals the map, and encoding is stable', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.oneof(v4Key, v6Key), recordArb, { maxKeys: 10 }), (dict) => {
        const map = new Map(Object.entries(dict));
        const encoded = encodeAllocatedIPs(map);
        const decoded = decodeAllocatedIPs(encoded, 'p');
        expect(decoded).toEqual(map);
        expect(encodeAllocatedIPs(decoded)).toBe(encoded);
        // Insertion order does not matter.
        expect(encodeAllocatedIPs(new Map([...map].reverse()))).toBe(encoded);
      }),
      { numRuns: 200 },
    );
  });
});
