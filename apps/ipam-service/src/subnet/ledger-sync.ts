// SPDX-License-Identifier: Apache-2.0
/**
 * Keeps a subnet's records equal to its pools: a manual pool of the subnet's CIDR is adopted
 * (owner label and reference, the subnet's gateway and routes where the pool sets none — what
 * webhook-service does to pools created after the subnet) and recorded with its `ips`; an
 * auto-pool without a record (a lost status) gets one; the record of a pool that no longer
 * exists — confirmed by a live read, never on the cache alone — is dropped, which returns its
 * addresses to the subnet.
 */
import { API_VERSION, Labels, type SpiderIPPool } from '@spiderpool/crds';
import { isSpiderpoolError } from '@spiderpool/errors';
import { appOfPoolLabels, applicationKey, sameCidr, tryParseCidr, type CompiledPool } from '@spiderpool/ipam-domain';
import { Resources, type KubeClient } from '@spiderpool/k8s';
import type { PoolStore } from '../k8s/pool-store.ts';
import { compileSubnet, rangesOf, recordsOf, type Records, type SubnetLedger, type SubnetObject } from './subnet-ledger.ts';

export async function syncSubnetRecords(deps: { client: KubeClient; pools: PoolStore; ledger: SubnetLedger }, subnetName: string): Promise<void> {
  const subnet = await deps.ledger.subnet(subnetName);
  if (!subnet) return;
  // Which recorded pools are gone, decided before the compare-and-swap loop (reads are live).
  const cached = new Map(deps.pools.all().map((p) => [p.metadata?.name ?? '', p]));
  const gone = new Set<string>();
  for (const name of recordsOf(subnet).keys()) {
    if (cached.has(name)) continue;
    if (!(await deps.client.find(Resources.ipPools, name))) gone.add(name);
  }
  await deps.ledger.update(subnetName, (records, compiled) => reconcileRecords({ records, compiled, subnetName, pools: [...cached.values()], gone }));
  const compiled = compileSubnet(subnet);
  for (const pool of cached.values()) {
    if (pool.metadata?.labels?.[Labels.OWNER_SPIDER_SUBNET] === undefined && !pool.metadata?.deletionTimestamp && sameCidr(tryParseCidr(pool.spec.subnet), compiled.subnet)) {
      await adopt(deps.client, pool, subnet);
    }
  }
}

/** Compare-and-swap on the pool's resourceVersion: a pool changed meanwhile is adopted next round. */
async function adopt(client: KubeClient, pool: SpiderIPPool, subnet: SubnetObject): Promise<void> {
  const owner = { apiVersion: API_VERSION, kind: 'SpiderSubnet', name: subnet.metadata.name, uid: subnet.metadata.uid ?? '', controller: true, blockOwnerDeletion: true };
  const others = (pool.metadata?.ownerReferences ?? []).filter((r) => !r.controller && r.uid !== owner.uid);
  const patch = {
    metadata: { resourceVersion: pool.metadata?.resourceVersion, labels: { [Labels.OWNER_SPIDER_SUBNET]: subnet.metadata.name }, ownerReferences: [...others, owner] },
    spec: {
      ...(inheritsGateway(pool, subnet) ? { gateway: subnet.spec.gateway } : {}),
      ...(pool.spec.routes === undefined && subnet.spec.routes !== undefined ? { routes: subnet.spec.routes } : {}),
    },
  };
  try {
    await client.mergePatch(Resources.ipPools, pool.metadata?.name ?? '', patch);
  } catch (err) {
    // Changed meanwhile, gone, or refused by admission: the record above stays right either way.
    if (!(['CONFLICT', 'NOT_FOUND', 'INVALID_INPUT', 'FORBIDDEN'] as const).some((code) => isSpiderpoolError(err, code))) throw err;
  }
}

/** The subnet's gateway, unless the pool sets one or hands that address out itself. */
function inheritsGateway(pool: SpiderIPPool, subnet: SubnetObject): boolean {
  const gateway = subnet.spec.gateway;
  if (pool.spec.gateway !== undefined || gateway === undefined) return false;
  const version = gateway.includes(':') ? 6 : 4;
  return !rangesOf(pool.spec.ips ?? [], version).overlaps(rangesOf([gateway], version));
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
  return sameCidr(tryParseCidr(pool.spec.subnet), compiled.subnet);
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
  const application = auto ? applicationKey(appOfPoolLabels(labels)) : undefined;
  records.set(name, application === undefined ? { ips: ips.toRanges() } : { ips: ips.toRanges(), application });
  return true;
}
