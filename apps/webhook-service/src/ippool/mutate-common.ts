// SPDX-License-Identifier: Apache-2.0
/**
 * Defaulting shared by pools and subnets. Like upstream's defaulters it never rejects: whatever
 * it cannot make sense of is left as written, for validation to report with a precise message.
 */
import { FINALIZER } from '@spiderpool/crds';
import { tryParseCidr, type Cidr, type IpVersion } from '@spiderpool/ipam-domain';
import type { KubeObject } from '@spiderpool/k8s';
import { cidrLabelValue } from './cidr-label.ts';
import { canonicalRanges } from './ip-ranges.ts';

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
  const cidr = tryParseCidr(spec?.subnet ?? '');
  if (!spec || !cidr) return undefined;
  spec.ipVersion ??= cidr.version;
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
  if (!finalizers.includes(FINALIZER)) finalizers.push(FINALIZER);
}

export function setLabel(obj: KubeObject, key: string, value: string): void {
  const metadata = (obj.metadata ??= {});
  (metadata.labels ??= {})[key] = value;
}

/** Rewrites `ips` and `excludeIPs` merged, de-duplicated and ascending, when they parse. */
export function canonicalizeLists(spec: MutableAddressSpec, version: IpVersion): void {
  if (spec.ips) spec.ips = canonicalRanges(spec.ips, version) ?? spec.ips;
  if (spec.excludeIPs) spec.excludeIPs = canonicalRanges(spec.excludeIPs, version) ?? spec.excludeIPs;
}
