// SPDX-License-Identifier: Apache-2.0
/**
 * A SpiderSubnet's `status.controlledIPPools`: which of its addresses each pool holds. It is
 * written before a pool's addresses change (webhook-service refuses an auto-pool whose `ips`
 * differ from its record), always by compare-and-swap on the subnet, so that two pools are
 * never lent the same address. The counts are derived from the records on every write.
 */
import { SpiderpoolError } from '@spiderpool/errors';
import type { SpiderSubnet } from '@spiderpool/crds';
import { compilePool, decodeControlledPools, encodeControlledPools, IpSet, type CompiledPool, type ControlledPoolRecord, type IpVersion } from '@spiderpool/ipam-domain';
import { isSpiderpoolError } from '@spiderpool/errors';
import { Resources, type KubeClient, type Reflector } from '@spiderpool/k8s';

export type SubnetObject = SpiderSubnet & { metadata: { name: string } };
export type Records = Map<string, ControlledPoolRecord>;

/** Changes the records in place; false when nothing needs writing. */
export type RecordChange = (records: Records, subnet: CompiledPool) => boolean;

const CAS_ATTEMPTS = 5;

export class SubnetLedger {
  readonly #client: KubeClient;
  readonly subnets: Reflector<SubnetObject>;

  constructor(client: KubeClient, subnets: Reflector<SubnetObject>) {
    this.#client = client;
    this.subnets = subnets;
  }

  /** The subnet from the cache, else read live; undefined when it does not exist. */
  async subnet(name: string): Promise<SubnetObject | undefined> {
    return this.subnets.get(name) ?? (await this.#client.find<SubnetObject>(Resources.subnets, name));
  }

  /**
   * Applies `change` to the subnet's records and writes the status when it changed. A lost
   * compare-and-swap re-reads the subnet live and applies `change` again on what it found.
   */
  async update(name: string, change: RecordChange): Promise<SubnetObject> {
    let subnet = await this.subnet(name);
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      if (!subnet) throw new SpiderpoolError('NOT_FOUND', `SpiderSubnet ${name} does not exist`);
      const compiled = compileSubnet(subnet);
      const records = recordsOf(subnet);
      const changed = change(records, compiled);
      const status = statusOf(records, compiled);
      if (!changed && sameStatus(subnet, status)) return subnet;
      try {
        const written = await this.#client.updateStatus<SubnetObject>(Resources.subnets, { ...subnet, status });
        this.subnets.observe(written);
        return written;
      } catch (err) {
        if (!isSpiderpoolError(err, 'CONFLICT')) throw err;
        subnet = await this.#client.find<SubnetObject>(Resources.subnets, name);
      }
    }
    throw new SpiderpoolError('RETRIES_EXHAUSTED', `status of SpiderSubnet ${name} kept changing under ${CAS_ATTEMPTS} writes`, { retryable: true });
  }
}

/** The subnet's `ips − excludeIPs` in its CIDR, with its family. */
export function compileSubnet(subnet: SubnetObject): CompiledPool {
  const spec = subnet.spec;
  return compilePool({
    name: subnet.metadata.name,
    subnet: spec.subnet,
    ...(spec.ipVersion ? { ipVersion: spec.ipVersion as IpVersion } : {}),
    ...(spec.ips ? { ips: spec.ips } : {}),
    ...(spec.excludeIPs ? { excludeIPs: spec.excludeIPs } : {}),
  });
}

/** The records; an unreadable status starts empty (the pools themselves rebuild it). */
export function recordsOf(subnet: SubnetObject): Records {
  const decoded = decodeControlledPools(subnet.status?.controlledIPPools);
  return decoded.ok ? decoded.records : new Map();
}

/** The addresses of every record except those of `except`. */
export function recordedExcept(records: Records, version: IpVersion, except?: string): IpSet {
  let out = IpSet.empty(version);
  for (const [pool, record] of records) {
    if (pool !== except) out = out.union(rangesOf(record.ips, version));
  }
  return out;
}

/** Records written by an older or foreign writer may hold garbage: it counts as nothing. */
export function rangesOf(ips: readonly string[], version: IpVersion): IpSet {
  try {
    return IpSet.fromRanges(version, [...ips], 'status.controlledIPPools');
  } catch {
    return IpSet.empty(version);
  }
}

function statusOf(records: Records, subnet: CompiledPool): NonNullable<SpiderSubnet['status']> {
  const lent = recordedExcept(records, subnet.version);
  return {
    controlledIPPools: encodeControlledPools(records),
    totalIPCount: subnet.total,
    allocatedIPCount: capped(lent.size()),
  };
}

function sameStatus(subnet: SubnetObject, status: NonNullable<SpiderSubnet['status']>): boolean {
  const now = subnet.status;
  return now?.controlledIPPools === status.controlledIPPools && now?.totalIPCount === status.totalIPCount && now?.allocatedIPCount === status.allocatedIPCount;
}

function capped(size: bigint): number {
  return size > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(size);
}
