// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import type { SpiderMultusConfig } from '@spiderpool/crds';
import type { V1Pod } from '@kubernetes/client-node';
import { defaultMultusConfig } from './multus-config-defaults.ts';
import { injectNetworks, mergedNetworks, selectedConfigs, wantsInjection } from './resource-inject.ts';
import { multusConfig } from './testing/multus-samples.ts';

const RDMA = 'cni.spidernet.io/rdma-resource-inject';
const NETWORK = 'cni.spidernet.io/network-resource-inject';
const NETWORKS = 'k8s.v1.cni.cncf.io/networks';

/** An SMC as stored: admission copied its inject annotation to a label. */
function grouped(smc: SpiderMultusConfig, key: string, group: string): SpiderMultusConfig {
  return defaultMultusConfig({ ...smc, metadata: { ...smc.metadata, annotations: { ...smc.metadata?.annotations, [key]: group } } });
}

const rdmaMacvlan = grouped(multusConfig('macvlan', { name: 'rdma-b', namespace: 'net', spec: { macvlan: { master: ['eth1'], rdmaResourceName: 'example.com/hca_shared', ippools: { ipv4: ['p'] } } } }), RDMA, 'gpu');
const rdmaSriov = grouped(multusConfig('sriov', { name: 'rdma-a', namespace: 'net', annotations: { 'multus.spidernet.io/cr-name': 'sriov-nad' } }), RDMA, 'gpu');
const other = grouped(multusConfig('ipoib', { name: 'ib', namespace: 'net' }), NETWORK, 'storage');

const pod = (annotations: Record<string, string> = {}, containers: V1Pod['spec'] = { containers: [{ name: 'app', image: 'app' }, { name: 'sidecar', image: 'side' }] }): V1Pod => ({
  metadata: { name: 'p', namespace: 'team-a', annotations },
  spec: containers,
});

describe('wantsInjection and selectedConfigs', () => {
  it('only pods with one of the two annotations ask for injection', () => {
    expect(wantsInjection(pod())).toBe(false);
    expect(wantsInjection({ metadata: {} })).toBe(false);
    expect(wantsInjection(pod({ [RDMA]: 'gpu' }))).toBe(true);
    expect(wantsInjection(pod({ [NETWORK]: 'x' }))).toBe(true);
  });

  it('selects the configs of the group by label, across namespaces, in namespace/name order', () => {
    expect(selectedConfigs(pod({ [RDMA]: 'gpu' }), [rdmaMacvlan, other, rdmaSriov]).map((s) => s.metadata?.name)).toEqual(['rdma-a', 'rdma-b']);
    expect(selectedConfigs(pod({ [RDMA]: 'gpu', [NETWORK]: 'storage' }), [rdmaMacvlan, other, rdmaSriov])).toHaveLength(3);
    expect(selectedConfigs(pod({ [RDMA]: 'storage' }), [other])).toEqual([]);
  });

  it('skips configs being deleted and types that cannot be injected', () => {
    const deleting = { ...rdmaMacvlan, metadata: { ...rdmaMacvlan.metadata, deletionTimestamp: new Date() } };
    const ovs = { ...multusConfig('ovs'), metadata: { ...multusConfig('ovs').metadata, labels: { [RDMA]: 'gpu' } } };
    expect(selectedConfigs(pod({ [RDMA]: 'gpu' }), [deleting, ovs])).toEqual([]);
  });
});

describe('mergedNetworks', () => {
  it('starts a comma list, naming each NAD (cr-name when set) with its namespace', () => {
    expect(mergedNetworks(undefined, 'team-a', [rdmaSriov, rdmaMacvlan])).toBe('net/sriov-nad,net/rdma-b');
  });

  it('appends to a comma list and keeps entries already there (a bare name means the pod namespace)', () => {
    expect(mergedNetworks('kube-system/macvlan@eth9, net/rdma-b', 'team-a', [rdmaSriov, rdmaMacvlan])).toBe('kube-system/macvlan@eth9, net/rdma-b,net/sriov-nad');
    expect(mergedNetworks('rdma-b', 'net', [rdmaMacvlan])).toBeUndefined();
  });

  it('appends to the JSON form in the JSON form', () => {
    const merged = mergedNetworks('[{"name":"a","namespace":"team-a","interface":"net5"}]', 'team-a', [rdmaMacvlan]);
    expect(JSON.parse(merged ?? '')).toEqual([{ name: 'a', namespace: 'team-a', interface: 'net5' }, { namespace: 'net', name: 'rdma-b' }]);
  });

  it('throws on an annotation Multus could not parse either', () => {
    expect(() => mergedNetworks('[{"name": ', 'team-a', [rdmaMacvlan])).toThrow(/k8s.v1.cni.cncf.io\/networks/);
  });
});

describe('injectNetworks', () => {
  it('adds the networks and asks for each resource once, in the first container, as request and limit', () => {
    const p = pod({ [RDMA]: 'gpu' });
    const out = injectNetworks(p, 'team-a', [rdmaMacvlan, rdmaSriov]) as V1Pod;
    expect(out.metadata?.annotations?.[NETWORKS]).toBe('net/sriov-nad,net/rdma-b');
    expect(out.spec?.containers[0]?.resources).toEqual({
      limits: { 'example.com/hca_shared': '1', 'example.com/sriov_netdevice': '1' },
      requests: { 'example.com/hca_shared': '1', 'example.com/sriov_netdevice': '1' },
    });
    expect(out.spec?.containers[1]?.resources).toBeUndefined();
    expect(p.metadata?.annotations?.[NETWORKS]).toBeUndefined();
  });

  it('does not ask again for a resource some container already asks for, nor change its amount', () => {
    const p = pod({ [RDMA]: 'gpu' });
    p.spec!.containers[1]!.resources = { limits: { 'example.com/hca_shared': '2' } };
    const out = injectNetworks(p, 'team-a', [rdmaMacvlan]) as V1Pod;
    expect(out.spec?.containers[0]?.resources).toBeUndefined();
    expect(out.spec?.containers[1]?.resources).toEqual({ limits: { 'example.com/hca_shared': '2' } });
  });

  it('answers undefined when everything is already there or nothing is selected', () => {
    const done = injectNetworks(pod({ [RDMA]: 'gpu' }), 'team-a', [rdmaMacvlan]) as V1Pod;
    expect(injectNetworks(done, 'team-a', [rdmaMacvlan])).toBeUndefined();
    expect(injectNetworks(pod({ [RDMA]: 'none' }), 'team-a', [rdmaMacvlan])).toBeUndefined();
  });

  it('injects networks without resources for configs that have none (ipoib)', () => {
    const out = injectNetworks(pod({ [NETWORK]: 'storage' }), 'team-a', [other]) as V1Pod;
    expect(out.metadata?.annotations?.[NETWORKS]).toBe('net/ib');
    expect(out.spec?.containers[0]?.resources).toBeUndefined();
  });
});
