// SPDX-License-Identifier: Apache-2.0
/**
 * Brings one auto-pool to what its application wants: created out of the subnet's lowest free
 * addresses, grown or shrunk to the desired size, re-labelled for a same-name same-kind
 * application that inherits a kept pool. The order of writes is fixed: the subnet's record
 * first (compare-and-swap on the subnet, which is what keeps two pools from sharing an address),
 * then the pool (compare-and-swap on the pool, which is what keeps an address a pod just took
 * from being removed).
 */
import { API_VERSION, FINALIZER, Labels, Annotations, type SpiderIPPool } from '@spiderpool/crds';
import { SpiderpoolError, isSpiderpoolError } from '@spiderpool/errors';
import {
  applicationKey,
  autoPoolAffinity,
  autoPoolLabels,
  decodeAllocatedIPs,
  isPoolOf,
  IpSet,
  planAutoPoolResize,
  sameCidr,
  tryParseCidr,
  type AutoPoolWant,
  type CompiledPool,
  type IpVersion,
} from '@spiderpool/ipam-domain';
import { Resources, type KubeClient } from '@spiderpool/k8s';
import type { PoolStore } from '../k8s/pool-store.ts';
import { compileSubnet, rangesOf, recordedExcept, type Records, type SubnetLedger, type SubnetObject } from './subnet-ledger.ts';

type PoolObject = SpiderIPPool & { metadata: { name: string } };

export interface ReconcilerDeps {
  client: KubeClient;
  pools: PoolStore;
  ledger: SubnetLedger;
  /** SpiderReservedIPs of one family: never lent to a pool. */
  reserved: (version: IpVersion) => IpSet;
}

export type EnsureResult =
  | { outcome: 'created' | 'resized' | 'adopted' | 'unchanged'; pool: string; size: number; short: number; surplus: number }
  | { outcome: 'skipped'; pool: string; reason: string };

const ATTEMPTS = 3;

export class AutoPoolReconciler {
  readonly #d: ReconcilerDeps;

  constructor(deps: ReconcilerDeps) {
    this.#d = deps;
  }

  async ensure(want: AutoPoolWant): Promise<EnsureResult> {
    const subnet = await this.#d.ledger.subnet(want.target.subnet);
    if (!subnet) return { outcome: 'skipped', pool: want.name, reason: `SpiderSubnet ${want.target.subnet} does not exist` };
    if (subnet.metadata.deletionTimestamp) return { outcome: 'skipped', pool: want.name, reason: `SpiderSubnet ${want.target.subnet} is being deleted` };
    const compiled = compileSubnet(subnet);
    if (compiled.version !== want.target.version) {
      return { outcome: 'skipped', pool: want.name, reason: `SpiderSubnet ${want.target.subnet} is IPv${compiled.version}, asked for as IPv${want.target.version}` };
    }
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#ensureOnce(want, subnet, compiled);
      } catch (err) {
        if (!isSpiderpoolError(err, 'CONFLICT') || attempt + 1 >= ATTEMPTS) throw err;
      }
    }
  }

  async #ensureOnce(want: AutoPoolWant, subnet: SubnetObject, compiled: CompiledPool): Promise<EnsureResult> {
    const found = this.#existing(want);
    if ('reason' in found) return { outcome: 'skipped', pool: found.pool, reason: found.reason };
    const pool = found.pool;
    const name = pool?.metadata.name ?? want.name;
    let plan = { ips: IpSet.empty(compiled.version), short: 0, surplus: 0 };
    await this.#d.ledger.update(subnet.metadata.name, (records, fresh) => {
      plan = this.#plan({ want, name, pool, records, subnet: fresh });
      const record = records.get(name);
      const application = applicationKey(want.target.app);
      if (record && record.application === application && rangesOf(record.ips, fresh.version).equals(plan.ips)) return false;
      records.set(name, { ips: plan.ips.toRanges(), application });
      return true;
    });
    const outcome = await this.#writePool({ want, name, pool, ips: plan.ips, subnet });
    return { outcome, pool: name, size: Number(plan.ips.size()), short: plan.short, surplus: plan.surplus };
  }

  /** The pool's addresses after this round, planned on the subnet's fresh records. */
  #plan(o: { want: AutoPoolWant; name: string; pool: PoolObject | undefined; records: Records; subnet: CompiledPool }) {
    const version = o.subnet.version;
    const allocated = o.pool ? allocatedSet(o.pool, version) : IpSet.empty(version);
    const reserved = this.#d.reserved(version);
    // An address reserved after the pool got it leaves the pool as soon as no pod holds it.
    const held = o.pool ? rangesOf(o.pool.spec.ips ?? [], version) : rangesOf(o.records.get(o.name)?.ips ?? [], version);
    const current = held.difference(reserved.difference(allocated));
    const taken = recordedExcept(o.records, version, o.name).union(this.#otherPoolsOf(o.subnet, o.name)).union(reserved);
    const plan = planAutoPoolResize({ current, allocated, desired: o.want.desired, subnetUsable: o.subnet.usable, taken });
    // A record of another pool that overlaps ours means a writer we did not expect: stop here.
    if (plan.ips.overlaps(recordedExcept(o.records, version, o.name))) {
      throw new SpiderpoolError('CONFLICT', `pool ${o.name} overlaps another record of SpiderSubnet ${o.subnet.name}`, { retryable: true });
    }
    return plan;
  }

  /** Addresses of every other pool of the same CIDR (manual pools the subnet adopted included). */
  #otherPoolsOf(subnet: CompiledPool, name: string): IpSet {
    let out = IpSet.empty(subnet.version);
    for (const p of this.#d.pools.all()) {
      if (p.metadata?.name === name || !sameCidr(tryParseCidr(p.spec.subnet), subnet.subnet)) continue;
      out = out.union(rangesOf(p.spec.ips ?? [], subnet.version));
    }
    return out;
  }

  /**
   * The application's pool: the one labelled with its UID; else, for a new incarnation of a
   * same-name same-kind application, a pool the earlier one kept (`ippool-reclaim: false`).
   */
  #existing(want: AutoPoolWant): { pool: PoolObject | undefined } | { pool: string; reason: string } {
    const mine = (this.#d.pools.all() as PoolObject[]).filter((p) => isPoolOf(p.metadata.labels, want.target, { anyIncarnation: true }));
    const own = mine.find((p) => isPoolOf(p.metadata.labels, want.target));
    const pool = own ?? mine.find((p) => p.metadata.labels?.[Labels.IPPOOL_RECLAIM] === 'false' && !p.metadata.deletionTimestamp);
    if (pool && pool.metadata.labels?.[Labels.OWNER_SPIDER_SUBNET] !== want.target.subnet) {
      return { pool: pool.metadata.name, reason: `the application's pool comes from SpiderSubnet ${pool.metadata.labels?.[Labels.OWNER_SPIDER_SUBNET]}, not ${want.target.subnet}: an application cannot change its subnet` };
    }
    if (pool?.metadata.deletionTimestamp) return { pool: pool.metadata.name, reason: 'the pool is being deleted' };
    return { pool };
  }

  async #writePool(o: { want: AutoPoolWant; name: string; pool: PoolObject | undefined; ips: IpSet; subnet: SubnetObject }): Promise<'created' | 'resized' | 'adopted' | 'unchanged'> {
    const { want, name, pool, ips, subnet } = o;
    const labels = { ...pool?.metadata.labels, ...autoPoolLabels(want.target) };
    const annotations = { ...pool?.metadata.annotations, [Annotations.IPPOOL_IP_NUMBER]: want.ipNumber };
    if (!pool) {
      await this.#create(name, { labels, annotations, ips, want, subnet });
      return 'created';
    }
    const adopted = pool.metadata.labels?.[Labels.OWNER_APPLICATION_UID] !== labels[Labels.OWNER_APPLICATION_UID];
    const sameIps = rangesOf(pool.spec.ips ?? [], ips.version).equals(ips);
    if (sameIps && sameMap(pool.metadata.labels, labels) && sameMap(pool.metadata.annotations, annotations)) return 'unchanged';
    const body: PoolObject = { ...pool, metadata: { ...pool.metadata, labels, annotations }, spec: { ...pool.spec, ips: ips.toRanges(), podAffinity: autoPoolAffinity(want.target.app) } };
    try {
      this.#d.pools.observe(await this.#d.client.update<PoolObject>(Resources.ipPools, body));
    } catch (err) {
      // An allocation changed the pool since the cache saw it: re-plan on what it holds now.
      if (isSpiderpoolError(err, 'CONFLICT')) await this.#d.pools.fetch(name);
      throw err;
    }
    return adopted ? 'adopted' : sameIps ? 'unchanged' : 'resized';
  }

  async #create(name: string, o: { labels: Record<string, string>; annotations: Record<string, string>; ips: IpSet; want: AutoPoolWant; subnet: SubnetObject }): Promise<void> {
    const { spec, metadata } = o.subnet;
    const body: PoolObject = {
      apiVersion: API_VERSION,
      kind: 'SpiderIPPool',
      metadata: {
        name,
        labels: o.labels,
        annotations: o.annotations,
        finalizers: [FINALIZER],
        // The subnet owns its pools (as the webhook would set it for a pool created by hand).
        ownerReferences: [{ apiVersion: API_VERSION, kind: 'SpiderSubnet', name: metadata.name, uid: metadata.uid ?? '', controller: true, blockOwnerDeletion: true }],
      },
      spec: {
        ipVersion: o.want.target.version,
        subnet: spec.subnet,
        ips: o.ips.toRanges(),
        ...(spec.gateway ? { gateway: spec.gateway } : {}),
        ...(spec.routes ? { routes: spec.routes } : {}),
        podAffinity: autoPoolAffinity(o.want.target.app),
      },
    } as PoolObject;
    try {
      this.#d.pools.observe(await this.#d.client.create<PoolObject>(Resources.ipPools, body));
    } catch (err) {
      // Created by an earlier round whose answer was lost: the next round finds it in the cache.
      if (isSpiderpoolError(err, 'ALREADY_EXISTS')) throw new SpiderpoolError('CONFLICT', `pool ${name} already exists`, { retryable: true });
      throw err;
    }
  }
}

function allocatedSet(pool: PoolObject, version: IpVersion): IpSet {
  const records = decodeAllocatedIPs(pool.status?.allocatedIPs, pool.metadata.name);
  return IpSet.fromRanges(version, [...records.keys()], 'status.allocatedIPs');
}


function sameMap(a: Record<string, string> | undefined, b: Record<string, string>): boolean {
  const left = a ?? {};
  return Object.keys(left).length === Object.keys(b).length && Object.entries(b).every(([k, v]) => left[k] === v);
}
