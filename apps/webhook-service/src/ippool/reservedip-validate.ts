// SPDX-License-Identifier: Apache-2.0
/**
 * SpiderReservedIP: a family and a non-empty list of addresses of that family. Whether the
 * addresses are in use is deliberately not checked: reserving an address only keeps it from
 * future allocations (a pod holding it keeps it until it restarts).
 */
import type { SpiderReservedIP } from '@spiderpool/crds';
import type { AdmissionRequestView, Violation } from '../admission/admission-types.ts';
import { checkRanges } from './ip-ranges.ts';
import { violation } from './violation.ts';

export function validateReservedIP(req: AdmissionRequestView<SpiderReservedIP>): Violation[] {
  if (req.operation !== 'CREATE' && req.operation !== 'UPDATE') return [];
  const spec = req.object?.spec ?? {};
  const ips = spec.ips ?? [];
  const out: Violation[] = [];
  if (ips.length === 0) out.push(violation('spec.ips', spec.ips, 'ips-required', 'must list at least one address or range'));
  const ipVersion: unknown = spec.ipVersion;
  if (ipVersion === undefined && ips.length > 0) {
    out.push(violation('spec.ipVersion', ipVersion, 'ipversion-required', `must be 4 or 6 (it could not be derived from spec.ips[0] ${JSON.stringify(ips[0])})`));
  } else if (ipVersion !== undefined && ipVersion !== 4 && ipVersion !== 6) {
    out.push(violation('spec.ipVersion', ipVersion, 'ipversion-invalid', 'must be 4 or 6'));
  } else if (ipVersion === 4 || ipVersion === 6) {
    out.push(...checkRanges(ips, { version: ipVersion, field: 'spec.ips' }).violations);
  }
  const before = req.oldObject?.spec?.ipVersion;
  if (req.operation === 'UPDATE' && before !== undefined && before !== ipVersion) {
    out.push(violation('spec.ipVersion', ipVersion, 'ipversion-immutable', `must not change (was ${before})`));
  }
  return out;
}
