// SPDX-License-Identifier: Apache-2.0
// Test objects of the three kinds, in documentation address ranges only.
import {
  API_VERSION,
  type SpiderIPPool,
  type SpiderIPPoolSpec,
  type SpiderReservedIP,
  type SpiderReservedIPSpec,
  type SpiderSubnet,
  type SpiderSubnetSpec,
} from '@spiderpool/crds';

export const V4 = '203.0.113.0/24';
export const V6 = '2001:db8:5e::/64';

type Meta = NonNullable<SpiderIPPool['metadata']>;

export function pool(name: string, spec: Partial<SpiderIPPoolSpec>, metadata: Meta = {}): SpiderIPPool {
  return { apiVersion: API_VERSION, kind: 'SpiderIPPool', metadata: { ...metadata, name }, spec: { subnet: V4, ...spec } };
}

export function subnet(name: string, spec: Partial<SpiderSubnetSpec>, metadata: Meta = {}): SpiderSubnet {
  return {
    apiVersion: API_VERSION,
    kind: 'SpiderSubnet',
    metadata: { uid: `uid-${name}`, ...metadata, name },
    spec: { subnet: V4, ...spec },
  };
}

export function reserved(name: string, spec: SpiderReservedIPSpec | undefined): SpiderReservedIP {
  const obj: SpiderReservedIP = { apiVersion: API_VERSION, kind: 'SpiderReservedIP', metadata: { name } };
  if (spec) obj.spec = spec;
  return obj;
}

/** `status.allocatedIPs` as the IPAM writes it: address → holding pod. */
export function allocated(entries: Record<string, string>): string {
  const body = Object.fromEntries(Object.entries(entries).map(([ip, pod]) => [ip, { pod, podUid: `uid-${pod.replace('/', '-')}` }]));
  return JSON.stringify(body);
}

/** `status.controlledIPPools` as the controller writes it: pool → lent ranges. */
export function controlled(entries: Record<string, string[]>): string {
  const body = Object.fromEntries(
    Object.entries(entries).map(([name, ips]) => [name, { ips, application: 'apps_v1_Deployment_default_web' }]),
  );
  return JSON.stringify(body);
}

/** Metadata of an auto-created pool of Deployment default/web. */
export function autoPoolMeta(): Meta {
  return {
    annotations: { 'ipam.spidernet.io/ippool-ip-number': '+1' },
    labels: {
      'ipam.spidernet.io/owner-application-uid': 'uid-web',
      'ipam.spidernet.io/owner-application-kind': 'Deployment',
    },
  };
}

export const APP_AFFINITY = {
  matchLabels: {
    'ipam.spidernet.io/app-api-group': 'apps',
    'ipam.spidernet.io/app-api-version': 'v1',
    'ipam.spidernet.io/app-kind': 'Deployment',
    'ipam.spidernet.io/app-namespace': 'default',
    'ipam.spidernet.io/app-name': 'web',
  },
};
