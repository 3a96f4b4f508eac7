// SPDX-License-Identifier: Apache-2.0
/** Test fixtures shared by the selection specs (not exported from the library). */
import type { IpamSettings, NamespaceFacts, NicRequest, NodeFacts, PodFacts, PoolFacts } from '../types.ts';

export function settingsFixture(overrides: Partial<IpamSettings> = {}): IpamSettings {
  return {
    enableIPv4: true,
    enableIPv6: true,
    enableStatefulSet: true,
    enableKubevirtStaticIP: true,
    enableSpiderSubnet: true,
    enableAutoPoolForApplication: true,
    maxAllocatedIPsPerPool: 5000,
    installNamespace: 'spiderpool',
    ...overrides,
  };
}

export function podFixture(overrides: Partial<PodFacts> = {}): PodFacts {
  return {
    namespace: 'apps',
    name: 'web-0',
    uid: 'uid-1',
    nodeName: 'node-1',
    labels: { app: 'web' },
    annotations: {},
    owner: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'owner-uid' },
    ...overrides,
  };
}

export function namespaceFixture(overrides: Partial<NamespaceFacts> = {}): NamespaceFacts {
  return { name: 'apps', labels: { team: 'a' }, annotations: {}, ...overrides };
}

export function nodeFixture(overrides: Partial<NodeFacts> = {}): NodeFacts {
  return { name: 'node-1', labels: { zone: 'z1' }, ...overrides };
}

export function requestFixture(overrides: Partial<NicRequest> = {}): NicRequest {
  return { nic: 'eth0', defaultIpv4Pools: [], defaultIpv6Pools: [], cleanGateway: false, ...overrides };
}

export function poolFixture(name: string, overrides: Partial<PoolFacts> = {}): PoolFacts {
  return {
    name,
    ipVersion: 4,
    subnet: '192.0.2.0/24',
    default: false,
    disable: false,
    terminating: false,
    nodeName: [],
    namespaceName: [],
    multusName: [],
    autoPool: false,
    ...overrides,
  };
}
