// SPDX-License-Identifier: Apache-2.0
import { SpiderpoolError } from '@spiderpool/errors';
import { formatIp, tryParseIp } from '../ip/ip-address.ts';
import type { IpVersion } from '../ip/ip-address.ts';
import type { IpSet } from '../ip/ip-set.ts';
import type { AllocationRecord } from '../types.ts';
import { decodeAllocatedIPs } from './pool-records.ts';

const ownerKey = (podUid: string, nic: string | undefined): string => `${podUid}\u0000${nic ?? ''}`;

/**
 * A pool's allocation records with the indexes a batch of operations needs: addresses as
 * numbers (parsed once, not per operation), the set of used addresses, and the address each
 * pod UID + NIC holds. Same semantics as `allocateInto` / `releaseFrom`, at O(1) per lookup,
 * so that one group commit of hundreds of operations on a pool of thousands of records stays
 * cheap. Invariant: every index agrees with `records` after every public method.
 */
export class PoolLedger {
  readonly version: IpVersion;
  readonly #records: Map<string, AllocationRecord>;
  readonly #values: Map<string, bigint>;
  readonly #used: Set<bigint>;
  readonly #owners: Map<string, string>;
  /** Every candidate below this value is known to be used (lowest-free search starts here). */
  #floor = -1n;

  private constructor(version: IpVersion, records: Map<string, AllocationRecord>, values: Map<string, bigint>, owners: Map<string, string>) {
    this.version = version;
    this.#records = records;
    this.#values = values;
    this.#used = new Set(values.values());
    this.#owners = owners;
  }

  static decode(text: string | undefined, poolName: string, version: IpVersion): PoolLedger {
    const records = decodeAllocatedIPs(text, poolName);
    const values = new Map<string, bigint>();
    const owners = new Map<string, string>();
    for (const [ip, record] of records) {
      const parsed = tryParseIp(ip);
      if (!parsed || parsed.version !== version) {
        throw new SpiderpoolError('INTERNAL', `IPPool ${poolName}: status.allocatedIPs records ${ip}, which is not an IPv${version} address`);
      }
      values.set(ip, parsed.value);
      owners.set(ownerKey(record.podUid, record.nic), ip);
    }
    return new PoolLedger(version, records, values, owners);
  }

  /** An independent copy (no re-parsing), for applying a batch that may be thrown away. */
  clone(): PoolLedger {
    const copy = new PoolLedger(this.version, new Map(this.#records), new Map(this.#values), new Map(this.#owners));
    copy.#floor = this.#floor;
    return copy;
  }

  get size(): number {
    return this.#records.size;
  }

  records(): ReadonlyMap<string, AllocationRecord> {
    return this.#records;
  }

  /** The address this pod UID holds for this NIC, if any. */
  find(podUid: string, nic: string | undefined): string | undefined {
    return this.#owners.get(ownerKey(podUid, nic));
  }

  /**
   * Reuses the address of the same pod UID + NIC (refreshing its record), else takes the
   * lowest free candidate. Undefined when none is free.
   */
  allocate(candidates: IpSet, record: AllocationRecord): string | undefined {
    const held = this.find(record.podUid, record.nic);
    if (held) {
      this.#records.set(held, { ...this.#records.get(held), ...record });
      return held;
    }
    const value = this.#lowestFree(candidates);
    if (value === undefined) return undefined;
    const ip = formatIp({ version: this.version, value });
    this.#put(ip, value, record);
    this.#floor = value;
    return ip;
  }

  /** Overwrites the record of one address (fixed IPs moving to a new pod UID). */
  assign(ip: string, record: AllocationRecord): void {
    const parsed = tryParseIp(ip);
    if (!parsed || parsed.version !== this.version) throw new SpiderpoolError('INTERNAL', `${ip} is not an IPv${this.version} address`);
    const key = formatIp(parsed);
    const previous = this.#records.get(key);
    if (previous) this.#owners.delete(ownerKey(previous.podUid, previous.nic));
    this.#put(key, parsed.value, record);
  }

  get(ip: string): AllocationRecord | undefined {
    return this.#records.get(ip);
  }

  /** Removes only records whose pod UID matches (the ownership guard), optionally by IP / NIC. */
  release(options: { podUid: string; ips?: string[]; nic?: string }): string[] {
    const wanted = options.ips ? new Set(options.ips.map((t) => canonical(t))) : undefined;
    const removed: Array<[string, bigint]> = [];
    for (const [ip, record] of this.#records) {
      if (record.podUid !== options.podUid) continue;
      if (wanted && !wanted.has(ip)) continue;
      if (options.nic !== undefined && record.nic !== options.nic) continue;
      removed.push([ip, this.#values.get(ip) ?? 0n]);
    }
    for (const [ip, value] of removed) {
      const record = this.#records.get(ip);
      if (record) this.#owners.delete(ownerKey(record.podUid, record.nic));
      this.#records.delete(ip);
      this.#values.delete(ip);
      this.#used.delete(value);
      if (value <= this.#floor) this.#floor = value - 1n;
    }
    return removed.sort((a, b) => (a[1] < b[1] ? -1 : 1)).map(([ip]) => ip);
  }

  /** The wire form of `status.allocatedIPs`, sorted by address; undefined when empty. */
  encode(): string | undefined {
    if (this.#records.size === 0) return undefined;
    const entries = [...this.#values].sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
    const body = entries.map(([ip]) => `${JSON.stringify(ip)}:${JSON.stringify(this.#records.get(ip))}`).join(',');
    return `{${body}}`;
  }

  #put(ip: string, value: bigint, record: AllocationRecord): void {
    this.#records.set(ip, record);
    this.#values.set(ip, value);
    this.#used.add(value);
    this.#owners.set(ownerKey(record.podUid, record.nic), ip);
  }

  #lowestFree(candidates: IpSet): bigint | undefined {
    for (const [lo, hi] of candidates.intervals()) {
      if (hi <= this.#floor) continue;
      for (let v = lo > this.#floor ? lo : this.#floor + 1n; v <= hi; v++) {
        if (!this.#used.has(v)) return v;
      }
    }
    return undefined;
  }
}

function canonical(text: string): string {
  const ip = tryParseIp(text);
  return ip ? formatIp(ip) : text;
}
