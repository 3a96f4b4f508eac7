// SPDX-License-Identifier: Apache-2.0
import { invalidInput } from '@spiderpool/errors';

export type IpVersion = 4 | 6;

/** An IP address as a number, so that ranges and sets are plain integer arithmetic. */
export interface IpAddress {
  readonly version: IpVersion;
  readonly value: bigint;
}

const V4_PART = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const HEXTET = /^[0-9a-fA-F]{1,4}$/;

/** Parses a dotted-quad IPv4 or an RFC 4291 IPv6 text address; undefined when it is neither. */
export function tryParseIp(text: string): IpAddress | undefined {
  if (text.includes(':')) return parseV6(text);
  return parseV4(text);
}

/** Like tryParseIp but throws an INVALID_INPUT error naming `field`. */
export function parseIp(text: string, field: string): IpAddress {
  const ip = tryParseIp(text);
  if (!ip) throw invalidInput(field, text, 'must be an IPv4 or IPv6 address');
  return ip;
}

export function ipVersionOf(text: string): IpVersion | undefined {
  return tryParseIp(text)?.version;
}

function parseV4(text: string): IpAddress | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => V4_PART.test(p))) return undefined;
  const value = parts.reduce((acc, p) => (acc << 8n) | BigInt(Number(p)), 0n);
  return { version: 4, value };
}

function parseV6(text: string): IpAddress | undefined {
  let head = text;
  let v4Tail: IpAddress | undefined;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    v4Tail = parseV4(text.slice(lastColon + 1));
    if (!v4Tail) return undefined;
    head = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const hextets = expandV6(head);
  if (!hextets) return undefined;
  let value = hextets.reduce((acc, h) => (acc << 16n) | BigInt(parseInt(h, 16)), 0n);
  if (v4Tail) value = (value & ~0xffffffffn) | v4Tail.value;
  return { version: 6, value };
}

function expandV6(text: string): string[] | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const split = (s: string | undefined): string[] => (s ? s.split(':') : []);
  const left = split(halves[0]);
  const right = split(halves[1]);
  if (![...left, ...right].every((h) => HEXTET.test(h))) return undefined;
  if (halves.length === 1) return left.length === 8 ? left : undefined;
  const missing = 8 - left.length - right.length;
  if (missing < 1) return undefined;
  return [...left, ...Array<string>(missing).fill('0'), ...right];
}

/** Canonical text form: dotted quad, or RFC 5952 compressed IPv6. */
export function formatIp(ip: IpAddress): string {
  if (ip.version === 4) {
    return [24n, 16n, 8n, 0n].map((shift) => String((ip.value >> shift) & 0xffn)).join('.');
  }
  const hextets = Array.from({ length: 8 }, (_, i) => Number((ip.value >> BigInt(112 - i * 16)) & 0xffffn));
  return compressV6(hextets);
}

function compressV6(hextets: number[]): string {
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (hextets[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && hextets[j] === 0) j++;
    if (j - i > bestLen && j - i > 1) [bestStart, bestLen] = [i, j - i];
    i = j;
  }
  const hex = hextets.map((h) => h.toString(16));
  if (bestStart < 0) return hex.join(':');
  const left = hex.slice(0, bestStart).join(':');
  const right = hex.slice(bestStart + bestLen).join(':');
  return `${left}::${right}`;
}
