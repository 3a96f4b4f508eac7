// SPDX-License-Identifier: Apache-2.0
// Pod shapes end to end: dual stack, several NICs from one `ippools` annotation, the routes each
// NIC gets, a stateless pod recreated under the same name, and repeated ADDs.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { IpVersion } from '@spiderpool/proto';
import { API_VERSION } from '@spiderpool/crds';
import { Resources, type KubeObject } from '@spiderpool/k8s';
import { uniqueName } from '../testbed/index.ts';
import {
  addRequest, createPod, createPool, deletePod, endpointOf, kube, poolRecords, type IpamClient, type PodObject,
} from './ipam-harness.ts';
import { useIpamSuite } from './ipam-suite.ts';

const IPPOOL = 'ipam.spidernet.io/ippool';
const IPPOOLS = 'ipam.spidernet.io/ippools';
const ROUTES = 'ipam.spidernet.io/routes';
const DEFAULT_ROUTE_NIC = 'ipam.spidernet.io/default-route-nic';

const suite = useIpamSuite();
let svc: IpamClient;
let ns: string;
let node: string;
// Runs after the suite's own start-up (hooks run in registration order).
beforeAll(() => {
  ({ svc, ns, node } = suite);
});

const ippools = (entries: Array<Record<string, unknown>>): Record<string, string> => ({ [IPPOOLS]: JSON.stringify(entries) });
/** Routes without the protobuf type tag, for deep equality. */
const plain = (routes: Array<{ nic: string; dst: string; gw: string }>) => routes.map(({ nic, dst, gw }) => ({ nic, dst, gw }));
const podIn = (annotations: Record<string, string>): Promise<PodObject> => createPod({ namespace: ns, node, annotations });

/** Two pools on different subnets, each with a gateway: one for eth0, one for net1. */
async function twoNicPools(): Promise<{ eth0: string; net1: string }> {
  const [eth0, net1] = await Promise.all([
    createPool({ subnet: '192.0.2.0/24', ips: ['192.0.2.30-192.0.2.39'], gateway: '192.0.2.1', routes: [{ dst: '203.0.113.0/28', gw: '192.0.2.254' }] }),
    createPool({ subnet: '198.51.100.0/24', ips: ['198.51.100.30-198.51.100.39'], gateway: '198.51.100.1' }),
  ]);
  return { eth0, net1 };
}

describe('dual stack', () => {
  it('takes one IPv4 and one IPv6 address, both recorded in one endpoint entry', async () => {
    const [v4, v6] = await Promise.all([
      createPool({ subnet: '192.0.2.0/24', ips: ['192.0.2.20'], gateway: '192.0.2.1' }),
      createPool({ ipVersion: 6, subnet: '2001:db8:d5::/64', ips: ['2001:db8:d5::20'], gateway: '2001:db8:d5::1' }),
    ]);
    const pod = await podIn({ [IPPOOL]: JSON.stringify({ ipv4: [v4], ipv6: [v6] }) });
    const res = await svc.allocate(addRequest(pod, node));
    expect(res.ips).toEqual([
      expect.objectContaining({ version: IpVersion.V4, address: '192.0.2.20/24', pool: v4, nic: 'eth0' }),
      expect.objectContaining({ version: IpVersion.V6, address: '2001:db8:d5::20/64', pool: v6, nic: 'eth0', gateway: '2001:db8:d5::1' }),
    ]);
    expect(res.routes).toEqual(expect.arrayContaining([
      expect.objectContaining({ nic: 'eth0', dst: '0.0.0.0/0', gw: '192.0.2.1' }),
      expect.objectContaining({ nic: 'eth0', dst: '::/0', gw: '2001:db8:d5::1' }),
    ]));
    const ep = await endpointOf(ns, pod.metadata.name);
    expect(ep?.status?.current.ips).toEqual([
      expect.objectContaining({ interface: 'eth0', ipv4: '192.0.2.20/24', ipv4Pool: v4, ipv6: '2001:db8:d5::20/64', ipv6Pool: v6 }),
    ]);
    expect((await poolRecords(v4)).records.get('192.0.2.20')).toMatchObject({ podUid: pod.metadata.uid, nic: 'eth0' });
    expect((await poolRecords(v6)).records.get('2001:db8:d5::20')).toMatchObject({ podUid: pod.metadata.uid, nic: 'eth0' });
  });
});

describe('several NICs from ipam.spidernet.io/ippools', () => {
  it('allocates eth0 and net1 at the first ADD; the ADD of net1 returns the same addresses without writing', async () => {
    const pools = await twoNicPools();
    const pod = await podIn(ippools([{ interface: 'eth0', ipv4: [pools.eth0] }, { interface: 'net1', ipv4: [pools.net1] }]));
    const first = await svc.allocate(addRequest(pod, node, 'eth0'));
    expect(first.ips).toEqual([
      expect.objectContaining({ nic: 'eth0', address: '192.0.2.30/24', pool: pools.eth0 }),
      expect.objectContaining({ nic: 'net1', address: '198.51.100.30/24', pool: pools.net1 }),
    ]);
    const ep = await endpointOf(ns, pod.metadata.name);
    expect(ep?.status?.current.ips.map((n) => [n.interface, n.ipv4])).toEqual([['eth0', '192.0.2.30/24'], ['net1', '198.51.100.30/24']]);
    const before = await poolRecords(pools.net1);
    expect([...before.records.values()]).toEqual([expect.objectContaining({ podUid: pod.metadata.uid, nic: 'net1' })]);

    const second = await svc.allocate(addRequest(pod, node, 'net1'));
    expect(second.ips).toEqual(first.ips);
    const after = await poolRecords(pools.net1);
    expect(after.records.size).toBe(1);
    expect(after.pool.metadata?.resourceVersion).toBe(before.pool.metadata?.resourceVersion);
    expect((await poolRecords(pools.eth0)).records.size).toBe(1);
  });
});

describe('routes', () => {
  it('gives pool routes and a default route per NIC, none where cleangateway is set, and attaches annotation routes by gateway', async () => {
    const pools = await twoNicPools();
    const pod = await podIn({
      ...ippools([{ interface: 'eth0', ipv4: [pools.eth0] }, { interface: 'net1', ipv4: [pools.net1], cleangateway: true }]),
      [ROUTES]: JSON.stringify([
        { dst: '203.0.113.128/25', gw: '198.51.100.254' },
        { dst: '203.0.113.64/26', gw: '192.0.2.253' },
        { dst: '203.0.113.32/28', gw: '203.0.113.1' }, // in no NIC's subnet: dropped
      ]),
    });
    const res = await svc.allocate(addRequest(pod, node, 'eth0'));
    expect(plain(res.routes)).toEqual([
      { nic: 'eth0', dst: '0.0.0.0/0', gw: '192.0.2.1' },
      { nic: 'eth0', dst: '203.0.113.0/28', gw: '192.0.2.254' },
      { nic: 'eth0', dst: '203.0.113.64/26', gw: '192.0.2.253' },
      { nic: 'net1', dst: '203.0.113.128/25', gw: '198.51.100.254' },
    ]);
    // The second NIC's ADD answers from the endpoint and must give the same routes.
    expect(plain((await svc.allocate(addRequest(pod, node, 'net1'))).routes)).toEqual(plain(res.routes));
  });

  it('inherits the routes of the owning SpiderSubnet when the pool has none of its own', async () => {
    const k = await kube();
    const subnet = uniqueName('subnet');
    await k.create(Resources.subnets, {
      apiVersion: API_VERSION,
      kind: 'SpiderSubnet',
      metadata: { name: subnet },
      spec: { ipVersion: 4, subnet: '192.0.2.0/24', ips: ['192.0.2.60-192.0.2.69'], routes: [{ dst: '203.0.113.16/28', gw: '192.0.2.252' }] },
    } as KubeObject);
    const pool = uniqueName('owned');
    await k.create(Resources.ipPools, {
      apiVersion: API_VERSION,
      kind: 'SpiderIPPool',
      metadata: { name: pool, labels: { 'ipam.spidernet.io/owner-spider-subnet': subnet } },
      spec: { ipVersion: 4, subnet: '192.0.2.0/24', ips: ['192.0.2.60-192.0.2.61'], gateway: '192.0.2.1' },
    } as KubeObject);
    const pod = await podIn({ [IPPOOL]: JSON.stringify({ ipv4: [pool] }) });
    const res = await svc.allocate(addRequest(pod, node));
    expect(plain(res.routes)).toEqual([
      { nic: 'eth0', dst: '0.0.0.0/0', gw: '192.0.2.1' },
      { nic: 'eth0', dst: '203.0.113.16/28', gw: '192.0.2.252' },
    ]);
  });

  it('gives no default route when the request sets clean_gateway, but keeps the pool routes', async () => {
    const pool = await createPool({ subnet: '192.0.2.0/24', ips: ['192.0.2.40'], gateway: '192.0.2.1', routes: [{ dst: '203.0.113.0/24', gw: '192.0.2.254' }] });
    const pod = await podIn({ [IPPOOL]: JSON.stringify({ ipv4: [pool] }) });
    const res = await svc.allocate(addRequest(pod, node, 'eth0', { cleanGateway: true }));
    expect(plain(res.routes)).toEqual([{ nic: 'eth0', dst: '203.0.113.0/24', gw: '192.0.2.254' }]);
    expect(res.ips[0]).toMatchObject({ gateway: '192.0.2.1' });
  });

  it('puts the default route only on the NIC named by ipam.spidernet.io/default-route-nic', async () => {
    const pools = await twoNicPools();
    const pod = await podIn({ ...ippools([{ interface: 'eth0', ipv4: [pools.eth0] }, { interface: 'net1', ipv4: [pools.net1] }]), [DEFAULT_ROUTE_NIC]: 'net1' });
    for (const nic of ['eth0', 'net1']) {
      const res = await svc.allocate(addRequest(pod, node, nic));
      expect(plain(res.routes.filter((r) => r.dst === '0.0.0.0/0'))).toEqual([{ nic: 'net1', dst: '0.0.0.0/0', gw: '198.51.100.1' }]);
    }
  });
});

describe('stateless pods', () => {
  it('a pod deleted and recreated under the same name gets a fresh allocation', async () => {
    const pool = await createPool({ subnet: '192.0.2.0/24', ips: ['192.0.2.50-192.0.2.51'] });
    const name = `again-${Date.now().toString(36)}`;
    const old = await createPod({ namespace: ns, node, name, annotations: { [IPPOOL]: JSON.stringify({ ipv4: [pool] }) } });
    await svc.allocate(addRequest(old, node));
    await deletePod(ns, name);
    const fresh = await createPod({ namespace: ns, node, name, annotations: { [IPPOOL]: JSON.stringify({ ipv4: [pool] }) } });
    expect(fresh.metadata.uid).not.toBe(old.metadata.uid);
    const res = await svc.allocate(addRequest(fresh, node));
    const ip = res.ips[0]?.address.split('/')[0] ?? '';
    const { records } = await poolRecords(pool);
    expect([...records.entries()]).toEqual([[ip, expect.objectContaining({ podUid: fresh.metadata.uid })]]);
    const ep = await endpointOf(ns, name);
    expect(ep?.status?.current.uid).toBe(fresh.metadata.uid);
    expect(ep?.metadata?.ownerReferences).toEqual([expect.objectContaining({ kind: 'Pod', uid: fresh.metadata.uid })]);
    expect(ep?.metadata?.deletionTimestamp).toBeUndefined();
  });

  it('a repeated ADD returns the same address after the container ID changed, and records the new ID', async () => {
    const pool = await createPool({ subnet: '192.0.2.0/24', ips: ['192.0.2.60-192.0.2.61'] });
    const pod = await podIn({ [IPPOOL]: JSON.stringify({ ipv4: [pool] }) });
    const first = await svc.allocate(addRequest(pod, node));
    const retried = addRequest(pod, node);
    const again = await svc.allocate({ ...retried, attachment: { ...retried.attachment, containerId: 'c-recreated-sandbox' } });
    expect(again.ips).toEqual(first.ips);
    const { records } = await poolRecords(pool);
    expect([...records.values()]).toEqual([expect.objectContaining({ podUid: pod.metadata.uid, containerID: 'c-recreated-sandbox' })]);
  });
});
