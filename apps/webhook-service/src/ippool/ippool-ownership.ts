// SPDX-License-Identifier: Apache-2.0
/**
 * A pool whose CIDR equals a SpiderSubnet's belongs to that subnet: the subnet becomes its
 * controller owner (deleting the subnet deletes its pools) and is named by the
 * `owner-spider-subnet` label; a pool that sets no gateway or no routes takes the subnet's.
 * `routes: []` is an explicit "no routes" and is kept, as upstream does.
 */
import { API_VERSION, Kinds, Labels, type SpiderIPPool, type SpiderSubnet } from '@spiderpool/crds';
import type { Cidr } from '@spiderpool/ipam-domain';
import type { AdmissionContext } from '../admission/admission-types.ts';
import { setLabel } from './mutate-common.ts';
import { cidrOf } from './field-types.ts';

type OwnerReference = NonNullable<NonNullable<SpiderIPPool['metadata']>['ownerReferences']>[number];

export async function adoptBySubnet(pool: SpiderIPPool, cidr: Cidr, ctx: AdmissionContext): Promise<void> {
  // Fresh: subnets are few, and a pool created right after its subnet must still be adopted.
  const subnets = await ctx.list<SpiderSubnet>('SpiderSubnet', { fresh: true });
  const subnet = subnets.find((s) => sameCidr(cidrOf(s.spec?.subnet), cidr));
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

function sameCidr(a: Cidr | undefined, b: Cidr): boolean {
  return a !== undefined && a.version === b.version && a.network === b.network && a.prefix === b.prefix;
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
