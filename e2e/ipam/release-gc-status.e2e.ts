// SPDX-License-Identifier: Apache-2.0
// Release, GC, Check and Status end to end: which records each kind of release frees (and which
// it must leave alone), CNI GC by valid attachments, CNI CHECK and the capacity report.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { IpVersion, ReleaseReason } from '@spiderpool/proto';
import { uniqueName } from '../testbed/index.ts';
import {
  addRequest, createNode, createPod, createPool, delRequest, deletePod, endpointOf, poolRecords, type IpamClient, type PodObject,
} from './ipam-harness.ts';
import { useIpamSuite } from './ipam-suite.ts';

const IPPOOL = 'ipam.spidernet.io/ippool';
const IPPOOLS = 'ipam.spidernet.io/ippools';

const suite = useIpamSuite();
let svc: IpamClient;
let ns: string;
let node: string;
// Runs after the suite's own start-up (hooks run in registration order).
beforeAll(() => {
  ({ svc, ns, node } = suite);
});

const ippool = (pool: string): Record<string, string> => ({ [IPPOOL]: JSON.stringify({ ipv4: [pool] }) });
const podOn = (annotations: Record<string, string>, on = node): Promise<PodObject> => createPod({ namespace: ns, node: on, annotations });
const ips = (released: Array<{ pool: string; ip: string }>) => released.map(({ pool, ip }) => ({ pool, ip }));

/** A pod with eth0 from one pool and net1 from another, both allocated by its first ADD. */
async function twoNicPod(): Promise<{ pod: PodObject; eth0: string; net1: string }> {
  const [eth0, net1] = await Promise.all([
    createPool({ subnet: '192.0.2.0/24', ips: ['192.0.2.120-192.0.2.129'] }),
    createPool({ subnet: '198.51.100.0/24', ips: ['198.51.100.120-198.51.100.129'] }),
  ]);
  const pod = await podOn({ [IPPOOLS]: JSON.stringify([{ interface: 'eth0', ipv4: [eth0] }, { interface: 'net1', ipv4: [net1] }]) });
  await svc.allocate(addRequest(pod, node, 'eth0'));
  return { pod, eth0, net1 };
}

describe('Release', () => {
  it('with all_interfaces frees every NIC of a deleted pod and removes its endpoint', async () => {
    const { pod, eth0, net1 } = await twoNicPod();
    await deletePod(ns, pod.metadata.name);
    const res = await svc.release({ ...delRequest(pod, node, 'eth0'), allInterfaces: true });
    expect(ips(res.released)).toEqual(expect.arrayContaining([{ pool: eth0, ip: '192.0.2.120' }, { pool: net1, ip: '198.51.100.120' }]));
    expect(res.released).toHaveLength(2);
    expect((await poolRecords(eth0)).records.size + (await poolRecords(net1)).records.size).toBe(0);
    expect(await endpointOf(ns, pod.metadata.name)).toBeUndefined();
  });

  it('without all_interfaces frees only the NIC named; the endpoint stays for the others until their own DEL', async () => {
    const { pod, eth0, net1 } = await twoNicPod();
    await deletePod(ns, pod.metadata.name);
    expect(ips((await svc.release(delRequest(pod, node, 'net1'))).released)).toEqual([{ pool: net1, ip: '198.51.100.120' }]);
    expect((await poolRecords(eth0)).records.size).toBe(1);
    expect((await endpointOf(ns, pod.metadata.name))?.status?.current.ips.map((n) => n.interface)).toEqual(['eth0']);
    expect(ips((await svc.release(delRequest(pod, node, 'eth0'))).released)).toEqual([{ pool: eth0, ip: '192.0.2.120' }]);
    expect(await endpointOf(ns, pod.metadata.name)).toBeUndefined();
  });

  it('ADD_ROLLBACK frees every NIC although the pod is alive', async () => {
    const { pod, eth0, net1 } = await twoNicPod();
    expect(await svc.release(delRequest(pod, node))).toMatchObject({ kept: true, released: [] });
    const res = await svc.release({ ...delRequest(pod, node), reason: ReleaseReason.ADD_ROLLBACK });
    expect(res.kept).toBe(false);
    expect(res.released).toHaveLength(2);
    expect((await poolRecords(eth0)).records.size + (await poolRecords(net1)).records.size).toBe(0);
    expect(await endpointOf(ns, pod.metadata.name)).toBeUndefined();
  });

  it('GC with expected records frees only records still held by the named pod UID', async () => {
    const pool = await createPool({ subnet: '192.0.2.0/24', ips: ['192.0.2.130-192.0.2.139'] });
    const [mine, other] = await Promise.all([podOn(ippool(pool)), podOn(ippool(pool))]);
    const mineIp = (await svc.allocate(addRequest(mine, node))).ips[0]?.address.split('/')[0] ?? '';
    const otherIp = (await svc.allocate(addRequest(other, node))).ips[0]?.address.split('/')[0] ?? '';
    const record = (ip: string, uid: string) => ({ pool, ip, pod: { namespace: ns, name: mine.metadata.name, uid } });

    // A stale decision: the caller believes the address belongs to an older UID of the pod.
    const stale = await svc.release({ pod: { ...delRequest(mine, node).pod, uid: 'uid-of-an-earlier-pod' }, reason: ReleaseReason.GC, expected: [record(mineIp, 'uid-of-an-earlier-pod')] });
    expect(stale.released).toEqual([]);
    // The other pod's address, listed for this pod's UID, is left alone; this pod's is freed.
    const res = await svc.release({ pod: delRequest(mine, node).pod, reason: ReleaseReason.GC, expected: [record(mineIp, mine.metadata.uid), record(otherIp, mine.metadata.uid)] });
    expect(ips(res.released)).toEqual([{ pool, ip: mineIp }]);
    const { records } = await poolRecords(pool);
    expect([...records.entries()]).toEqual([[otherIp, expect.objectContaining({ podUid: other.metadata.uid })]]);
  });

  it('GC with remove_endpoint deletes the endpoint only while it names the UID and backs no record of it', async () => {
    const { pod, eth0, net1 } = await twoNicPod();
    await deletePod(ns, pod.metadata.name);
    const gcPod = delRequest(pod, node).pod;
    const record = (pool: string, ip: string) => ({ pool, ip, pod: gcPod });
    // eth0's record goes; net1 still records an address for the UID, so the endpoint stays.
    const first = await svc.release({ pod: gcPod, reason: ReleaseReason.GC, expected: [record(eth0, '192.0.2.120')], removeEndpoint: true });
    expect(ips(first.released)).toEqual([{ pool: eth0, ip: '192.0.2.120' }]);
    expect(first.endpointRemoved).toBe(false);
    // A caller with the wrong UID never removes it.
    const wrongUid = await svc.release({ pod: { ...gcPod, uid: 'uid-of-an-earlier-pod' }, reason: ReleaseReason.GC, expected: [], removeEndpoint: true });
    expect(wrongUid.endpointRemoved).toBe(false);
    expect(await endpointOf(ns, pod.metadata.name)).toBeDefined();
    const second = await svc.release({ pod: gcPod, reason: ReleaseReason.GC, expected: [record(net1, '198.51.100.120')], removeEndpoint: true });
    expect(second.endpointRemoved).toBe(true);
    expect(await endpointOf(ns, pod.metadata.name)).toBeUndefined();
    // Asked again with nothing left: nothing to remove, no error.
    const again = await svc.release({ pod: gcPod, reason: ReleaseReason.GC, expected: [], removeEndpoint: true });
    expect(again).toMatchObject({ released: [], endpointRemoved: false });
  });

  it('refuses remove_endpoint outside a GC release, naming the field', async () => {
    const { pod } = await twoNicPod();
    await expect(svc.release({ ...delRequest(pod, node), removeEndpoint: true })).rejects.toThrow(/remove_endpoint.*only for GC/);
    expect(await endpointOf(ns, pod.metadata.name)).toBeDefined();
  });
});

describe('GarbageCollect', () => {
  it('frees only the attachments on that node that the runtime no longer lists', async () => {
    const [gcNode, otherNode] = await Promise.all([createNode(), createNode()]);
    const pool = await createPool({ subnet: '203.0.113.0/24', ips: ['203.0.113.120-203.0.113.129'] });
    const [listed, unlisted, elsewhere] = await Promise.all([podOn(ippool(pool), gcNode), podOn(ippool(pool), gcNode), podOn(ippool(pool), otherNode)]);
    await svc.allocate(addRequest(listed, gcNode));
    const gone = (await svc.allocate(addRequest(unlisted, gcNode))).ips[0]?.address.split('/')[0];
    await svc.allocate(addRequest(elsewhere, otherNode));

    const res = await svc.garbageCollect({ node: gcNode, validAttachments: [addRequest(listed, gcNode).attachment] });
    expect(res.released.map((r) => ({ ip: r.ip, uid: r.pod?.uid, node: r.node, interface: r.interface }))).toEqual([
      { ip: gone, uid: unlisted.metadata.uid, node: gcNode, interface: 'eth0' },
    ]);
    const left = [...(await poolRecords(pool)).records.values()].map((r) => r.podUid).sort();
    expect(left).toEqual([listed.metadata.uid, elsewhere.metadata.uid].sort());
    expect(await endpointOf(ns, unlisted.metadata.name)).toBeUndefined();
    expect(await endpointOf(ns, listed.metadata.name)).toBeDefined();
  });
});

describe('Check', () => {
  it('returns the NIC’s addresses, and NOT_FOUND once they are released', async () => {
    const pool = await createPool({ subnet: '192.0.2.0/24', ips: ['192.0.2.140'], gateway: '192.0.2.1' });
    const pod = await podOn(ippool(pool));
    await svc.allocate(addRequest(pod, node));
    const check = { pod: addRequest(pod, node).pod, attachment: addRequest(pod, node).attachment, node };
    const ok = await svc.check(check);
    expect(ok.ips).toEqual([expect.objectContaining({ nic: 'eth0', address: '192.0.2.140/24', pool, version: IpVersion.V4 })]);
    expect(ok.routes).toEqual([expect.objectContaining({ nic: 'eth0', dst: '0.0.0.0/0', gw: '192.0.2.1' })]);
    const net1 = await svc.check({ ...check, attachment: { ...check.attachment, interface: 'net1' } }).catch((e: unknown) => e);
    expect(net1).toMatchObject({ code: 'NOT_FOUND' });

    await deletePod(ns, pod.metadata.name);
    expect((await svc.release(delRequest(pod, node))).released).toHaveLength(1);
    const gone = await svc.check(check).catch((e: unknown) => e);
    expect(gone).toMatchObject({ code: 'NOT_FOUND' });
    expect((gone as Error).message).toContain(`${ns}/${pod.metadata.name}`);
  });
});

describe('Status', () => {
  it('reports total, allocated and available per pool, and exhausted for a full pool (wildcards allowed)', async () => {
    const prefix = uniqueName('st');
    const [full, half] = await Promise.all([
      createPool({ subnet: '198.51.100.0/24', ips: ['198.51.100.140'] }, `${prefix}-full`),
      createPool({ ipVersion: 6, subnet: '2001:db8:57::/64', ips: ['2001:db8:57::1-2001:db8:57::2'] }, `${prefix}-half`),
    ]);
    const pod = await podOn({ [IPPOOL]: JSON.stringify({ ipv4: [full], ipv6: [half] }) });
    await svc.allocate(addRequest(pod, node));

    const res = await svc.status({ pools: [`${prefix}-*`] });
    expect(res.ready).toBe(true);
    const byName = Object.fromEntries(res.pools.map((p) => [p.name, { version: p.version, total: p.total, allocated: p.allocated, available: p.available, exhausted: p.exhausted }]));
    expect(byName).toEqual({
      [full]: { version: IpVersion.V4, total: 1, allocated: 1, available: 0, exhausted: true },
      [half]: { version: IpVersion.V6, total: 2, allocated: 1, available: 1, exhausted: false },
    });
    expect((await svc.status({ pools: [half] })).pools.map((p) => p.name)).toEqual([half]);
  });
});
