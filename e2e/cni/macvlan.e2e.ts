// SPDX-License-Identifier: Apache-2.0
// The real CNI path: the macvlan main plugin (built from the CNI plugins module) runs in a
// simulated node's network namespace and calls our `spiderpool` executable (the bundled shim)
// as its IPAM, which forwards to node-agent → ipam-service → kube-apiserver. The pod's
// namespace ends up with the allocated addresses and routes; DEL releases them.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createPodNetns, uniqueName } from '../testbed/index.ts';
import { createPod, createPool, deletePod, poolRecords, type PodObject } from '../ipam/ipam-harness.ts';
import { runPlugin, startCniBed, type CniBed, type PluginRun } from './cni-harness.ts';

let bed: CniBed;
let ns: string;
let node: string;

beforeAll(async () => {
  bed = await startCniBed();
  ({ namespace: ns, node } = bed);
});

afterAll(async () => bed?.stop());

function runMacvlan(command: 'ADD' | 'DEL', pod: PodObject, netnsPath: string, conf: object): PluginRun {
  return runPlugin(bed, 'macvlan', { command, pod, netnsPath, containerId: `ctr-${pod.metadata.uid.slice(0, 12)}` }, conf);
}

const macvlanConf = (ipamConf: object) => ({
  cniVersion: '1.0.0',
  name: 'macvlan-underlay',
  type: 'macvlan',
  master: bed.simNode.uplink,
  mode: 'bridge',
  ipam: { type: 'spiderpool', ipam_unix_socket_path: bed.socketPath, ...ipamConf },
});

describe('macvlan + spiderpool IPAM in network namespaces', () => {
  it('ADD puts the allocated address, gateway and routes into the pod namespace; DEL releases them', async () => {
    const pool = await createPool({ subnet: '192.0.2.0/24', ips: ['192.0.2.150-192.0.2.159'], gateway: '192.0.2.1', routes: [{ dst: '203.0.113.0/24', gw: '192.0.2.254' }] });
    const pod = await createPod({ namespace: ns, node });
    const sandbox = createPodNetns(uniqueName('spp').slice(0, 15));
    try {
      const conf = macvlanConf({ default_ipv4_ippool: [pool] });
      const add = runMacvlan('ADD', pod, sandbox.path, conf);
      expect({ status: add.status, stderr: add.stderr }).toEqual({ status: 0, stderr: '' });
      expect(JSON.parse(add.stdout)).toMatchObject({ ips: [{ address: '192.0.2.150/24', gateway: '192.0.2.1' }] });
      expect(sandbox.ip('-4', 'addr', 'show', 'eth0')).toContain('inet 192.0.2.150/24');
      const routes = sandbox.ip('-4', 'route', 'show');
      expect(routes).toContain('default via 192.0.2.1 dev eth0');
      expect(routes).toContain('203.0.113.0/24 via 192.0.2.254 dev eth0');
      expect((await poolRecords(pool)).records.get('192.0.2.150')).toMatchObject({ podUid: pod.metadata.uid, nic: 'eth0' });

      await deletePod(ns, pod.metadata.name);
      const del = runMacvlan('DEL', pod, sandbox.path, conf);
      expect(del.status).toBe(0);
      expect((await poolRecords(pool)).records.size).toBe(0);
    } finally {
      sandbox.remove();
    }
  });

  it('dual stack: both families land on the pod NIC', async () => {
    const [v4, v6] = await Promise.all([
      createPool({ subnet: '198.51.100.0/24', ips: ['198.51.100.150'], gateway: '198.51.100.1' }),
      createPool({ subnet: '2001:db8:d::/64', ips: ['2001:db8:d::150'], gateway: '2001:db8:d::1' }),
    ]);
    const pod = await createPod({ namespace: ns, node });
    const sandbox = createPodNetns(uniqueName('spp').slice(0, 15));
    try {
      const add = runMacvlan('ADD', pod, sandbox.path, macvlanConf({ default_ipv4_ippool: [v4], default_ipv6_ippool: [v6] }));
      expect({ status: add.status, stderr: add.stderr }).toEqual({ status: 0, stderr: '' });
      expect(sandbox.ip('-4', 'addr', 'show', 'eth0')).toContain('inet 198.51.100.150/24');
      expect(sandbox.ip('-6', 'addr', 'show', 'eth0')).toContain('inet6 2001:db8:d::150/64');
    } finally {
      sandbox.remove();
    }
  });

  it("the distribution's macvlan build (Debian containernetworking-plugins) calls our IPAM the same way", async () => {
    const pool = await createPool({ subnet: '203.0.113.0/24', ips: ['203.0.113.150-203.0.113.151'], gateway: '203.0.113.1' });
    const pod = await createPod({ namespace: ns, node });
    const sandbox = createPodNetns(uniqueName('spp').slice(0, 15));
    try {
      const conf = macvlanConf({ default_ipv4_ippool: [pool] });
      const call = { pod, netnsPath: sandbox.path, containerId: `ctr-${pod.metadata.uid.slice(0, 12)}` };
      const add = runPlugin(bed, 'macvlan-debian', { ...call, command: 'ADD' }, conf);
      expect({ status: add.status, stderr: add.stderr }).toEqual({ status: 0, stderr: '' });
      expect(sandbox.ip('-4', 'addr', 'show', 'eth0')).toContain('inet 203.0.113.150/24');
      expect(sandbox.ip('-4', 'route', 'show')).toContain('default via 203.0.113.1 dev eth0');
      await deletePod(ns, pod.metadata.name);
      expect(runPlugin(bed, 'macvlan-debian', { ...call, command: 'DEL' }, conf).status).toBe(0);
      expect((await poolRecords(pool)).records.size).toBe(0);
    } finally {
      sandbox.remove();
    }
  });
});
