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
import { checkSpecObject, checkStringList, isAbsent, specRecord } from '../admission/field-types.ts';

export function validateReservedIP(req: AdmissionRequestView<SpiderReservedIP>): Violation[] {
  if (req.operation !== 'CREATE' && req.operation !== 'UPDATE') return [];
  // Any field may hold any JSON value: wrong types are reported rather than thrown on.
  const spec = specRecord(req.object?.spec);
  const listTypes = checkStringList(spec['ips'], 'spec.ips');
  const out: Violation[] = [...checkSpecObject(req.object?.spec), ...listTypes];
  if (listTypes.length > 0) return [...out, ...checkIpVersionImmutable(req, spec['ipVersion'])];
  const ips = (spec['ips'] ?? []) as string[];
  if (ips.length === 0) out.push(violation('spec.ips', spec['ips'], 'ips-required', 'must list at least one address or range'));
  const ipVersion: unknown = spec['ipVersion'];
  if (isAbsent(ipVersion) && ips.length > 0) {
    out.push(violation('spec.ipVersion', ipVersion, 'ipversion-required', `must be 4 or 6 (it could not be derived from spec.ips[0] ${JSON.stringify(ips[0])})`));
  } else if (!isAbsent(ipVersion) && ipVersion !== 4 && ipVersion !== 6) {
    out.push(violation('spec.ipVersion', ipVersion, 'ipversion-invalid', 'must be 4 or 6'));
  } else if (ipVersion === 4 || ipVersion === 6) {
    out.push(...checkRanges(ips, { version: ipVersion, field: 'spec.ips' }).violations);
  }
  return [...out, ...checkIpVersionImmutable(req, ipVersion)];
}

function checkIpVersionImmutable(req: AdmissionRequestView<SpiderReservedIP>, ipVersion: unknown): Violation[] {
  const before = specRecord(req.oldObject?.spec)['ipVersion'];
  if (req.operation !== 'UPDATE' || before === undefined || before === ipVersion) return [];
  return [violation('spec.ipVersion', ipVersion, 'ipversion-immutable', `must not change (was ${JSON.stringify(before)})`)];
}
