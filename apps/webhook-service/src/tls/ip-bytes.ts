// SPDX-License-Identifier: Apache-2.0
import { isIP } from 'node:net';
import { invalidInput } from '@spiderpool/errors';

/** The network-order bytes of an IPv4 (4) or IPv6 (16) address, as a SAN iPAddress holds them. */
export function ipBytes(ip: string): Buffer {
  // A zone (fe80::1%eth0) is local to one host and has no place in a certificate.
  const family = ip.includes('%') ? 0 : isIP(ip);
  if (family === 4) return ipv4Bytes(ip);
  if (family === 6) return ipv6Bytes(ip);
  throw invalidInput('ipAddress', ip, 'must be an IPv4 or IPv6 address');
}

function ipv4Bytes(ip: string): Buffer {
  return Buffer.from(ip.split('.').map(Number));
}

function ipv6Bytes(ip: string): Buffer {
  // isIP accepted it, so at most one "::" and well-formed groups; a dotted IPv4 tail counts as two groups.
  const [head = '', tail] = ip.split('::');
  const groups = (part: string): number[] => (part === '' ? [] : part.split(':').flatMap(groupValues));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const zeros = tail === undefined ? 0 : 8 - left.length - right.length;
  const all = [...left, ...new Array<number>(zeros).fill(0), ...right];
  const out = Buffer.alloc(16);
  all.forEach((value, i) => out.writeUInt16BE(value, i * 2));
  return out;
}

function groupValues(group: string): number[] {
  if (!group.includes('.')) return [Number.parseInt(group, 16)];
  const [a = 0, b = 0, c = 0, d = 0] = group.split('.').map(Number);
  return [a * 256 + b, c * 256 + d];
}
