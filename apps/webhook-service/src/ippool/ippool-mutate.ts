// SPDX-License-Identifier: Apache-2.0
import { Labels, type SpiderIPPool } from '@spiderpool/crds';
import type { AdmissionContext, AdmissionRequestView } from '../admission/admission-types.ts';
import { isTerminating } from './lifecycle.ts';
import { defaultAddressObject } from './mutate-common.ts';
import { adoptBySubnet } from './ippool-ownership.ts';

/**
 * Defaults a SpiderIPPool: finalizer, `ipVersion` from the subnet, the `ippool-cidr` label,
 * canonical `ips`/`excludeIPs`, and ownership by (and gateway/routes from) the SpiderSubnet of
 * the same CIDR. A pool being deleted is returned untouched: its finalizer is being removed.
 */
export async function mutateIPPool(req: AdmissionRequestView<SpiderIPPool>, ctx: AdmissionContext): Promise<SpiderIPPool> {
  const original = req.object ?? req.oldObject;
  if (!original) throw new Error(`SpiderIPPool ${req.name}: ${req.operation} request without an object`);
  const pool = structuredClone(original);
  if (!req.object || isTerminating(pool)) return pool;
  const cidr = defaultAddressObject(pool, Labels.IPPOOL_CIDR);
  if (cidr && pool.spec.ipVersion === cidr.version) await adoptBySubnet(pool, cidr, ctx);
  return pool;
}
