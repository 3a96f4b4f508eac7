// SPDX-License-Identifier: Apache-2.0
/**
 * A pool whose CIDR equals a SpiderSubnet's belongs to that subnet: the subnet becomes its
 * controller owner (deleting the subnet deletes its pools) and is named by the
 * `owner-spider-subnet` label; a pool that sets no gateway or no routes takes the subnet's.
 * `routes: []` is an explicit "no routes" and is kept, as upstream does.
 */
import { API_VERSION, Kinds, Labels, type SpiderIPPool, type SpiderSubnet } from '@spiderpool/crds';
import { formatCidr, sameCidr, type Cidr } from '@spiderpool/ipam-domain';
import type { AdmissionContext } from '../admission/admission-types.ts';
import { setLabel } from './mutate-common.ts';
import { cidrOf } from './field-types.ts';

type OwnerReference = NonNullable<NonNullable<SpiderIPPool['metadata']>['ownerReferences']>[number];

export async function adoptBySubnet(pool: SpiderIPPool, cidr: Cidr, ctx: AdmissionContext): Promise<void> {
  const subnet = await subnetOfCidr(cidr, ctx);
  const name = subnet?.metadata?.name;
  const uid = subnet?.metadata?.uid;
  if (!subnet || !name || !uid) return;
  if (!setControllerOwner(pool, { apiVersion: API_VERSION, kind: Kinds.SpiderSubnet, name, uid, controller: true, blockOwnerDeletion: true })) {
    return;
  }
  setLabel(pool, Labels.OWNER_SPIDER_SUBNET, name);
  if (pool.spec.gateway === undefined && subnet.spec.gateway !== undefined) pool.spec.gateway = subnet.spec.gateway;
  if (pool.spec.routes === undefined && subnet.spec.routes !== undefined) pool.spec.routes = structuredClone(subnet.spec.routes);
}

/**
 * The SpiderSubnet of this CIDR, from the watch cache; from the API server when a subnet of this
 * CIDR was admitted in the last moments (its claim is live): a pool created right after its
 * subnet, or after the subnet's gateway changed, must see that subnet as stored, which the cache
 * may not show yet. Otherwise a LIST per pool admission would cost a round trip for nothing.
 */
async function subnetOfCidr(cidr: Cidr, ctx: AdmissionContext): Promise<SpiderSubnet | undefined> {
  const ofCidr = (subnets: readonly SpiderSubnet[]): SpiderSubnet | undefined => subnets.find((s) => sameCidr(cidrOf(s.spec?.subnet), cidr));
  const text = formatCidr(cidr);
  const recent = (await ctx.claims.list('SpiderSubnet')).some((c) => c.payload['subnet'] === text);
  return ofCidr(await ctx.list<SpiderSubnet>('SpiderSubnet', recent ? { fresh: true } : {}));
}

/**
 * Makes `owner` the controller of `pool`. A stale controller reference to another SpiderSubnet
 * (one deleted and re-created under the same CIDR) is replaced; a controller of another kind
 * is respected and the pool is left alone (false).
 */
function setControllerOwner(pool: SpiderIPPool, owner: OwnerReference): boolean {
  const metadata = (pool.metadata ??= {});
  const refs = Array.isArray(metadata.ownerReferences) ? metadata.ownerReferences : [];
  const controller = refs.find((r) => r.controller === true);
  if (controller && controller.kind !== Kinds.SpiderSubnet) return false;
  if (controller?.uid === owner.uid) return true;
  metadata.ownerReferences = [...refs.filter((r) => r !== controller && r.uid !== owner.uid), owner];
  return true;
}
