// SPDX-License-Identifier: Apache-2.0
import { Labels, type SpiderSubnet } from '@spiderpool/crds';
import type { AdmissionRequestView } from '../admission/admission-types.ts';
import { isTerminating } from './lifecycle.ts';
import { defaultAddressObject } from './mutate-common.ts';

/**
 * Defaults a SpiderSubnet: finalizer, `ipVersion` from the subnet, the `subnet-cidr` label and
 * canonical `ips`/`excludeIPs`. A subnet being deleted is returned untouched.
 */
export function mutateSubnet(req: AdmissionRequestView<SpiderSubnet>): SpiderSubnet {
  const original = req.object ?? req.oldObject;
  if (!original) throw new Error(`SpiderSubnet ${req.name}: ${req.operation} request without an object`);
  const subnet = structuredClone(original);
  if (!req.object || isTerminating(subnet)) return subnet;
  defaultAddressObject(subnet, Labels.SUBNET_CIDR);
  return subnet;
}
