// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { coordinatorStatusOf, podCidrsOf, sameStatus, serviceCidrsOf } from './cluster-network.ts';
import { readOnce } from './network-sources.ts';
import { fakeNetworkSources, type FakeNetworkState } from './testing/fake-network-sources.ts';

const KUBEADM = 'kind: ClusterConfiguration\nnetworking:\n  podSubnet: 198.51.100.0/24,2001:db8:1::/64\n  serviceSubnet: 203.0.113.0/26\n';
const KCM = ['kube-controller-manager', '--cluster-cidr=192.0.2.0/25', '--service-cluster-ip-range=192.0.2.128/26'];
const SERVICE_CIDRS = [{ metadata: { name: 'kubernetes' }, spec: { cidrs: ['203.0.113.0/24', '2001:db8:2::/112'] } }];

const sources = (state: FakeNetworkState) => fakeNetworkSources(state);

describe('pod CIDR discovery by podCIDRType', () => {
  it('cluster: kube-controller-manager --cluster-cidr wins over kubeadm-config', async () => {
    expect(await podCidrsOf('cluster', sources({ kubeadm: KUBEADM, commandLines: { 'kube-controller-manager': [KCM] } }))).toEqual({ ok: true, value: ['192.0.2.0/25'] });
  });

  it('cluster: kubeadm-config podSubnet (dual stack) without a controller-manager Pod', async () => {
    expect(await podCidrsOf('cluster', sources({ kubeadm: KUBEADM }))).toEqual({ ok: true, value: ['198.51.100.0/24', '2001:db8:1::/64'] });
  });

  it('cluster: a controller-manager Pod without --cluster-cidr falls through to kubeadm-config', async () => {
    const state = { kubeadm: KUBEADM, commandLines: { 'kube-controller-manager': [['kube-controller-manager', '--v=2']] } };
    expect(await podCidrsOf('cluster', sources(state))).toEqual({ ok: true, value: ['198.51.100.0/24', '2001:db8:1::/64'] });
  });

  it('cluster: names every source tried when none answers', async () => {
    expect(await podCidrsOf('cluster', sources({ kubeadm: 'kind: ClusterConfiguration\n' }))).toEqual({
      ok: false,
      reason: 'pod CIDR (podCIDRType cluster) not found: no Pod labelled component=kube-controller-manager in namespace kube-system; kubeadm-config sets no networking.podSubnet',
    });
  });

  it('cluster: an invalid flag value is named', async () => {
    const state = { commandLines: { 'kube-controller-manager': [['kube-controller-manager', '--cluster-cidr=192.0.2.0/40']] } };
    expect(await podCidrsOf('cluster', sources(state))).toEqual({
      ok: false,
      reason: 'pod CIDR (podCIDRType cluster) not found: kube-controller-manager --cluster-cidr "192.0.2.0/40" holds no valid CIDR; ConfigMap kube-system/kubeadm-config not found',
    });
  });

  it('calico: enabled pools only; NotReady reasons for an absent CRD and for no enabled pool', async () => {
    const pools = [{ spec: { cidr: '192.0.2.0/24' } }, { spec: { cidr: '198.51.100.0/24', disabled: true } }];
    expect(await podCidrsOf('calico', sources({ calicoPools: pools }))).toEqual({ ok: true, value: ['192.0.2.0/24'] });
    expect(await podCidrsOf('calico', sources({}))).toEqual({ ok: false, reason: 'pod CIDR (podCIDRType calico) not found: Calico IPPool API (crd.projectcalico.org/v1 ippools) not found' });
    expect(await podCidrsOf('calico', sources({ calicoPools: [pools[1]!] }))).toEqual({ ok: false, reason: 'pod CIDR (podCIDRType calico) not found: no enabled Calico IPPool with a valid spec.cidr' });
  });

  it('cilium: cluster-pool CIDRs, or the cluster sources in kubernetes IPAM mode', async () => {
    expect(await podCidrsOf('cilium', sources({ cilium: { 'cluster-pool-ipv4-cidr': '192.0.2.0/24' } }))).toEqual({ ok: true, value: ['192.0.2.0/24'] });
    expect(await podCidrsOf('cilium', sources({ cilium: { ipam: 'kubernetes' }, kubeadm: KUBEADM }))).toEqual({ ok: true, value: ['198.51.100.0/24', '2001:db8:1::/64'] });
    const unknown = await podCidrsOf('cilium', sources({ cilium: { ipam: 'kubernetes' } }));
    expect(unknown.ok ? '' : unknown.reason).toMatch(/^pod CIDR \(podCIDRType cilium\) not found: cilium-config ipam mode kubernetes takes the cluster's pod CIDR, which is unknown: /);
  });

  it('auto: calico first, then cilium, then the cluster sources', async () => {
    const all = { calicoPools: [{ spec: { cidr: '192.0.2.0/24' } }], cilium: { 'cluster-pool-ipv4-cidr': '198.51.100.0/24' }, kubeadm: KUBEADM };
    expect(await podCidrsOf('auto', sources(all))).toEqual({ ok: true, value: ['192.0.2.0/24'] });
    expect(await podCidrsOf('auto', sources({ ...all, calicoPools: undefined }))).toEqual({ ok: true, value: ['198.51.100.0/24'] });
    expect(await podCidrsOf('auto', sources({ kubeadm: KUBEADM }))).toEqual({ ok: true, value: ['198.51.100.0/24', '2001:db8:1::/64'] });
    const none = await podCidrsOf('auto', sources({}));
    expect(none.ok ? [] : none.reason.split('; ')).toEqual([
      'pod CIDR (podCIDRType auto) not found: Calico IPPool API (crd.projectcalico.org/v1 ippools) not found',
      'ConfigMap kube-system/cilium-config not found',
      'no Pod labelled component=kube-controller-manager in namespace kube-system',
      'ConfigMap kube-system/kubeadm-config not found',
    ]);
  });

  it('none: no pod CIDRs, without reading any source', async () => {
    const s = sources({});
    expect(await podCidrsOf('none', s)).toEqual({ ok: true, value: [] });
    expect(s.reads.size).toBe(0);
  });

  it('an unset or unknown podCIDRType is a reason, not a guess', async () => {
    expect(await podCidrsOf(undefined, sources({ kubeadm: KUBEADM }))).toEqual({ ok: false, reason: 'spec.podCIDRType null is not one of none, cluster, calico, cilium, auto' });
    expect(await podCidrsOf('flannel', sources({ kubeadm: KUBEADM }))).toEqual({ ok: false, reason: 'spec.podCIDRType "flannel" is not one of none, cluster, calico, cilium, auto' });
  });
});

describe('service CIDR discovery', () => {
  it('ServiceCIDR objects first, skipping objects being deleted, merging the rest', async () => {
    const objects = [
      ...SERVICE_CIDRS,
      { metadata: { name: 'extra' }, spec: { cidrs: ['198.51.100.0/24', '203.0.113.0/24'] } },
      { metadata: { name: 'going', deletionTimestamp: '2030-01-01T00:00:00Z' }, spec: { cidrs: ['192.0.2.0/24'] } },
    ];
    expect(await serviceCidrsOf(sources({ serviceCIDRs: objects, kubeadm: KUBEADM }))).toEqual({ ok: true, value: ['203.0.113.0/24', '2001:db8:2::/112', '198.51.100.0/24'] });
  });

  it('then kubeadm-config, then the controller-manager flag, then the apiserver flag', async () => {
    const apiserver = { 'kube-apiserver': [['kube-apiserver', '--service-cluster-ip-range=198.51.100.0/24']] };
    expect(await serviceCidrsOf(sources({ kubeadm: KUBEADM, commandLines: { 'kube-controller-manager': [KCM], ...apiserver } }))).toEqual({ ok: true, value: ['203.0.113.0/26'] });
    expect(await serviceCidrsOf(sources({ commandLines: { 'kube-controller-manager': [KCM], ...apiserver } }))).toEqual({ ok: true, value: ['192.0.2.128/26'] });
    expect(await serviceCidrsOf(sources({ serviceCIDRs: [], commandLines: apiserver }))).toEqual({ ok: true, value: ['198.51.100.0/24'] });
  });

  it('names every source when none answers', async () => {
    expect(await serviceCidrsOf(sources({ serviceCIDRs: [] }))).toEqual({
      ok: false,
      reason: 'service CIDR not found: no ServiceCIDR object holds a valid CIDR; ConfigMap kube-system/kubeadm-config not found; '
        + 'no Pod labelled component=kube-controller-manager in namespace kube-system; no Pod labelled component=kube-apiserver in namespace kube-system',
    });
  });
});

describe('coordinator status', () => {
  it('Synced with both lists when both are known', async () => {
    expect(await coordinatorStatusOf('cluster', sources({ kubeadm: KUBEADM, serviceCIDRs: SERVICE_CIDRS }))).toEqual({
      phase: 'Synced',
      overlayPodCIDR: ['198.51.100.0/24', '2001:db8:1::/64'],
      serviceCIDR: ['203.0.113.0/24', '2001:db8:2::/112'],
    });
  });

  it('none: Synced with an empty overlayPodCIDR', async () => {
    expect(await coordinatorStatusOf('none', sources({ serviceCIDRs: SERVICE_CIDRS }))).toEqual({ phase: 'Synced', overlayPodCIDR: [], serviceCIDR: ['203.0.113.0/24', '2001:db8:2::/112'] });
  });

  it('NotReady keeps what was found, and never leaves a list out (upstream bug #8)', async () => {
    expect(await coordinatorStatusOf('calico', sources({ serviceCIDRs: SERVICE_CIDRS }))).toEqual({
      phase: 'NotReady',
      reason: 'pod CIDR (podCIDRType calico) not found: Calico IPPool API (crd.projectcalico.org/v1 ippools) not found',
      overlayPodCIDR: [],
      serviceCIDR: ['203.0.113.0/24', '2001:db8:2::/112'],
    });
    const noService = await coordinatorStatusOf('cluster', sources({ commandLines: { 'kube-controller-manager': [['kube-controller-manager', '--cluster-cidr=192.0.2.0/24']] } }));
    expect(noService).toMatchObject({ phase: 'NotReady', overlayPodCIDR: ['192.0.2.0/24'], serviceCIDR: [] });
    expect(noService.reason).toMatch(/^service CIDR not found: ServiceCIDR API/);
  });

  it('a source that fails to answer throws instead of producing NotReady', async () => {
    const s = sources({ serviceCIDRs: SERVICE_CIDRS, failing: new Set(['calicoIPPools']) });
    await expect(coordinatorStatusOf('calico', s)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });

  it('a pass reads each source once however many coordinators share it', async () => {
    const s = sources({ kubeadm: KUBEADM, serviceCIDRs: SERVICE_CIDRS });
    const once = readOnce(s);
    for (const type of ['cluster', 'auto', 'cilium', 'calico', 'cluster']) await coordinatorStatusOf(type, once);
    expect(Object.fromEntries(s.reads)).toEqual({ controlPlaneCommandLines: 1, kubeadmClusterConfiguration: 1, serviceCIDRObjects: 1, calicoIPPools: 1, ciliumConfig: 1 });
  });

  it('compares statuses field by field, in order', () => {
    const s = { phase: 'Synced', overlayPodCIDR: ['192.0.2.0/24'], serviceCIDR: ['203.0.113.0/24'] };
    expect(sameStatus(s, { ...s })).toBe(true);
    expect(sameStatus({ ...s, reason: '' }, s)).toBe(true);
    expect(sameStatus(undefined, s)).toBe(false);
    expect(sameStatus({ phase: 'Synced', overlayPodCIDR: ['192.0.2.0/24'] }, s)).toBe(false);
    expect(sameStatus({ ...s, serviceCIDR: ['198.51.100.0/24'] }, s)).toBe(false);
    expect(sameStatus({ ...s, phase: 'NotReady', reason: 'x' }, s)).toBe(false);
  });
});
