// SPDX-License-Identifier: Apache-2.0
/**
 * Keeps a subnet's records equal to its pools: a manual pool of the subnet's CIDR (adopted by
 * the subnet) is recorded with its `ips`; an auto-pool without a record (a lost status) gets
 * one; the record of a pool that no longer exists — confirmed by a live read, never on the
 * cache alone — is dropped, which returns its addresses to the subnet.
 */
import { Labels, type SpiderIPPool } from '@spiderpool/crds';
import { applicationKey, decodeControlledPools, type CompiledPool } from '@spiderpool/ipam-domain';
import { Resources, type KubeClient } from '@spiderpool/k8s';
import type { PoolStore } from '../k8s/pool-store.ts';
import { sameCidr } from './auto-pool-reconciler.ts';
import { rangesOf, type Records, type SubnetLedger } from './subnet-ledger.ts';

export async function syncSubnetRecords(deps: { client: KubeClient; pools: PoolStore; ledger: SubnetLedger }, subnetName: string): Promise<void> {
  const subnet = await deps.ledger.subnet(subnetName);
  if (!subnet) return;
  // Which recorded pools are gone, decided before the compare-and-swap loop (reads are live).
  const cached = new Map(deps.pools.all().map((p) => [p.metadata?.name ?? '', p]));
  const gone = new Set<string>();
  const decoded = decodeControlledPools(subnet.status?.controlledIPPools);
  for (const name of decoded.ok ? decoded.records.keys() : []) {
    if (cached.has(name)) continue;
    if (!(await deps.client.find(Resources.ipPools, name))) gone.add(name);
  }
  await deps.ledger.update(subnetName, (records, compiled) => reconcileRecords({ records, compiled, subnetName, pools: [...cached.values()], gone }));
}

function reconcileRecords(o: { records: Records; compiled: CompiledPool; subnetName: string; pools: SpiderIPPool[]; gone: Set<string> }): boolean {
  let changed = false;
  for (const name of o.gone) changed = o.records.delete(name) || changed;
  for (const pool of o.pools) {
    if (!belongs(pool, o.subnetName, o.compiled)) continue;
    changed = recordPool(o.records, pool, o.compiled) || changed;
  }
  return changed;
}

/** A pool of the subnet: labelled as its own, or a manual pool of the same CIDR. */
function belongs(pool: SpiderIPPool, subnetName: string, compiled: CompiledPool): boolean {
  const owner = pool.metadata?.labels?.[Labels.OWNER_SPIDER_SUBNET];
  if (owner !== undefined) return owner === subnetName;
  return sameCidr(pool.spec.subnet, compiled.subnet);
}

function recordPool(records: Records, pool: SpiderIPPool, compiled: CompiledPool): boolean {
  const name = pool.metadata?.name ?? '';
  const labels = pool.metadata?.labels ?? {};
  const auto = labels[Labels.OWNER_APPLICATION_UID] !== undefined;
  const existing = records.get(name);
  // An auto-pool's record is written before the pool: it is the truth while the two differ.
  if (auto && existing) return false;
  const ips = rangesOf(pool.spec.ips ?? [], compiled.version);
  if (!auto && existing && rangesOf(existing.ips, compiled.version).equals(ips) && existing.application === undefined) return false;
  const application = auto
    ? applicationKey({
        apiVersion: (labels[Labels.OWNER_APPLICATION_GV] ?? '').replace('_', '/'),
        kind: labels[Labels.OWNER_APPLICATION_KIND] ?? '',
        namespace: labels[Labels.OWNER_APPLICATION_NAMESPACE] ?? '',
        name: labels[Labels.OWNER_APPLICATION_NAME] ?? '',
      })
    : undefined;
  records.set(name, application === undefined ? { ips: ips.toRanges() } : { ips: ips.toRanges(), application });
  return true;
}
