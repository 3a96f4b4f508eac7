// SPDX-License-Identifier: Apache-2.0
/**
 * CIDR blocks as numbers. A Cidr always holds the network address (host bits cleared), so two
 * spellings of one block compare equal field by field; whether the text was written canonically
 * is a separate question answered by isCanonicalCidr (the webhook rejects non-canonical subnets).
 */
import { SpiderpoolError, invalidInput } from '@spiderpool/errors';
import { formatIp, tryParseIp, type IpAddress, type IpVersion } from './ip-address.ts';

export interface Cidr {
  readonly version: IpVersion;
  /** The first address of the block: host bits are always zero. */
  readonly network: bigint;
  readonly prefix: number;
}

// A prefix length is written in decimal without leading zeros ("/024" is not a prefix).
const PREFIX = /^(0|[1-9]\d{0,2})$/;

/** Number of bits in an address of `version` (32 or 128). */
export function addressBits(version: IpVersion): 32 | 128 {
  return version === 4 ? 32 : 128;
}

/** The largest address value of `version` (255.255.255.255 or ffff:...:ffff). */
export function maxAddress(version: IpVersion): bigint {
  return (1n << BigInt(addressBits(version))) - 1n;
}

/** One block, however it was spelled (a Cidr holds the network address); false for undefined. */
export function sameCidr(a: Cidr | undefined, b: Cidr): boolean {
  return a !== undefined && a.version === b.version && a.network === b.network && a.prefix === b.prefix;
}

/** Parses `a.b.c.d/p` or `x::y/p`; undefined when malformed or the prefix is out of range. */
export function tryParseCidr(text: string): Cidr | undefined {
  const parts = splitCidr(text);
  if (!parts || parts.prefix > addressBits(parts.ip.version)) return undefined;
  return toCidr(parts.ip, parts.prefix);
}

/**
 * Parses a CIDR, accepting host bits (192.0.2.1/24 → 192.0.2.0/24). Throws INVALID_INPUT naming
 * `field` when the text is malformed or the prefix length does not fit the address family.
 */
export function parseCidr(text: string, field: string): Cidr {
  const cidr = tryParseCidr(text);
  if (cidr) return cidr;
  const parts = splitCidr(text);
  if (!parts) throw invalidInput(field, text, 'must be a CIDR such as 192.0.2.0/24 or 2001:db8::/64');
  const bits = addressBits(parts.ip.version);
  throw invalidInput(field, text, `must have a prefix length between 0 and ${bits} for IPv${parts.ip.version}`);
}

/**
 * True when `text` is a valid CIDR whose address is the network address, written in canonical
 * form (so that formatCidr(parseCidr(text)) === text): `192.0.2.0/24`, not `192.0.2.1/24`,
 * `2001:db8::/32`, not `2001:DB8:0::/32`.
 */
export function isCanonicalCidr(text: string): boolean {
  const cidr = tryParseCidr(text);
  return cidr !== undefined && formatCidr(cidr) === text;
}

/** Canonical text form, e.g. `192.0.2.0/24`, `2001:db8::/64`. */
export function formatCidr(c: Cidr): string {
  return `${formatIp({ version: c.version, value: c.network })}/${c.prefix}`;
}

/** The first (network) address of the block. */
export function cidrFirst(c: Cidr): bigint {
  return c.network;
}

/** The last address of the block (the broadcast address for IPv4). */
export function cidrLast(c: Cidr): bigint {
  return c.network | hostMask(c.version, c.prefix);
}

/** True when `ip` is of the block's family and inside it. */
export function cidrContains(c: Cidr, ip: IpAddress): boolean {
  return ip.version === c.version && ip.value >= cidrFirst(c) && ip.value <= cidrLast(c);
}

/** True when both blocks are of one family and share at least one address. */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.version === b.version && cidrFirst(a) <= cidrLast(b) && cidrFirst(b) <= cidrLast(a);
}

/**
 * The address with the block's prefix length, as a CNI result wants it: `192.0.2.10/24`.
 * The families must agree (a mismatch is a bug in the caller, hence INTERNAL).
 */
export function addressWithPrefix(ip: IpAddress, cidr: Cidr): string {
  if (ip.version !== cidr.version) {
    const detail = `IPv${ip.version} address ${formatIp(ip)} paired with IPv${cidr.version} CIDR ${formatCidr(cidr)}`;
    throw new SpiderpoolError('INTERNAL', detail);
  }
  return `${formatIp(ip)}/${cidr.prefix}`;
}

/** Splits `address/prefix` without checking the prefix against the family. */
function splitCidr(text: string): { ip: IpAddress; prefix: number } | undefined {
  const slash = text.indexOf('/');
  if (slash <= 0) return undefined;
  const ip = tryParseIp(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (!ip || !PREFIX.test(prefixText)) return undefined;
  return { ip, prefix: Number(prefixText) };
}

function toCidr(ip: IpAddress, prefix: number): Cidr {
  return { version: ip.version, network: ip.value & ~hostMask(ip.version, prefix), prefix };
}

/** Host masks by family and prefix length, computed once: overlap checks call this per peer. */
const HOST_MASKS: Record<IpVersion, readonly bigint[]> = {
  4: Array.from({ length: 33 }, (_, prefix) => (1n << BigInt(32 - prefix)) - 1n),
  6: Array.from({ length: 129 }, (_, prefix) => (1n << BigInt(128 - prefix)) - 1n),
};

function hostMask(version: IpVersion, prefix: number): bigint {
  return HOST_MASKS[version][prefix] ?? (1n << BigInt(addressBits(version) - prefix)) - 1n;
}
