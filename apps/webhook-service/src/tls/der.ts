// SPDX-License-Identifier: Apache-2.0
// The few DER (X.690 distinguished encoding) constructs an X.509 v3 certificate needs. Every
// function returns a complete tag-length-value; composites take already-encoded children.
import { SpiderpoolError } from '@spiderpool/errors';

const Tag = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** Definite length: short form below 128, else 0x80 | number of big-endian length bytes. */
export function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), encodeLength(content.length), content]);
}

export const sequence = (...children: Buffer[]): Buffer => tlv(Tag.SEQUENCE, Buffer.concat(children));

/** DER orders the members of a SET OF by their encodings. */
export const set = (...children: Buffer[]): Buffer => tlv(Tag.SET, Buffer.concat([...children].sort(Buffer.compare)));

export const boolean = (value: boolean): Buffer => tlv(Tag.BOOLEAN, Buffer.from([value ? 0xff : 0x00]));

export const nullValue = (): Buffer => tlv(Tag.NULL, Buffer.alloc(0));

export const octetString = (bytes: Buffer): Buffer => tlv(Tag.OCTET_STRING, bytes);

export const utf8String = (text: string): Buffer => tlv(Tag.UTF8_STRING, Buffer.from(text, 'utf8'));

/** A non-negative INTEGER from big-endian magnitude bytes, in the fewest octets. */
export function unsignedInteger(magnitude: Buffer | number): Buffer {
  let bytes = typeof magnitude === 'number' ? numberBytes(magnitude) : Buffer.from(magnitude);
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start += 1;
  bytes = bytes.subarray(start);
  if (bytes.length === 0) bytes = Buffer.from([0]);
  // A set high bit would read as negative in two's complement.
  if ((bytes[0] ?? 0) & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return tlv(Tag.INTEGER, bytes);
}

function numberBytes(value: number): Buffer {
  if (!Number.isSafeInteger(value) || value < 0) throw new SpiderpoolError('INTERNAL', `DER integer ${value} is not a non-negative safe integer`);
  const bytes: number[] = [];
  for (let rest = value; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.from(bytes);
}

/** OBJECT IDENTIFIER from dotted form: first two arcs packed as 40*a+b, then base-128 arcs. */
export function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  const [first, second, ...rest] = arcs;
  if (first === undefined || second === undefined || arcs.some((a) => !Number.isSafeInteger(a) || a < 0)) {
    throw new SpiderpoolError('INTERNAL', `bad object identifier ${dotted}`);
  }
  const body = [first * 40 + second, ...rest].flatMap(base128);
  return tlv(Tag.OID, Buffer.from(body));
}

function base128(arc: number): number[] {
  const out = [arc % 128];
  for (let rest = Math.floor(arc / 128); rest > 0; rest = Math.floor(rest / 128)) out.unshift(0x80 | (rest % 128));
  return out;
}

/** BIT STRING whose content is whole bytes (a public key, a signature). */
export const bitString = (bytes: Buffer): Buffer => tlv(Tag.BIT_STRING, Buffer.concat([Buffer.from([0]), bytes]));

/**
 * A NamedBitList BIT STRING (KeyUsage): bit 0 is the most significant bit of the first byte,
 * and DER drops trailing zero bits, announcing how many bits of the last byte are unused.
 */
export function namedBits(bits: readonly number[]): Buffer {
  if (bits.length === 0) return tlv(Tag.BIT_STRING, Buffer.from([0]));
  const highest = Math.max(...bits);
  const bytes = Buffer.alloc(Math.floor(highest / 8) + 1);
  for (const bit of bits) bytes[Math.floor(bit / 8)] = (bytes[Math.floor(bit / 8)] ?? 0) | (0x80 >> bit % 8);
  const unused = 7 - (highest % 8);
  return tlv(Tag.BIT_STRING, Buffer.concat([Buffer.from([unused]), bytes]));
}

/**
 * X.509 Time (RFC 5280 4.1.2.5): UTCTime YYMMDDHHMMSSZ for 1950-2049, GeneralizedTime
 * YYYYMMDDHHMMSSZ from 2050, whole seconds, always UTC.
 */
export function time(date: Date): Buffer {
  const year = date.getUTCFullYear();
  const pad = (n: number): string => String(n).padStart(2, '0');
  const rest = `${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}Z`;
  if (year >= 1950 && year < 2050) return tlv(Tag.UTC_TIME, Buffer.from(`${pad(year % 100)}${rest}`, 'ascii'));
  if (year < 0 || year > 9999) throw new SpiderpoolError('INTERNAL', `certificate time ${date.toISOString()} out of range`);
  return tlv(Tag.GENERALIZED_TIME, Buffer.from(`${String(year).padStart(4, '0')}${rest}`, 'ascii'));
}

/** [n] EXPLICIT: a constructed context tag around a complete encoding. */
export const explicit = (n: number, inner: Buffer): Buffer => tlv(0xa0 | n, inner);

/** [n] IMPLICIT on a primitive type: the context tag replaces the type's tag. */
export const implicit = (n: number, bytes: Buffer): Buffer => tlv(0x80 | n, bytes);

/** One decoded header: where a TLV's content starts and ends inside the buffer. */
export interface DerElement {
  tag: number;
  /** Offset of the tag byte. */
  start: number;
  contentStart: number;
  end: number;
}

/** Reads the TLV at `offset` (definite lengths only, which is all DER has). */
export function readElement(der: Buffer, offset: number): DerElement {
  const tag = der[offset];
  const first = der[offset + 1];
  if (tag === undefined || first === undefined) throw new SpiderpoolError('INVALID_INPUT', 'truncated DER');
  let length = first;
  let contentStart = offset + 2;
  if (first & 0x80) {
    const count = first & 0x7f;
    if (count === 0 || count > 4) throw new SpiderpoolError('INVALID_INPUT', 'unsupported DER length');
    length = 0;
    for (let i = 0; i < count; i += 1) length = length * 256 + (der[offset + 2 + i] ?? 0);
    contentStart += count;
  }
  const end = contentStart + length;
  if (end > der.length) throw new SpiderpoolError('INVALID_INPUT', 'truncated DER');
  return { tag, start: offset, contentStart, end };
}
