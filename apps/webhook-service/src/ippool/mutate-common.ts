// SPDX-License-Identifier: Apache-2.0
/**
 * Defaulting shared by pools and subnets. Like upstream's defaulters it never rejects: whatever
 * it cannot make sense of is left as written, for validation to report with a precise message.
 */
import { FINALIZER } from '@spiderpool/crds';
import type { Cidr, IpVersion } from '@spiderpool/ipam-domain';
import type { KubeObject } from '@spiderpool/k8s';
import { cidrLabelValue } from './cidr-label.ts';
import { canonicalRanges } from './ip-ranges.ts';
import { isRecord, isStringList } from '../admission/field-types.ts';
import { cidrOf } from './field-types.ts';

export interface MutableAddressSpec {
  ipVersion?: IpVersion;
  subnet?: string;
  ips?: string[];
  excludeIPs?: string[];
}

/** Finalizer, ipVersion from the subnet, the CIDR label, canonical lists; returns the CIDR. */
export function defaultAddressObject(obj: KubeObject & { spec?: MutableAddressSpec }, cidrLabel: string): Cidr | undefined {
  ensureFinalizer(obj);
  const spec = obj.spec;
  // Any field may hold any JSON value here: the API server checks the schema after mutation.
  if (!isRecord(spec)) return undefined;
  const cidr = cidrOf(spec.subnet);
  if (!cidr) return undefined;
  if (spec.ipVersion === undefined || spec.ipVersion === null) spec.ipVersion = cidr.version;
  const label = cidrLabelValue(cidr);
  if (label !== undefined) setLabel(obj, cidrLabel, label);
  // Lists are only rewritten in the family the object will be validated against.
  if (spec.ipVersion === cidr.version) canonicalizeLists(spec, cidr.version);
  return cidr;
}

/** The controller releases addresses before it removes the finalizer, so deletion waits for it. */
export function ensureFinalizer(obj: KubeObject): void {
  const metadata = (obj.metadata ??= {});
  const finalizers = (metadata.finalizers ??= []);
  if (Array.isArray(finalizers) && !finalizers.includes(FINALIZER)) finalizers.push(FINALIZER);
}

export function setLabel(obj: KubeObject, key: string, value: string): void {
  const metadata = (obj.metadata ??= {});
  const labels = (metadata.labels ??= {});
  if (isRecord(labels)) labels[key] = value;
}

/** Rewrites `ips` and `excludeIPs` merged, de-duplicated and ascending, when they parse. */
export function canonicalizeLists(spec: MutableAddressSpec, version: IpVersion): void {
  if (isStringList(spec.ips)) spec.ips = canonicalRanges(spec.ips, version) ?? spec.ips;
  if (isStringList(spec.excludeIPs)) spec.excludeIPs = canonicalRanges(spec.excludeIPs, version) ?? spec.excludeIPs;
}
