// SPDX-License-Identifier: Apache-2.0
// Fixed IPs end to end: StatefulSet replicas (real apps/v1 objects; kube-controller-manager
// creates and re-creates their pods) and KubeVirt VMs (launcher pods owned by a VMI) keep their
// addresses across pod incarnations, and lose them only when the replica or VM is gone.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { isSpiderpoolError } from '@spiderpool/errors';
import { Resources, type KubeObject } from '@spiderpool/k8s';
import { sleep, uniqueName } from '../testbed/index.ts';
import {
  addRequest, createPod, createPool, createStatefulSet as createSts, delRequest, deletePod, endpointOf, kube, poolRecords, type IpamClient, type PodObject,
} from './ipam-harness.ts';
import { useIpamSuite } from './ipam-suite.ts';

const IPPOOL = 'ipam.spidernet.io/ippool';

const suite = useIpamSuite();
let svc: IpamClient;
let ns: string;
let node: string;
// Runs after the suite's own start-up (hooks run in registration order).
beforeAll(() => {
  ({ svc, ns, node } = suite);
});

const ippool = (pool: string): Record<string, string> => ({ [IPPOOL]: JSON.stringify({ ipv4: [pool] }) });
const ipOf = (res: { ips: Array<{ address: string }> }): string => res.ips[0]?.address.split('/')[0] ?? '';

/** Our StatefulSets: on the suite's node, in its namespace, OnDelete updates, taking `pool`. */
const createStatefulSet = (o: { replicas: number; pool: string; ordinalsStart?: number }): Promise<string> =>
  createSts({ namespace: ns, node, replicas: o.replicas, annotations: ippool(o.pool), onDeleteUpdates: true, ...(o.ordinalsStart === undefined ? {} : { ordinalsStart: o.ordinalsStart }) });

/** Waits until the pod exists with a UID other than `notUid` (and, optionally, the wanted pool annotation). */
async function waitPod(name: string, o: { notUid?: string; pool?: string } = {}): Promise<PodObject> {
  const k = await kube();
  const deadline = Date.now() + 30_000;
  for (;;) {
    const pod = await k.find<PodObject>(Resources.pods, name, ns);
    const annotation = (pod?.metadata as { annotations?: Record<string, string> } | undefined)?.annotations?.[IPPOOL] ?? '';
    if (pod && !pod.metadata.deletionTimestamp && pod.metadata.uid !== o.notUid && (!o.pool || annotation.includes(o.pool))) return pod;
    if (Date.now() > deadline) throw new Error(`pod ${ns}/${name} did not (re)appear`);
    await sleep(100);
  }
}

/** Deletes the pod at once (no kubelet here to finish a graceful deletion). */
async function forceDelete(name: string): Promise<void> {
  await deletePod(ns, name);
}

async function scale(name: string, replicas: number): Promise<void> {
  await (await kube()).mergePatch(Resources.statefulSets, name, { spec: { replicas } }, ns);
}

describe('StatefulSet', () => {
  it('a restarted replica keeps its address; the record is re-homed; a DEL of the old sandbox frees nothing', async () => {
    const pool = await createPool({ subnet: '192.0.2.0/24', ips: ['192.0.2.70-192.0.2.79'] });
    const sts = await createStatefulSet({ replicas: 1, pool });
    const first = await waitPod(`${sts}-0`);
    const ip = ipOf(await svc.allocate(addRequest(first, node)));
    const ep = await endpointOf(ns, `${sts}-0`);
    expect(ep?.metadata?.ownerReferences ?? []).toEqual([]);
    expect(ep?.status).toMatchObject({ ownerControllerType: 'StatefulSet', ownerControllerName: sts });

    await forceDelete(`${sts}-0`);
    const second = await waitPod(`${sts}-0`, { notUid: first.metadata.uid });
    expect(ipOf(await svc.allocate(addRequest(second, node)))).toBe(ip);
    const { records } = await poolRecords(pool);
    expect([...records.entries()]).toEqual([[ip, expect.objectContaining({ pod: `${ns}/${sts}-0`, podUid: second.metadata.uid, ownerKind: 'StatefulSet' })]]);
    expect((await endpointOf(ns, `${sts}-0`))?.status?.current.uid).toBe(second.metadata.uid);

    const staleDel = await svc.release(delRequest(first, node));
    expect(staleDel).toMatchObject({ released: [], kept: true });
    expect((await poolRecords(pool)).records.get(ip)).toMatchObject({ podUid: second.metadata.uid });
  });

  it('after a scale-down the removed replica’s DEL releases, while a still-valid replica keeps its address', async () => {
    const pool = await createPool({ subnet: '192.0.2.0/24', ips: ['192.0.2.80-192.0.2.89'] });
    const sts = await createStatefulSet({ replicas: 2, pool });
    const [zero, one] = await Promise.all([waitPod(`${sts}-0`), waitPod(`${sts}-1`)]);
    const ip0 = ipOf(await svc.allocate(addRequest(zero, node)));
    const ip1 = ipOf(await svc.allocate(addRequest(one, node)));
    await scale(sts, 1);
    await Promise.all([forceDelete(`${sts}-0`), forceDelete(`${sts}-1`)]);

    expect(await svc.release(delRequest(one, node))).toMatchObject({ released: [{ pool, ip: ip1 }], kept: false });
    expect(await endpointOf(ns, `${sts}-1`)).toBeUndefined();
    const keep = await svc.release(delRequest(zero, node));
    expect(keep).toMatchObject({ released: [], kept: true, keptReason: expect.stringContaining(`StatefulSet ${sts} still has replica ${sts}-0`) });
    expect([...(await poolRecords(pool)).records.keys()]).toEqual([ip0]);
  });

  it('respects spec.ordinals.start when deciding which replicas are still valid', async () => {
    const pool = await createPool({ subnet: '192.0.2.0/24', ips: ['192.0.2.90-192.0.2.99'] });
    const sts = await createStatefulSet({ replicas: 2, pool, ordinalsStart: 5 });
    const [five, six] = await Promise.all([waitPod(`${sts}-5`), waitPod(`${sts}-6`)]);
    const ip5 = ipOf(await svc.allocate(addRequest(five, node)));
    const ip6 = ipOf(await svc.allocate(addRequest(six, node)));
    await scale(sts, 1);
    await Promise.all([forceDelete(`${sts}-5`), forceDelete(`${sts}-6`)]);
    // Ordinal 5 is the only replica left (5 ≤ ordinal < 5 + 1), although 5 ≥ replicas.
    expect(await svc.release(delRequest(five, node))).toMatchObject({ released: [], kept: true });
    expect(await svc.release(delRequest(six, node))).toMatchObject({ released: [{ pool, ip: ip6 }] });
    expect([...(await poolRecords(pool)).records.keys()]).toEqual([ip5]);
  });

  it('moves a restarted replica to the new pool after its pool annotation changed', async () => {
    const [oldPool, newPool] = await Promise.all([
      createPool({ subnet: '192.0.2.0/24', ips: ['192.0.2.100-192.0.2.101'] }),
      createPool({ subnet: '198.51.100.0/24', ips: ['198.51.100.100-198.51.100.101'] }),
    ]);
    const sts = await createStatefulSet({ replicas: 1, pool: oldPool });
    const before = await waitPod(`${sts}-0`);
    expect(ipOf(await svc.allocate(addRequest(before, node)))).toBe('192.0.2.100');
    await (await kube()).mergePatch(Resources.statefulSets, sts, { spec: { template: { metadata: { annotations: ippool(newPool) } } } }, ns);
    await sleep(300); // let the controller record the new revision before the pod is re-created
    await forceDelete(`${sts}-0`);
    const after = await waitPod(`${sts}-0`, { notUid: before.metadata.uid, pool: newPool });
    const res = await svc.allocate(addRequest(after, node));
    expect(res.ips).toEqual([expect.objectContaining({ pool: newPool, address: '198.51.100.100/24' })]);
    expect((await poolRecords(oldPool)).records.size).toBe(0);
    expect([...(await poolRecords(newPool)).records.values()]).toEqual([expect.objectContaining({ podUid: after.metadata.uid })]);
    expect((await endpointOf(ns, `${sts}-0`))?.status?.current).toMatchObject({ uid: after.metadata.uid, ips: [expect.objectContaining({ ipv4Pool: newPool })] });
  });
});

describe('KubeVirt', () => {
  type Created = KubeObject & { metadata: { uid: string } };
  const kubevirt = async (): Promise<{ vmi: Created }> => {
    const k = await kube();
    const vm = await k.create<Created>(Resources.virtualMachines, {
      apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', metadata: { name: 'vm1', namespace: ns }, spec: { runStrategy: 'Always' },
    } as unknown as Created);
    const vmi = await k.create<Created>(Resources.virtualMachineInstances, {
      apiVersion: 'kubevirt.io/v1',
      kind: 'VirtualMachineInstance',
      metadata: { name: 'vm1', namespace: ns, ownerReferences: [{ apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', name: 'vm1', uid: vm.metadata.uid, controller: true }] },
      spec: {},
    } as unknown as Created);
    return { vmi };
  };
  const launcher = (pool: string, vmiUid: string): Promise<PodObject> =>
    createPod({
      namespace: ns,
      node,
      name: uniqueName('virt-launcher-vm1'),
      annotations: ippool(pool),
      ownerReferences: [{ apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', name: 'vm1', uid: vmiUid, controller: true }],
    });

  it('gives consecutive launcher pods the same address under an endpoint named after the VM, and releases it once the VM is gone', async () => {
    const pool = await createPool({ subnet: '203.0.113.0/24', ips: ['203.0.113.70-203.0.113.79'] });
    const { vmi } = await kubevirt();
    const first = await launcher(pool, vmi.metadata.uid);
    const ip = ipOf(await svc.allocate(addRequest(first, node)));
    const ep = await endpointOf(ns, 'vm1');
    expect(ep?.status).toMatchObject({ ownerControllerType: 'VirtualMachineInstance', ownerControllerName: 'vm1', current: { uid: first.metadata.uid } });
    expect(ep?.metadata?.ownerReferences ?? []).toEqual([]);
    expect(await endpointOf(ns, first.metadata.name)).toBeUndefined();

    await forceDelete(first.metadata.name);
    const second = await launcher(pool, vmi.metadata.uid);
    expect(ipOf(await svc.allocate(addRequest(second, node)))).toBe(ip);
    expect([...(await poolRecords(pool)).records.values()]).toEqual([expect.objectContaining({ pod: `${ns}/vm1`, podUid: second.metadata.uid, ownerKind: 'VirtualMachineInstance' })]);
    // CNI CHECK of the launcher pod finds the VM's endpoint.
    const check = await svc.check({ pod: addRequest(second, node).pod, attachment: addRequest(second, node).attachment, node });
    expect(check.ips.map((c) => c.address)).toEqual([`${ip}/24`]);
    // The first launcher's UID no longer owns anything: its DEL frees nothing.
    expect((await svc.release(delRequest(first, node))).released).toEqual([]);
    expect((await poolRecords(pool)).records.size).toBe(1);

    // Still valid while the VM exists, even with the launcher pod gone.
    await forceDelete(second.metadata.name);
    expect(await svc.release(delRequest(second, node))).toMatchObject({ released: [], kept: true });

    const k = await kube();
    await k.delete(Resources.virtualMachines, 'vm1', ns);
    // The garbage collector may delete the VMI (owned by the VM) first.
    await k.delete(Resources.virtualMachineInstances, 'vm1', ns).catch((err: unknown) => {
      if (!isSpiderpoolError(err, 'NOT_FOUND')) throw err;
    });
    expect(await svc.release(delRequest(second, node))).toMatchObject({ released: [{ pool, ip }], kept: false });
    expect((await poolRecords(pool)).records.size).toBe(0);
    expect(await endpointOf(ns, 'vm1')).toBeUndefined();
  });
});
