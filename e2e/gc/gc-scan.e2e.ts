// SPDX-License-Identifier: Apache-2.0
// gc-service identity rules end to end, with short full-scan intervals: orphan pool records
// (crash between the pool and the endpoint write), same-name pods in other namespaces,
// re-created pods, and a stale GC release racing a re-allocation. Real gc-service (behind a
// scoping proxy, see scoped-apiserver-proxy.ts), real ipam-service, real apiserver.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Resources } from '@spiderpool/k8s';
import { ReleaseReason } from '@spiderpool/proto';
import { createNode, createPod, deletePod, endpointOf, kube, poolRecords, startIpamServices, stopIpamServices, type IpamProcess } from '../ipam/ipam-harness.ts';
import { sleep } from '../testbed/index.ts';
import { allocateIp, eventually, gcScope, holderOf, ippoolAnnotation, startLeadingGcService, writeRecord, type GcProcess } from './gc-harness.ts';

const INTERVAL = 2; // SPIDERPOOL_GC_DEFAULT_INTERVAL_DURATION (s)
const ORPHAN_GRACE = 4; // SPIDERPOOL_GC_ORPHAN_RECORD_GRACE_DURATION (s)
const DELAY = 1;

const scope = gcScope('scan');
let ipam: IpamProcess[] = [];
let gc: GcProcess | undefined;
let ns: string;
let node: string;

const svc = () => {
  const client = ipam[0]?.client;
  if (!client) throw new Error('ipam-service is not started');
  return client;
};
const reclaimed = async (): Promise<number> => (gc ? gc.metric('spiderpool_gc_reclaimed_ips_total') : 0);

beforeAll(async () => {
  ipam = await startIpamServices(1);
  ns = await scope.nextNamespace();
  node = await createNode();
  const lease = { namespace: ns, name: `${scope.prefix}-gc` };
  gc = await startLeadingGcService({
    scope,
    ipamAddress: ipam[0]?.address ?? '',
    lease,
    env: {
      SPIDERPOOL_GC_DEFAULT_INTERVAL_DURATION: String(INTERVAL),
      SPIDERPOOL_GC_TRACE_POD_GAP_DURATION: '1',
      SPIDERPOOL_GC_ADDITIONAL_GRACE_DELAY: String(DELAY),
      SPIDERPOOL_GC_ORPHAN_RECORD_GRACE_DURATION: String(ORPHAN_GRACE),
    },
  });
}, 120_000);

afterAll(async () => {
  const k = await kube();
  await gc?.stop();
  await stopIpamServices(ipam);
  expect(gc?.proxy.denied).toEqual([]);
  const namespaces = [ns, ...extraNamespaces];
  await Promise.all(namespaces.map((n) => k.delete(Resources.namespaces, n).catch(() => undefined)));
  await k.delete(Resources.nodes, node).catch(() => undefined);
}, 60_000);

const extraNamespaces: string[] = [];

describe('gc-service full scans', () => {
  it('reclaims a pool record with neither pod nor endpoint only after the orphan grace window', async () => {
    const pool = await scope.nextPool(4);
    const ip = `${scope.v6}:${pool.split('-p').pop() ?? ''}::10`;
    const written = Date.now();
    await writeRecord(pool, ip, { pod: `${ns}/ghost`, podUid: randomUUID(), node });
    expect((await poolRecords(pool)).records.has(ip)).toBe(true);
    // Not before the grace window; after it, within a few scans (a loaded machine delays scans,
    // so the upper bound leaves room for four of them).
    const freedAt = await eventually('the orphan record released', async () => ((await holderOf(pool, ip)) === undefined ? Date.now() : undefined), (ORPHAN_GRACE + 4 * INTERVAL + 15) * 1000, 100);
    expect(freedAt - written).toBeGreaterThanOrEqual(ORPHAN_GRACE * 1000);
    expect(freedAt - written).toBeLessThanOrEqual((ORPHAN_GRACE + 4 * INTERVAL + 10) * 1000);
  }, 60_000);

  it('leaves a same-name pod in another namespace untouched', async () => {
    const other = await scope.nextNamespace();
    extraNamespaces.push(other);
    const pool = await scope.nextPool(4);
    const [gone, twin] = await Promise.all([
      createPod({ namespace: ns, name: 'web', node, annotations: ippoolAnnotation(pool) }),
      createPod({ namespace: other, name: 'web', node, annotations: ippoolAnnotation(pool) }),
    ]);
    const goneIp = await allocateIp(svc(), gone, node);
    const twinIp = await allocateIp(svc(), twin, node);
    const before = await reclaimed();
    await deletePod(ns, 'web'); // no CNI DEL
    await eventually('the deleted pod’s address released', async () => ((await holderOf(pool, goneIp)) === undefined ? true : undefined), 15_000, 100);
    await sleep((2 * INTERVAL + 1) * 1000); // a few more scans
    expect(await holderOf(pool, twinIp)).toBe(twin.metadata.uid);
    expect((await endpointOf(other, 'web'))?.status?.current.uid).toBe(twin.metadata.uid);
    // The deleted pod's address was reclaimed (other tests' releases may land in the same window).
    expect(await reclaimed()).toBeGreaterThanOrEqual(before + 1);
  }, 60_000);

  it('frees the old record of a pod re-created under the same name and keeps the new one', async () => {
    const pool = await scope.nextPool(4);
    const old = await createPod({ namespace: ns, name: 'db', node, annotations: ippoolAnnotation(pool) });
    const oldIp = await allocateIp(svc(), old, node);
    await deletePod(ns, 'db'); // no CNI DEL, and the new incarnation comes up at once
    const fresh = await createPod({ namespace: ns, name: 'db', node, annotations: ippoolAnnotation(pool) });
    const freshIp = await allocateIp(svc(), fresh, node);
    await eventually('no record of the old UID left', async () => {
      const uids = [...(await poolRecords(pool)).records.values()].map((r) => r.podUid);
      return uids.includes(old.metadata.uid) ? undefined : true;
    }, 15_000, 100);
    await sleep((2 * INTERVAL + 1) * 1000);
    const records = (await poolRecords(pool)).records;
    expect([...records.entries()].map(([ip, r]) => [ip, r.podUid])).toEqual([[freshIp, fresh.metadata.uid]]);
    expect((await endpointOf(ns, 'db'))?.status?.current.uid).toBe(fresh.metadata.uid);
    if (freshIp !== oldIp) expect(records.has(oldIp)).toBe(false);
    await deletePod(ns, 'db');
  }, 60_000);

  it('a GC release decided for an address that was freed and given to a new pod does not touch it', async () => {
    const pool = await scope.nextPool(1); // one address: the new pod must get the same one
    const old = await createPod({ namespace: ns, name: 'race', node, annotations: ippoolAnnotation(pool) });
    const ip = await allocateIp(svc(), old, node);
    await deletePod(ns, 'race'); // no CNI DEL: gc-service frees it
    await eventually('the address freed', async () => ((await holderOf(pool, ip)) === undefined ? true : undefined), 15_000, 100);
    const fresh = await createPod({ namespace: ns, name: 'race', node, annotations: ippoolAnnotation(pool) });
    expect(await allocateIp(svc(), fresh, node)).toBe(ip);

    // The stale decision arrives late: Release with the old UID and its expected record.
    const stalePod = { namespace: ns, name: 'race', uid: old.metadata.uid };
    const res = await svc().release({ pod: stalePod, node, reason: ReleaseReason.GC, expected: [{ pool, ip, pod: stalePod }] });
    expect(res.released).toEqual([]);
    expect(await holderOf(pool, ip)).toBe(fresh.metadata.uid);
    expect((await endpointOf(ns, 'race'))?.status?.current.uid).toBe(fresh.metadata.uid);
    // And gc-service itself, scanning on, leaves the new pod's address alone.
    await sleep((2 * INTERVAL + DELAY + 1) * 1000);
    expect(await holderOf(pool, ip)).toBe(fresh.metadata.uid);
    expect((await endpointOf(ns, 'race'))?.status?.current.uid).toBe(fresh.metadata.uid);
    await deletePod(ns, 'race');
  }, 60_000);
});
