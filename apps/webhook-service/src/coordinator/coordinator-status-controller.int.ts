// SPDX-License-Identifier: Apache-2.0
// The SpiderCoordinator status controller, in this process, against the test bed's real
// kube-apiserver: real ServiceCIDR objects, ConfigMaps, Pods, a Calico CRD that is first absent
// and then installed, the status subresource and watches. The test bed is shared by parallel
// test files, so the controller only sees coordinators labelled for this file and reads
// kubeadm-config, cilium-config and control-plane Pods from a namespace of its own instead of
// kube-system. (An app may not import the e2e package: the test bed is reached through the
// state file that the jest integration project publishes, as libs/k8s/src/leader-election.int.ts
// does.)
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { SpiderCoordinator, SpiderCoordinatorStatus } from '@spiderpool/crds';
import { KubeClient, Resources, loadKubeConfig, type KubeObject, type ResourceRef } from '@spiderpool/k8s';
import { Registry, createLogger } from '@spiderpool/observability';
import { coordinatorStatusComponent } from './coordinator-status-component.ts';
import { CoordinatorStatusConfigSchema } from './coordinator-status-config.ts';
import { startCoordinatorStatusController, type CoordinatorStatusController } from './coordinator-status-controller.ts';
import { NetworkResources } from './kube-network-sources.ts';

const unique = (prefix: string): string => `${prefix}-${randomBytes(4).toString('hex')}`;
const RUN = unique('run');
const LABEL = 'e2e.spiderpool.spidernet.io/coordinator-status';
const CALICO_CRD = 'ippools.crd.projectcalico.org';
const crds: ResourceRef = { base: '/apis/apiextensions.k8s.io/v1', plural: 'customresourcedefinitions', namespaced: false };
const namespaces: ResourceRef = Resources.namespaces;

let client: KubeClient;
let namespace: string;
let controller: CoordinatorStatusController;
const abort = new AbortController();
const registry = new Registry();
const created: string[] = [];

function testbedKubeconfig(): string {
  const file = process.env['SPIDERPOOL_TESTBED_STATE'];
  if (!file) throw new Error('SPIDERPOOL_TESTBED_STATE is not set: run through the jest "integration" project');
  return (JSON.parse(readFileSync(file, 'utf8')) as { kubeconfig: string }).kubeconfig;
}

async function createCoordinator(podCIDRType: string, labelled: boolean | string = true): Promise<string> {
  const name = unique(`scc-${podCIDRType}`);
  created.push(name);
  const labels: Record<string, string> = labelled === false ? {} : { [LABEL]: labelled === true ? RUN : labelled };
  await client.create<SpiderCoordinator>(Resources.coordinators, { apiVersion: 'spiderpool.spidernet.io/v2beta1', kind: 'SpiderCoordinator', metadata: { name, labels }, spec: { podCIDRType } as SpiderCoordinator['spec'] });
  return name;
}

/** Polls the stored status until `accept` holds; fails with the last status seen. */
async function statusOf(name: string, accept: (s: SpiderCoordinatorStatus | undefined) => boolean, timeoutMs = 20_000): Promise<SpiderCoordinatorStatus | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = (await client.get<SpiderCoordinator>(Resources.coordinators, name)).status;
    if (accept(status)) return status;
    if (Date.now() > deadline) throw new Error(`status of ${name} never matched; last: ${JSON.stringify(status)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const settledTo = (phase: string, overlayPodCIDR?: string[]) => (s: SpiderCoordinatorStatus | undefined): boolean =>
  s?.phase === phase && (overlayPodCIDR === undefined || JSON.stringify(s.overlayPodCIDR) === JSON.stringify(overlayPodCIDR));

async function serviceCidrsOfTestbed(): Promise<string[]> {
  const list = await client.list<KubeObject & { spec?: { cidrs?: string[] } }>(NetworkResources.serviceCIDRs);
  return [...new Set(list.items.flatMap((o) => o.spec?.cidrs ?? []))];
}

async function createConfigMap(name: string, data: Record<string, string>): Promise<void> {
  await client.create(NetworkResources.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data } as KubeObject);
}

/** The namespace's default ServiceAccount appears shortly after the namespace: retry until then. */
async function createPod(body: KubeObject): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      await client.create(Resources.pods, body);
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** Touching the object is a watch event of the coordinator: the controller re-evaluates. */
async function touch(name: string): Promise<void> {
  await client.mergePatch(Resources.coordinators, name, { metadata: { annotations: { 'e2e.spiderpool.spidernet.io/touched': String(Date.now()) } } });
}

async function installCalicoCrd(): Promise<void> {
  await client.create(crds, {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: CALICO_CRD },
    spec: {
      group: 'crd.projectcalico.org',
      scope: 'Cluster',
      names: { kind: 'IPPool', plural: 'ippools', singular: 'ippool', listKind: 'IPPoolList' },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
    },
  } as KubeObject);
  const deadline = Date.now() + 20_000;
  for (;;) {
    const crd = await client.get<KubeObject & { status?: { conditions?: Array<{ type: string; status: string }> } }>(crds, CALICO_CRD);
    if (crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) return;
    if (Date.now() > deadline) throw new Error('the Calico IPPool CRD was never established');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  client = await KubeClient.create(loadKubeConfig(testbedKubeconfig()));
  namespace = unique('scc-sources');
  await client.create(namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } } as KubeObject);
  // The Calico test needs the CRD absent first; nothing else in the test bed installs it.
  expect(await client.find(crds, CALICO_CRD)).toBeUndefined();
  controller = startCoordinatorStatusController({
    client,
    logger: createLogger({ service: 'coordinator-status-int', level: 'silent' }),
    metrics: registry,
    signal: abort.signal,
    namespace,
    labelSelector: `${LABEL}=${RUN}`,
    // Long enough that every change below must reach the controller through a watch.
    resyncMs: 600_000,
  });
});

afterAll(async () => {
  abort.abort();
  await controller?.stopped;
  await client.delete(crds, CALICO_CRD).catch(() => undefined);
  for (const name of created) await client.delete(Resources.coordinators, name).catch(() => undefined);
  await client.delete(namespaces, namespace).catch(() => undefined);
});

describe('SpiderCoordinator status controller against the real API server', () => {
  it('podCIDRType none: Synced with no pod CIDR and the service CIDRs of the ServiceCIDR objects', async () => {
    const serviceCIDR = await serviceCidrsOfTestbed();
    // The test bed's apiserver (v1.36) creates the default ServiceCIDR from --service-cluster-ip-range.
    expect(serviceCIDR).toContain('10.96.0.0/16');
    const name = await createCoordinator('none');
    expect(await statusOf(name, settledTo('Synced'))).toEqual({ phase: 'Synced', overlayPodCIDR: [], serviceCIDR });
  });

  it('podCIDRType cluster: NotReady without sources, then kubeadm-config, then the controller-manager flag', async () => {
    const serviceCIDR = await serviceCidrsOfTestbed();
    const name = await createCoordinator('cluster');
    const notReady = await statusOf(name, settledTo('NotReady'));
    expect(notReady).toEqual({
      phase: 'NotReady',
      reason: `pod CIDR (podCIDRType cluster) not found: no Pod labelled component=kube-controller-manager in namespace ${namespace}; ConfigMap ${namespace}/kubeadm-config not found`,
      overlayPodCIDR: [],
      // Known service CIDRs are written even when the pod CIDR is not (upstream bug #8).
      serviceCIDR,
    });

    await createConfigMap('kubeadm-config', { ClusterConfiguration: 'kind: ClusterConfiguration\nnetworking:\n  podSubnet: 198.51.100.0/24,2001:db8:42::/64\n  serviceSubnet: 203.0.113.0/24\n' });
    // The reason of NotReady is removed, and ServiceCIDR objects still win over serviceSubnet.
    expect(await statusOf(name, settledTo('Synced'))).toEqual({ phase: 'Synced', overlayPodCIDR: ['198.51.100.0/24', '2001:db8:42::/64'], serviceCIDR });

    const pod = unique('kube-controller-manager');
    await createPod({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: pod, namespace, labels: { component: 'kube-controller-manager', tier: 'control-plane' } },
      spec: {
        automountServiceAccountToken: false,
        containers: [{ name: 'kube-controller-manager', image: 'registry.invalid/kube-controller-manager:v0', command: ['kube-controller-manager', '--allocate-node-cidrs=true', '--cluster-cidr=192.0.2.0/24'] }],
      },
    } as KubeObject);
    // The running component's flag wins over what kubeadm was once given.
    expect(await statusOf(name, settledTo('Synced', ['192.0.2.0/24']))).toEqual({ phase: 'Synced', overlayPodCIDR: ['192.0.2.0/24'], serviceCIDR });

    await client.delete(Resources.pods, pod, namespace, {});
    await client.delete(NetworkResources.configMaps, 'kubeadm-config', namespace);
    expect((await statusOf(name, settledTo('NotReady')))?.reason).toContain(`ConfigMap ${namespace}/kubeadm-config not found`);
  });

  it('podCIDRType calico: NotReady while the Calico CRD is absent, Synced with the enabled pools once it exists', async () => {
    const serviceCIDR = await serviceCidrsOfTestbed();
    const name = await createCoordinator('calico');
    expect(await statusOf(name, settledTo('NotReady'))).toEqual({
      phase: 'NotReady',
      reason: 'pod CIDR (podCIDRType calico) not found: Calico IPPool API (crd.projectcalico.org/v1 ippools) not found',
      overlayPodCIDR: [],
      serviceCIDR,
    });

    await installCalicoCrd();
    for (const [pool, cidr, disabled] of [['enabled', '203.0.113.0/25', false], ['disabled', '203.0.113.128/25', true]] as const) {
      await client.create(NetworkResources.calicoIPPools, { apiVersion: 'crd.projectcalico.org/v1', kind: 'IPPool', metadata: { name: `${RUN}-${pool}` }, spec: { cidr, disabled } } as KubeObject);
    }
    await touch(name);
    expect(await statusOf(name, settledTo('Synced'))).toEqual({ phase: 'Synced', overlayPodCIDR: ['203.0.113.0/25'], serviceCIDR });
  });

  it('podCIDRType cilium: the cluster-pool CIDRs of cilium-config', async () => {
    const name = await createCoordinator('cilium');
    expect((await statusOf(name, settledTo('NotReady')))?.reason).toBe(`pod CIDR (podCIDRType cilium) not found: ConfigMap ${namespace}/cilium-config not found`);
    await createConfigMap('cilium-config', { ipam: 'cluster-pool', 'cluster-pool-ipv4-cidr': '198.51.100.128/25' });
    expect(await statusOf(name, settledTo('Synced'))).toMatchObject({ phase: 'Synced', overlayPodCIDR: ['198.51.100.128/25'] });
  });

  it('writes only the coordinators its label selector matches', async () => {
    const foreign = await createCoordinator('none', false);
    const own = await createCoordinator('none');
    await statusOf(own, settledTo('Synced'));
    // The labelled one was created later and has its status: passes ran while both existed.
    expect((await client.get<SpiderCoordinator>(Resources.coordinators, foreign)).status).toBeUndefined();
  });

  it('counts its writes, and writes nothing after its signal aborted', async () => {
    const metrics = await registry.getSingleMetricAsString('spiderpool_coordinator_status_writes_total');
    expect(metrics).toMatch(/spiderpool_coordinator_status_writes_total\{phase="Synced"\} [1-9]/);
    expect(metrics).toMatch(/spiderpool_coordinator_status_writes_total\{phase="NotReady"\} [1-9]/);
    abort.abort();
    await controller.stopped;
    const late = await createCoordinator('none');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await client.get<SpiderCoordinator>(Resources.coordinators, late)).status).toBeUndefined();
  });
});

describe('the webhook-service component', () => {
  const config = (enabled: boolean) => CoordinatorStatusConfigSchema.parse({
    SPIDERPOOL_COORDINATOR_STATUS_ENABLED: String(enabled),
    SPIDERPOOL_COORDINATOR_SOURCE_NAMESPACE: namespace,
    SPIDERPOOL_COORDINATOR_LABEL_SELECTOR: `${LABEL}=${RUN}-component`,
    SPIDERPOOL_COORDINATOR_LEASE_NAMESPACE: namespace,
    SPIDERPOOL_COORDINATOR_LEASE_NAME: 'coordinator-status',
  });
  const leases = Resources.leases;
  const component = (enabled: boolean) => coordinatorStatusComponent({
    client,
    logger: createLogger({ service: 'coordinator-status-int', level: 'silent' }),
    metrics: registry,
    config: config(enabled),
    replica: 'int-test',
  });

  it('disabled: campaigns for no Lease and writes no status', async () => {
    const off = component(false);
    await off.start();
    const name = await createCoordinator('none', `${RUN}-component`);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await off.stop();
    expect(await client.find(leases, 'coordinator-status', namespace)).toBeUndefined();
    expect((await client.get<SpiderCoordinator>(Resources.coordinators, name)).status).toBeUndefined();
  });

  it('enabled: takes the Lease, writes status while leading, and hands the Lease back on stop', async () => {
    const on = component(true);
    await on.start();
    const name = await createCoordinator('none', `${RUN}-component`);
    try {
      expect(await statusOf(name, settledTo('Synced'))).toMatchObject({ phase: 'Synced', overlayPodCIDR: [] });
      const lease = await client.get<KubeObject & { spec?: { holderIdentity?: string } }>(leases, 'coordinator-status', namespace);
      expect(lease.spec?.holderIdentity).toMatch(/^int-test-[0-9a-f]{8}$/);
    } finally {
      await on.stop();
    }
    const released = await client.get<KubeObject & { spec?: { holderIdentity?: string } }>(leases, 'coordinator-status', namespace);
    expect(released.spec?.holderIdentity ?? '').toBe('');
  });
});
