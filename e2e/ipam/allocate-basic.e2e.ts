// SPDX-License-Identifier: Apache-2.0
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { IpVersion } from '@spiderpool/proto';
import {
  addRequest, createNamespace, createNode, createPod, createPool, createReservedIP, delRequest, deletePod, endpointOf, poolRecords,
  startIpamServices, stopIpamServices, type IpamProcess,
} from './ipam-harness.ts';

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 500));
let svc: IpamProcess[];
let ns: string;
let node: string;

beforeAll(async () => {
  svc = await startIpamServices(1);
  ns = await createNamespace();
  node = await createNode();
});
afterAll(async () => stopIpamServices(svc));

const ann = (pools: { ipv4?: string[]; ipv6?: string[] }) => ({ 'ipam.spidernet.io/ippool': JSON.stringify(pools) });

describe('single NIC allocation', () => {
  it('takes the lowest free address outside excludeIPs and reserved IPs, with gateway and default route', async () => {
    const pool = await createPool({ subnet: '192.0.2.0/24', ips: ['192.0.2.10-192.0.2.20'], excludeIPs: ['192.0.2.10'], gateway: '192.0.2.1', routes: [{ dst: '198.51.100.0/24', gw: '192.0.2.254' }] });
    await createReservedIP(4, ['192.0.2.11']);
    await settle(); // reserved IPs reach ipam-service through its watch
    const pod = await createPod({ namespace: ns, node, annotations: ann({ ipv4: [pool] }) });
    const res = await svc[0]!.client.allocate(addRequest(pod, node));
    expect(res.ips).toEqual([expect.objectContaining({ version: IpVersion.V4, address: '192.0.2.12/24', pool, gateway: '192.0.2.1', nic: 'eth0' })]);
    expect(res.routes).toEqual(expect.arrayContaining([
      expect.objectContaining({ nic: 'eth0', dst: '0.0.0.0/0', gw: '192.0.2.1' }),
      expect.objectContaining({ nic: 'eth0', dst: '198.51.100.0/24', gw: '192.0.2.254' }),
    ]));
    const { pool: obj, records } = await poolRecords(pool);
    expect(records.get('192.0.2.12')).toMatchObject({ pod: `${ns}/${pod.metadata.name}`, podUid: pod.metadata.uid, nic: 'eth0', node });
    expect(obj.status).toMatchObject({ allocatedIPCount: 1, totalIPCount: 10 });
    const ep = await endpointOf(ns, pod.metadata.name);
    expect(ep?.status?.current).toMatchObject({ uid: pod.metadata.uid, node, ips: [expect.objectContaining({ interface: 'eth0', ipv4: '192.0.2.12/24', ipv4Pool: pool })] });
    expect(ep?.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'Pod', uid: pod.metadata.uid });
    expect(ep?.metadata?.finalizers).toContain('spiderpool.spidernet.io');
  });

  it('returns the same address for a repeated ADD and releases it on DEL; DEL again succeeds', async () => {
    const pool = await createPool({ subnet: '192.0.2.0/24', ips: ['192.0.2.100-192.0.2.101'] });
    const pod = await createPod({ namespace: ns, node, annotations: ann({ ipv4: [pool] }) });
    const first = await svc[0]!.client.allocate(addRequest(pod, node));
    const again = await svc[0]!.client.allocate(addRequest(pod, node));
    expect(again.ips[0]?.address).toBe(first.ips[0]?.address);
    expect((await poolRecords(pool)).records.size).toBe(1);
    await deletePod(ns, pod.metadata.name);
    const del = await svc[0]!.client.release(delRequest(pod, node));
    expect(del.released.map((r) => r.ip)).toEqual(['192.0.2.100']);
    expect((await poolRecords(pool)).records.size).toBe(0);
    expect(await endpointOf(ns, pod.metadata.name)).toBeUndefined();
    const delAgain = await svc[0]!.client.release(delRequest(pod, node));
    expect(delAgain.released).toEqual([]);
  });

  it('keeps the addresses of a pod that is still alive on DEL (sandbox re-creation)', async () => {
    const pool = await createPool({ subnet: '192.0.2.0/24', ips: ['192.0.2.110'] });
    const pod = await createPod({ namespace: ns, node, annotations: ann({ ipv4: [pool] }) });
    await svc[0]!.client.allocate(addRequest(pod, node));
    const del = await svc[0]!.client.release(delRequest(pod, node));
    expect(del).toMatchObject({ kept: true, released: [] });
    expect((await poolRecords(pool)).records.size).toBe(1);
  });

  it('DEL of an allocation that never existed succeeds', async () => {
    const res = await svc[0]!.client.release({ pod: { namespace: ns, name: 'never-existed', uid: 'u-none' }, attachment: { containerId: 'c', interface: 'eth0' }, node });
    expect(res.released).toEqual([]);
  });

  it('tries the next pool when the first is used out', async () => {
    const full = await createPool({ subnet: '198.51.100.0/24', ips: ['198.51.100.5'] });
    const next = await createPool({ subnet: '198.51.100.0/24', ips: ['198.51.100.6'] });
    const a = await createPod({ namespace: ns, node, annotations: ann({ ipv4: [full, next] }) });
    const b = await createPod({ namespace: ns, node, annotations: ann({ ipv4: [full, next] }) });
    expect((await svc[0]!.client.allocate(addRequest(a, node))).ips[0]).toMatchObject({ pool: full, address: '198.51.100.5/24' });
    expect((await svc[0]!.client.allocate(addRequest(b, node))).ips[0]).toMatchObject({ pool: next, address: '198.51.100.6/24' });
    const c = await createPod({ namespace: ns, node, annotations: ann({ ipv4: [full, next] }) });
    const err = await svc[0]!.client.allocate(addRequest(c, node)).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'IP_USED_OUT' });
    expect((err as Error).message).toMatch(/^all IP addresses used out: IPv4 IPPools of eth0 have no free address/);
  });
});
