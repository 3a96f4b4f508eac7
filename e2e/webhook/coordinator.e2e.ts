// SPDX-License-Identifier: Apache-2.0
// SpiderCoordinator end to end: the real kube-apiserver sends SpiderCoordinators to the real
// webhook-service process; invalid ones are refused with their rule id, a valid one is stored
// with its defaults, and the process's status controller (leader of its own Lease, limited to
// this file's coordinators by a label selector) writes its status.
// The controller itself, in-process against the real API server and all its discovery sources,
// is tested by apps/webhook-service/src/coordinator/coordinator-status-controller.int.ts.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { API_VERSION, type SpiderCoordinator } from '@spiderpool/crds';
import { SpiderpoolError } from '@spiderpool/errors';
import { KubeClient, Resources, type KubeObject } from '@spiderpool/k8s';
import { adminKubeConfig, sleep, uniqueName } from '../testbed/index.ts';
import { startWebhookHarness, type WebhookHarness } from './webhook-harness.ts';

const SCC = Resources.coordinators;
const RUN_LABEL = 'e2e.spiderpool.spidernet.io/coordinator-admission';
const run = uniqueName('scc');

let wh: WebhookHarness;
let kube: KubeClient;
let ns: string;
const created: string[] = [];

beforeAll(async () => {
  kube = await KubeClient.create(adminKubeConfig());
  ns = uniqueName('scc-wh');
  await kube.create(Resources.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } } as KubeObject);
  // Its own Lease (leads at once, whatever other webhook processes run) and only this file's
  // coordinators: the test bed is shared with files that set statuses of their own.
  wh = await startWebhookHarness({
    env: {
      SPIDERPOOL_COORDINATOR_STATUS_ENABLED: 'true',
      SPIDERPOOL_COORDINATOR_LEASE_NAMESPACE: ns,
      SPIDERPOOL_COORDINATOR_LEASE_NAME: 'coordinator-status-e2e',
      SPIDERPOOL_COORDINATOR_SOURCE_NAMESPACE: ns,
      SPIDERPOOL_COORDINATOR_LABEL_SELECTOR: `${RUN_LABEL}=${run}`,
    },
  });
}, 90_000);

afterAll(async () => {
  for (const name of created) await kube.delete(SCC, name).catch(() => undefined);
  await wh?.stop();
  if (ns) await kube.delete(Resources.namespaces, ns).catch(() => undefined);
});

function coordinator(spec: Record<string, unknown>): SpiderCoordinator {
  const name = uniqueName('scc');
  return { apiVersion: API_VERSION, kind: 'SpiderCoordinator', metadata: { name, labels: { ...wh.labels, [RUN_LABEL]: run } }, spec: spec as SpiderCoordinator['spec'] };
}

async function create(spec: Record<string, unknown>): Promise<SpiderCoordinator> {
  const object = coordinator(spec);
  const stored = await kube.create(SCC, object);
  created.push(object.metadata!.name!);
  return stored;
}

async function refusal(write: Promise<unknown>): Promise<string> {
  const err = await write.then(() => undefined, (e: unknown) => e);
  if (!(err instanceof SpiderpoolError)) throw new Error(`the API server admitted the object (or failed otherwise: ${String(err)})`);
  expect(err.code).toBe('INVALID_INPUT');
  return err.message;
}

/**
 * Only rules the CRD schema does not already enforce can reach the webhook (the API server
 * checks the schema first): enums and the schema's minimums are refused before admission.
 */
const INVALID: Array<[string, Record<string, unknown>, string]> = [
  ['no podCIDRType', {}, 'pod-cidr-type-required'],
  ['hijackCIDR entry neither IP nor CIDR', { hijackCIDR: ['198.51.100.0/24', 'dns'] }, 'hijack-cidr-format'],
  ['policy route with a bad dst', { policyRoutes: [{ dst: '203.0.113.0/99', gw: '192.0.2.1' }] }, 'policy-route-dst-format'],
  ['policy route with a bad gw', { policyRoutes: [{ dst: '203.0.113.0/24', gw: 'router' }] }, 'policy-route-gw-format'],
  ['policy route of mixed families', { policyRoutes: [{ dst: '203.0.113.0/24', gw: '2001:db8::1' }] }, 'policy-route-family'],
  ['MAC prefix of three bytes', { podMACPrefix: '0a:1b:2c' }, 'pod-mac-prefix-format'],
  ['multicast MAC prefix', { podMACPrefix: '01:00' }, 'pod-mac-prefix-unicast'],
  ['bad default-route NIC name', { podDefaultRouteNIC: 'net/1' }, 'pod-default-route-nic-name'],
  ['hostRuleTable 254 (main)', { hostRuleTable: 254 }, 'host-rule-table-reserved'],
  ['hostRuleTable 0', { hostRuleTable: 0 }, 'host-rule-table-range'],
  ['podRPFilter 3', { podRPFilter: 3 }, 'pod-rp-filter-value'],
  ['vethLinkAddress not an IP', { vethLinkAddress: 'link-local' }, 'veth-link-address-ip'],
  ['IPv6 vethLinkAddress', { vethLinkAddress: 'fe80::1' }, 'veth-link-address-ipv4'],
  ['vethMTU 67', { vethMTU: 67 }, 'veth-mtu-range'],
];

describe('SpiderCoordinator admission through the API server', () => {
  it.each(INVALID)('refuses %s with its rule id', async (_title, spec, id) => {
    const full = { ...(Object.keys(spec).length === 0 ? {} : { podCIDRType: 'auto' }), ...spec };
    const object = coordinator(full);
    const message = await refusal(kube.create(SCC, object));
    expect(message).toContain('denied the request');
    expect(message).toContain(`[${id}]`);
    expect(await kube.find(SCC, object.metadata!.name!)).toBeUndefined();
  });

  it('stores a valid coordinator with its defaults and normalised addresses', async () => {
    const stored = await create({ podCIDRType: 'none', mode: 'disabled', hijackCIDR: ['169.254.25.10', '2001:db8::53'], policyRoutes: [{ dst: '203.0.113.9', gw: '192.0.2.1' }] });
    const read = await kube.get<SpiderCoordinator>(SCC, stored.metadata!.name!);
    // vethMTU has no schema default: 1500 can only come from the mutating webhook.
    expect(read.spec).toEqual({
      podCIDRType: 'none',
      mode: 'disabled',
      hijackCIDR: ['169.254.25.10/32', '2001:db8::53/128'],
      policyRoutes: [{ dst: '203.0.113.9/32', gw: '192.0.2.1' }],
      tunePodRoutes: true,
      hostRuleTable: 500,
      podRPFilter: 0,
      txQueueLen: 0,
      vethMTU: 1500,
    });
    expect(await wh.admissions({ webhook: 'mutate', kind: 'SpiderCoordinator' })).toBeGreaterThan(0);
  });

  it('refuses an update that breaks a rule, and keeps the stored object', async () => {
    const stored = await create({ podCIDRType: 'cluster', podMACPrefix: '0a:1b' });
    const current = await kube.get<SpiderCoordinator>(SCC, stored.metadata!.name!);
    const message = await refusal(kube.update(SCC, { ...current, spec: { ...current.spec, podMACPrefix: 'ff:00' } }));
    expect(message).toContain('[pod-mac-prefix-unicast]');
    expect((await kube.get<SpiderCoordinator>(SCC, stored.metadata!.name!)).spec?.podMACPrefix).toBe('0a:1b');
  });

  it('admits the deletion of any coordinator', async () => {
    const stored = await create({ podCIDRType: 'auto' });
    await kube.delete(SCC, stored.metadata!.name!);
    expect(await wh.admissions({ webhook: 'validate', operation: 'DELETE', kind: 'SpiderCoordinator' })).toBeGreaterThan(0);
  });
});

describe('SpiderCoordinator status from the webhook-service process', () => {
  it('the leader writes Synced with the service CIDRs for podCIDRType none, NotReady with a reason for cluster', async () => {
    const none = await create({ podCIDRType: 'none' });
    const cluster = await create({ podCIDRType: 'cluster' });
    const statusOf = async (name: string): Promise<SpiderCoordinator['status']> => {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const status = (await kube.get<SpiderCoordinator>(SCC, name)).status;
        if (status) return status;
        if (Date.now() > deadline) throw new Error(`no status on ${name}\n${wh.process.logTail()}`);
        await sleep(200);
      }
    };
    const synced = await statusOf(none.metadata!.name!);
    expect(synced).toMatchObject({ phase: 'Synced', overlayPodCIDR: [] });
    expect(synced?.serviceCIDR).toContain('10.96.0.0/16');
    expect(await statusOf(cluster.metadata!.name!)).toEqual({
      phase: 'NotReady',
      reason: `pod CIDR (podCIDRType cluster) not found: no Pod labelled component=kube-controller-manager in namespace ${ns}; ConfigMap ${ns}/kubeadm-config not found`,
      overlayPodCIDR: [],
      serviceCIDR: synced?.serviceCIDR,
    });
  });
});
