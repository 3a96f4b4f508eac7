// SPDX-License-Identifier: Apache-2.0
import type { SpiderReservedIP } from '@spiderpool/crds';
import type { AdmissionRequestView } from '../admission/admission-types.ts';
import { canonicalRanges, versionOfEntry } from './ip-ranges.ts';
import { isRecord, isStringList } from '../admission/field-types.ts';

/**
 * Defaults a SpiderReservedIP: `ipVersion` from the first entry of `ips`, and `ips` merged,
 * de-duplicated and ascending. No finalizer: nothing has to be released when one is deleted.
 */
export function mutateReservedIP(req: AdmissionRequestView<SpiderReservedIP>): SpiderReservedIP {
  const original = req.object ?? req.oldObject;
  if (!original) throw new Error(`SpiderReservedIP ${req.name}: ${req.operation} request without an object`);
  const reserved = structuredClone(original);
  const spec: unknown = reserved.spec;
  // Any field may hold any JSON value here: a list that is no list of strings is left as written.
  if (!req.object || !isRecord(spec) || !isStringList(spec.ips) || spec.ips.length === 0) return reserved;
  const derived = versionOfEntry(spec.ips[0]);
  // Only a real value is written: an undefined key would turn into a bogus patch operation.
  if ((spec.ipVersion === undefined || spec.ipVersion === null) && derived !== undefined) spec.ipVersion = derived;
  if (spec.ipVersion === 4 || spec.ipVersion === 6) spec.ips = canonicalRanges(spec.ips, spec.ipVersion) ?? spec.ips;
  return reserved;
}
