// SPDX-License-Identifier: Apache-2.0
/**
 * Minimal CIDR parsing for route handling in selection. Kept private to this folder so that
 * selection does not depend on the richer CIDR module being written alongside it; it only
 * needs "parse `ip/prefix`" and "does this network contain that address".
 */
import { formatIp, tryParseIp, type IpAddress, type IpVersion } from '../ip/ip-address.ts';

export interface ParsedCidr {
  /** The address as written (host bits may be set, e.g. a NIC address `192.0.2.10/24`). */
  readonly ip: IpAddress;
  readonly prefix: number;
}

const PREFIX = /^(0|[1-9]\d{0,2})$/;

export function bitsOf(version: IpVersion): number {
  return version === 4 ? 32 : 128;
}

/** Parses `ip/prefix`; undefined when the text is not exactly that. */
export function tryParseCidr(text: string): ParsedCidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0 || slash !== text.lastIndexOf('/')) return undefined;
  const ip = tryParseIp(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (!ip || !PREFIX.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > bitsOf(ip.version)) return undefined;
  return { ip, prefix };
}

function maskOf(version: IpVersion, prefix: number): bigint {
  const bits = BigInt(bitsOf(version));
  const all = (1n << bits) - 1n;
  return all ^ ((1n << (bits - BigInt(prefix))) - 1n);
}

/** The network address of `cidr` (host bits cleared). */
export function networkOf(cidr: ParsedCidr): IpAddress {
  return { version: cidr.ip.version, value: cidr.ip.value & maskOf(cidr.ip.version, cidr.prefix) };
}

/** True when `ip` lies inside the network of `cidr` (same family required). */
export function cidrContains(cidr: ParsedCidr, ip: IpAddress): boolean {
  if (cidr.ip.version !== ip.version) return false;
  const mask = maskOf(ip.version, cidr.prefix);
  return (cidr.ip.value & mask) === (ip.value & mask);
}

/** Canonical network text, e.g. `198.51.100.0/24` for `198.51.100.7/24`. */
export function formatNetwork(cidr: ParsedCidr): string {
  return `${formatIp(networkOf(cidr))}/${cidr.prefix}`;
}
