// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { bitString, boolean, encodeLength, explicit, implicit, namedBits, oid, readElement, sequence, set, time, unsignedInteger, utf8String } from './der.ts';

const hex = (b: Buffer): string => b.toString('hex');

describe('DER encoding', () => {
  it('uses the short length form below 128 and the long form above', () => {
    expect(hex(encodeLength(0))).toBe('00');
    expect(hex(encodeLength(127))).toBe('7f');
    expect(hex(encodeLength(128))).toBe('8180');
    expect(hex(encodeLength(300))).toBe('82012c');
    expect(hex(encodeLength(70_000))).toBe('83011170');
  });

  it('encodes non-negative integers in the fewest octets, with a 0x00 before a set high bit', () => {
    expect(hex(unsignedInteger(0))).toBe('020100');
    expect(hex(unsignedInteger(2))).toBe('020102');
    expect(hex(unsignedInteger(127))).toBe('02017f');
    expect(hex(unsignedInteger(128))).toBe('02020080');
    expect(hex(unsignedInteger(256))).toBe('02020100');
    expect(hex(unsignedInteger(Buffer.from('0000ff', 'hex')))).toBe('020200ff');
    expect(hex(unsignedInteger(Buffer.from('000001', 'hex')))).toBe('020101');
  });

  it('packs object identifiers: 40*a+b, then base-128 arcs', () => {
    expect(hex(oid('2.5.4.3'))).toBe('0603550403');
    expect(hex(oid('1.2.840.10045.4.3.2'))).toBe('06082a8648ce3d040302');
    expect(hex(oid('1.3.6.1.5.5.7.3.1'))).toBe('06082b06010505070301');
    expect(hex(oid('2.5.29.17'))).toBe('0603551d11');
  });

  it('drops trailing zero bits of a named bit list and counts the unused ones', () => {
    // digitalSignature (bit 0) alone: one byte 0x80, seven unused bits.
    expect(hex(namedBits([0]))).toBe('03020780');
    // digitalSignature, keyCertSign, cRLSign: 1000 0110, one unused bit.
    expect(hex(namedBits([0, 5, 6]))).toBe('03020186');
    // digitalSignature, keyEncipherment: 1010 0000, five unused bits.
    expect(hex(namedBits([0, 2]))).toBe('030205a0');
    // decipherOnly (bit 8) reaches into a second byte.
    expect(hex(namedBits([8]))).toBe('0303070080');
    expect(hex(namedBits([]))).toBe('030100');
  });

  it('writes UTCTime until 2049 and GeneralizedTime from 2050, in whole UTC seconds', () => {
    expect(time(new Date(Date.UTC(2049, 11, 31, 23, 59, 59, 999))).toString('latin1')).toBe('\x17\x0d491231235959Z');
    expect(time(new Date(Date.UTC(2050, 0, 1, 0, 0, 0))).toString('latin1')).toBe('\x18\x0f20500101000000Z');
    expect(time(new Date(Date.UTC(1999, 5, 7, 8, 9, 10))).toString('latin1')).toBe('\x17\x0d990607080910Z');
  });

  it('builds composites from complete encodings and sorts SET OF members', () => {
    expect(hex(sequence(boolean(true), boolean(false)))).toBe('30060101ff010100');
    expect(hex(set(unsignedInteger(2), unsignedInteger(1)))).toBe('3106020101020102');
    expect(hex(explicit(0, unsignedInteger(2)))).toBe('a003020102');
    expect(hex(implicit(2, Buffer.from('a')))).toBe('820161');
    expect(hex(utf8String('é'))).toBe('0c02c3a9');
    expect(hex(bitString(Buffer.from([0xab])))).toBe('030200ab');
  });

  it('reads back what it writes, long lengths included', () => {
    const big = sequence(utf8String('x'.repeat(300)));
    const outer = readElement(big, 0);
    expect(outer).toEqual({ tag: 0x30, start: 0, contentStart: 4, end: big.length });
    const inner = readElement(big, outer.contentStart);
    expect(inner.tag).toBe(0x0c);
    expect(inner.end - inner.contentStart).toBe(300);
    expect(() => readElement(big.subarray(0, 10), 0)).toThrow(/truncated/);
  });
});
