// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { multusNetworkOfNic, normaliseMultusName, parseMultusNetworks } from './multus-network.ts';

const DEFAULT_NET = 'v1.multus-cni.io/default-network';
const NETWORKS = 'k8s.v1.cni.cncf.io/networks';
const base = { installNamespace: 'spiderpool', podNamespace: 'apps' };

describe('normaliseMultusName', () => {
  it('adds the install namespace to bare names', () => {
    expect(normaliseMultusName('macvlan-a', 'spiderpool')).toBe('spiderpool/macvlan-a');
    expect(normaliseMultusName('kube-system/macvlan-a', 'spiderpool')).toBe('kube-system/macvlan-a');
  });
});

describe('multusNetworkOfNic: first NIC', () => {
  it('uses the default-network annotation (name, ns/name or JSON)', () => {
    expect(multusNetworkOfNic({ ...base, nic: 'eth0', annotations: { [DEFAULT_NET]: 'calico' } })).toBe('spiderpool/calico');
    expect(multusNetworkOfNic({ ...base, nic: 'eth0', annotations: { [DEFAULT_NET]: 'kube-system/calico' } })).toBe('kube-system/calico');
    expect(multusNetworkOfNic({ ...base, nic: 'eth0', annotations: { [DEFAULT_NET]: '{"name":"calico","namespace":"net"}' } })).toBe('net/calico');
    expect(multusNetworkOfNic({ ...base, nic: 'eth0', annotations: { [DEFAULT_NET]: '[{"name":"calico"}]' } })).toBe('spiderpool/calico');
  });

  it('falls back to the cluster network, then to unknown', () => {
    expect(multusNetworkOfNic({ ...base, nic: 'eth0', annotations: {}, clusterNetwork: 'macvlan-default' })).toBe('spiderpool/macvlan-default');
    expect(multusNetworkOfNic({ ...base, nic: 'eth0', annotations: {}, clusterNetwork: 'kube-system/cilium' })).toBe('kube-system/cilium');
    expect(multusNetworkOfNic({ ...base, nic: 'eth0', annotations: {} })).toBeUndefined();
  });

  it('treats index 0 as the first NIC whatever its name', () => {
    expect(multusNetworkOfNic({ ...base, nic: '0', nicIndex: 0, annotations: { [DEFAULT_NET]: 'calico', [NETWORKS]: 'other' } })).toBe(
      'spiderpool/calico',
    );
  });

  it('rejects malformed default-network values naming the key', () => {
    expect(() => multusNetworkOfNic({ ...base, nic: 'eth0', annotations: { [DEFAULT_NET]: 'a,b' } })).toThrow(
      `wrong input: ${DEFAULT_NET}: value "a,b" must name exactly one network`,
    );
    expect(() => multusNetworkOfNic({ ...base, nic: 'eth0', annotations: { [DEFAULT_NET]: '{"name":' } })).toThrow(DEFAULT_NET);
    expect(() => multusNetworkOfNic({ ...base, nic: 'eth0', annotations: { [DEFAULT_NET]: '{"namespace":"x"}' } })).toThrow('name is required');
  });
});

describe('multusNetworkOfNic: additional NICs', () => {
  it('matches comma-list entries by order to net1, net2 and resolves to the pod namespace', () => {
    const annotations = { [NETWORKS]: 'macvlan-a, other-ns/macvlan-b' };
    expect(multusNetworkOfNic({ ...base, nic: 'net1', annotations })).toBe('apps/macvlan-a');
    expect(multusNetworkOfNic({ ...base, nic: 'net2', annotations })).toBe('other-ns/macvlan-b');
    expect(multusNetworkOfNic({ ...base, nic: 'net3', annotations })).toBeUndefined();
  });

  it('matches explicit interface names (@ifname)', () => {
    const annotations = { [NETWORKS]: 'ns1/sriov-a@ens1,macvlan-b' };
    expect(multusNetworkOfNic({ ...base, nic: 'ens1', annotations })).toBe('ns1/sriov-a');
    // Entry 0 asked for ens1, so net1 was not created from it; entry 1 is net2.
    expect(multusNetworkOfNic({ ...base, nic: 'net1', annotations })).toBeUndefined();
    expect(multusNetworkOfNic({ ...base, nic: 'net2', annotations })).toBe('apps/macvlan-b');
  });

  it('reads pretty-printed JSON arrays with interface and namespace', () => {
    const annotations = {
      [NETWORKS]: `[
        { "name": "macvlan-a", "namespace": "ns1", "interface": "data0" },
        { "name": "macvlan-b" }
      ]`,
    };
    expect(multusNetworkOfNic({ ...base, nic: 'data0', annotations })).toBe('ns1/macvlan-a');
    expect(multusNetworkOfNic({ ...base, nic: 'net2', annotations })).toBe('apps/macvlan-b');
  });

  it('uses nicIndex for unnamed NICs', () => {
    const annotations = { [NETWORKS]: 'a,b' };
    expect(multusNetworkOfNic({ ...base, nic: '2', nicIndex: 2, annotations })).toBe('apps/b');
  });

  it('is unknown without the networks annotation', () => {
    expect(multusNetworkOfNic({ ...base, nic: 'net1', annotations: {} })).toBeUndefined();
    expect(multusNetworkOfNic({ ...base, nic: 'foo', annotations: { [NETWORKS]: 'a' } })).toBeUndefined();
  });

  it('rejects malformed networks annotations naming the key', () => {
    const bad = ['', 'a,,b', 'a/b/c', 'a@b@c', 'Bad_Name', '[{"name":1}]', '[{"interface":"x"}]', '{"name":"a"}', '[{"name":"a"', 'a@', 'ns/'];
    for (const value of bad) {
      expect(() => multusNetworkOfNic({ ...base, nic: 'net1', annotations: { [NETWORKS]: value } })).toThrow(`wrong input: ${NETWORKS}: value`);
    }
  });
});

describe('parseMultusNetworks', () => {
  it('returns the parsed entries', () => {
    expect(parseMultusNetworks('ns/a@net5, b', NETWORKS)).toEqual([{ namespace: 'ns', name: 'a', interface: 'net5' }, { name: 'b' }]);
  });
});
