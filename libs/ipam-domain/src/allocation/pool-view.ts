// SPDX-License-Identifier: Apache-2.0
/**
 * A SpiderIPPool spec compiled once into numbers, so that allocation and counting never re-parse
 * range strings.
 */
import { invalidInput } from '@spiderpool/errors';
import { parseCidr, type Cidr } from '../ip/cidr.ts';
import { parseIp, type IpAddress, type IpVersion } from '../ip/ip-address.ts';
import { IpSet } from '../ip/ip-set.ts';

/** The fields of a SpiderIPPool spec that decide which addresses it may hand out. */
export interface PoolSpecInput {
  name: string;
  ipVersion?: IpVersion;
  subnet: string;
  ips?: string[];
  excludeIPs?: string[];
  gateway?: string;
}

export interface CompiledPool {
  name: string;
  version: IpVersion;
  subnet: Cidr;
  /** `ips − excludeIPs`, clipped to the subnet. Reserved IPs are not removed here (they change independently). */
  usable: IpSet;
  gateway?: IpAddress;
  /** Size of `usable`, capped to Number.MAX_SAFE_INTEGER (an IPv6 /64 does not fit a number). */
  total: number;
}

/**
 * Compiles a pool spec. The family is `ipVersion` when set, else the subnet's. Throws
 * INVALID_INPUT naming `spec.subnet`, `spec.ips[i]`, `spec.excludeIPs[i]` or `spec.gateway`.
 *
 * Entries outside the subnet are clipped rather than rejected: the validating webhook rejects
 * them on write, and a pool stored before that rule must still allocate only inside its subnet.
 * A pool without `ips` has no usable address (upstream allocates only from `spec.ips`).
 */
export function compilePool(spec: PoolSpecInput): CompiledPool {
  const subnet = parseCidr(spec.subnet, 'spec.subnet');
  const version = spec.ipVersion ?? subnet.version;
  if (subnet.version !== version) {
    throw invalidInput('spec.subnet', spec.subnet, `must be an IPv${version} CIDR (spec.ipVersion is ${version})`);
  }
  const ips = IpSet.fromRanges(version, spec.ips ?? [], 'spec.ips');
  const excluded = IpSet.fromRanges(version, spec.excludeIPs ?? [], 'spec.excludeIPs');
  const usable = ips.difference(excluded).intersection(IpSet.fromCidr(subnet));
  const size = usable.size();
  const total = size > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(size);
  const pool: CompiledPool = { name: spec.name, version, subnet, usable, total };
  if (spec.gateway !== undefined) pool.gateway = parseGateway(spec.gateway, version);
  return pool;
}

/**
 * How many addresses of the pool are still free: usable − reserved − used. Computed from
 * interval sizes and the used values (O(intervals + |used| · log intervals)), never by
 * enumerating the pool. `used` values outside the pool do not count.
 */
export function freeCount(pool: CompiledPool, used: ReadonlySet<bigint>, reserved: IpSet): bigint {
  const candidates = pool.usable.difference(reserved);
  let taken = 0n;
  for (const value of used) {
    if (candidates.has(value)) taken++;
  }
  return candidates.size() - taken;
}

function parseGateway(text: string, version: IpVersion): IpAddress {
  const gateway = parseIp(text, 'spec.gateway');
  if (gateway.version !== version) throw invalidInput('spec.gateway', text, `must be an IPv${version} address`);
  return gateway;
}
