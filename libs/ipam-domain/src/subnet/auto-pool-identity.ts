// SPDX-License-Identifier: Apache-2.0
/**
 * Who an auto-created pool belongs to: its name, its labels (how the pool of an application, NIC
 * and family is found again) and its pod affinity (which pods may take its addresses). One pool
 * per (application, NIC, family).
 */
import { Labels } from '@spiderpool/crds/keys';
import type { IpVersion } from '../ip/ip-address.ts';

export interface AppRef {
  /** `apps/v1`, `batch/v1`, or a third-party group/version. */
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  uid: string;
}

export interface AutoPoolTarget {
  app: AppRef;
  nic: string;
  version: IpVersion;
  subnet: string;
  reclaim: boolean;
}

/** Kubernetes label values and names derived from them stay within 63 characters. */
const MAX_NAME = 63;

/**
 * `auto{4|6}-{application name}-{nic}-{first 5 characters of the UID's last segment}`, lower
 * case, the application name shortened so that the whole stays a valid 63-character name.
 */
export function autoPoolName(t: Pick<AutoPoolTarget, 'app' | 'nic' | 'version'>): string {
  const uidPart = (t.app.uid.split('-').pop() ?? '').slice(0, 5).toLowerCase();
  const fixed = `auto${t.version}--${t.nic.toLowerCase()}-${uidPart}`;
  const name = safeName(t.app.name).slice(0, Math.max(1, MAX_NAME - fixed.length)).replace(/-+$/, '');
  return `auto${t.version}-${name}-${t.nic.toLowerCase()}-${uidPart}`.replace(/[^a-z0-9.-]/g, '-');
}

/** `apps/v1` → `apps_v1`, `v1` → `v1` (a label value may not hold `/`). */
export function groupVersionLabel(apiVersion: string): string {
  return apiVersion.replace('/', '_');
}

/** `apps/v1` → group `apps`, version `v1`; the core group (`v1`) is the empty group. */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** The application an auto-pool's labels name (the inverse of autoPoolLabels). */
export function appOfPoolLabels(labels: Readonly<Record<string, string>>): AppRef {
  return {
    apiVersion: (labels[Labels.OWNER_APPLICATION_GV] ?? '').replace('_', '/'),
    kind: labels[Labels.OWNER_APPLICATION_KIND] ?? '',
    namespace: labels[Labels.OWNER_APPLICATION_NAMESPACE] ?? '',
    name: labels[Labels.OWNER_APPLICATION_NAME] ?? '',
    uid: labels[Labels.OWNER_APPLICATION_UID] ?? '',
  };
}

/** The labels that find the pool of an application, NIC and family again. */
export function autoPoolLabels(t: AutoPoolTarget): Record<string, string> {
  return {
    [Labels.OWNER_SPIDER_SUBNET]: t.subnet,
    [Labels.OWNER_APPLICATION_GV]: labelValue(groupVersionLabel(t.app.apiVersion)),
    [Labels.OWNER_APPLICATION_KIND]: labelValue(t.app.kind),
    [Labels.OWNER_APPLICATION_NAMESPACE]: labelValue(t.app.namespace),
    [Labels.OWNER_APPLICATION_NAME]: labelValue(t.app.name),
    [Labels.OWNER_APPLICATION_UID]: labelValue(t.app.uid),
    [Labels.INTERFACE]: labelValue(t.nic),
    [Labels.IP_VERSION]: `IPv${t.version}`,
    [Labels.IPPOOL_RECLAIM]: String(t.reclaim),
  };
}

/**
 * Whether a pool's labels make it the pool of this application's NIC and family — of this very
 * incarnation (UID), or with `anyIncarnation` of any application of that group, kind, namespace
 * and name (a kept pool a new incarnation may take over). The subnet is not compared.
 */
export function isPoolOf(labels: Readonly<Record<string, string>> | undefined, t: Pick<AutoPoolTarget, 'app' | 'nic' | 'version'>, o: { anyIncarnation?: boolean } = {}): boolean {
  const wanted = autoPoolLabels({ ...t, subnet: '', reclaim: true });
  const keys: string[] = [Labels.OWNER_APPLICATION_GV, Labels.OWNER_APPLICATION_KIND, Labels.OWNER_APPLICATION_NAMESPACE, Labels.OWNER_APPLICATION_NAME, Labels.INTERFACE, Labels.IP_VERSION];
  if (!o.anyIncarnation) keys.push(Labels.OWNER_APPLICATION_UID);
  return labels !== undefined && keys.every((k) => labels[k] === wanted[k]);
}

/** Only pods of this application (any incarnation with its group, kind, namespace and name). */
export function autoPoolAffinity(app: Omit<AppRef, 'uid'>): { matchLabels: Record<string, string> } {
  const { group, version } = splitApiVersion(app.apiVersion);
  return {
    matchLabels: {
      [Labels.APP_API_GROUP]: labelValue(group),
      [Labels.APP_API_VERSION]: labelValue(version),
      [Labels.APP_KIND]: labelValue(app.kind),
      [Labels.APP_NAMESPACE]: labelValue(app.namespace),
      [Labels.APP_NAME]: labelValue(app.name),
    },
  };
}

function safeName(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9-]/g, '-');
}

/** A label value: at most 63 characters, starting and ending alphanumeric. */
function labelValue(text: string): string {
  return text.slice(0, MAX_NAME).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}
