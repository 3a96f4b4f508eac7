// SPDX-License-Identifier: Apache-2.0
/**
 * What an application asks of the SpiderSubnet controller: from its pod template's annotations,
 * one auto-pool per NIC and family (only the first subnet named per family counts, as upstream),
 * each with the size it must hold. Pure; the controller and the allocation path read the same
 * annotations through it, so they never disagree on which pools an application has.
 */
import { Annotations } from '@spiderpool/crds/keys';
import { SpiderpoolError } from '@spiderpool/errors';
import type { IpVersion } from '../ip/ip-address.ts';
import { parseSubnetAnnotations } from '../selection/pod-annotations.ts';
import { autoPoolName, splitApiVersion, type AppRef, type AutoPoolTarget } from './auto-pool-identity.ts';
import { desiredIpCount, parseIpNumber, parseReclaim } from './auto-pool-size.ts';

/** One (NIC, family) of a pod's subnet annotation. */
export interface SubnetChoice {
  nic: string;
  version: IpVersion;
  subnet: string;
}

/** The (NIC, family, subnet) triples the annotations ask for; undefined without a subnet annotation. */
export function subnetChoices(
  annotations: Readonly<Record<string, string>>,
  families: { enableIPv4: boolean; enableIPv6: boolean },
): { key: string; choices: SubnetChoice[] } | undefined {
  const request = parseSubnetAnnotations(annotations);
  if (!request) return undefined;
  const choices = request.nics.flatMap((entry) => {
    const out: SubnetChoice[] = [];
    const [v4, v6] = [entry.ipv4[0], entry.ipv6[0]];
    if (v4 !== undefined && families.enableIPv4) out.push({ nic: entry.interface, version: 4, subnet: v4 });
    if (v6 !== undefined && families.enableIPv6) out.push({ nic: entry.interface, version: 6, subnet: v6 });
    return out;
  });
  return { key: request.key, choices };
}

/** An auto-pool an application must have, with its size. */
export interface AutoPoolWant {
  name: string;
  target: AutoPoolTarget;
  desired: number;
  /** The `ippool-ip-number` value recorded on the pool (`+N` or `N`). */
  ipNumber: string;
}

export interface ApplicationTemplate {
  app: AppRef;
  /** The pod template's annotations (for third-party applications: a pod's). */
  annotations: Readonly<Record<string, string>>;
  /** Pods the application runs; undefined for third-party controllers (unknown). */
  replicas: number | undefined;
}

export interface WantSettings {
  enableIPv4: boolean;
  enableIPv6: boolean;
  /** The cluster's `+N` for applications without `ippool-ip-number`. */
  defaultExtra: number;
}

/**
 * The auto-pools of one application, or none when it names no subnet. Throws INVALID_INPUT
 * naming the annotation when one is malformed, and when a subnet annotation lists no family
 * that is enabled.
 */
export function autoPoolWants(t: ApplicationTemplate, s: WantSettings): AutoPoolWant[] {
  const requested = subnetChoices(t.annotations, s);
  if (!requested) return [];
  if (requested.choices.length === 0) {
    throw new SpiderpoolError('INVALID_INPUT', `annotation ${requested.key} names subnets only of disabled IP families`, { field: requested.key });
  }
  const ipNumber = parseIpNumber(t.annotations[Annotations.IPPOOL_IP_NUMBER]);
  const reclaim = parseReclaim(t.annotations[Annotations.IPPOOL_RECLAIM]);
  const desired = desiredIpCount({ ipNumber, replicas: t.replicas ?? 0, defaultExtra: s.defaultExtra, thirdParty: t.replicas === undefined });
  const recorded = ipNumber === undefined ? `+${s.defaultExtra}` : ipNumber.kind === 'fixed' ? String(ipNumber.count) : `+${ipNumber.extra}`;
  return requested.choices.map((c) => {
    const target: AutoPoolTarget = { app: t.app, nic: c.nic, version: c.version, subnet: c.subnet, reclaim };
    return { name: autoPoolName(target), target, desired, ipNumber: recorded };
  });
}

/** `apps_v1_Deployment_<namespace>_<name>`: the `application` of a subnet record. */
export function applicationKey(app: Pick<AppRef, 'apiVersion' | 'kind' | 'namespace' | 'name'>): string {
  const { group, version } = splitApiVersion(app.apiVersion);
  return [group, version, app.kind, app.namespace, app.name].join('_');
}

/** Controllers whose replica count is known: everything in core, apps and batch. */
export function isBuiltInController(apiVersion: string): boolean {
  const { group } = splitApiVersion(apiVersion);
  return group === '' || group === 'apps' || group === 'batch';
}
