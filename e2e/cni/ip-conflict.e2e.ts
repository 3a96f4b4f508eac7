// SPDX-License-Identifier: Apache-2.0
// IP-conflict and gateway detection on the real CNI path: ipam-service runs with both detection
// switches on, the macvlan plugin calls our `spiderpool` executable in a simulated node, and
// other hosts on the node's link are namespaces this test creates (a macvlan on the same uplink,
// bridge mode). A host that already holds the pod's address makes ADD fail with 102, a gateway
// nobody answers with 103; either way nothing stays allocated. Without them ADD succeeds, and
// the pod's IPv6 address is announced to neighbours that cached another MAC for it.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createPodNetns, sleep, uniqueName } from '../testbed/index.ts';
import { createPod, createPool, deletePod, endpointOf, poolRecords, type PodObject } from '../ipam/ipam-harness.ts';
import { runPlugin, startCniBed, type CniBed, type PluginRun } from './cni-harness.ts';

let bed: CniBed;

beforeAll(async () => {
  bed = await startCniBed({ ipamEnv: { SPIDERPOOL_ENABLE_IP_CONFLICT_DETECTION: 'true', SPIDERPOOL_ENABLE_GATEWAY_DETECTION: 'true' } });
});

afterAll(async () => bed?.stop());

interface LanHost {
  ip(...args: string[]): string;
  remove(): void;
}

/** Another host on the simulated node's link, holding `addresses` on its interface lan0. */
function lanHost(addresses: string[]): LanHost {
  const host = createPodNetns(uniqueName('sph').slice(0, 15));
  const link = uniqueName('sq').slice(0, 15);
  bed.simNode.ip('link', 'add', 'link', bed.simNode.uplink, 'name', link, 'type', 'macvlan', 'mode', 'bridge');
  bed.simNode.ip('link', 'set', link, 'netns', host.name);
  host.ip('link', 'set', link, 'name', 'lan0');
  host.ip('link', 'set', 'lan0', 'up');
  // nodad: the hosts' own addresses are usable at once, the pod is the newcomer.
  for (const a of addresses) host.ip('addr', 'add', a, 'dev', 'lan0', ...(a.includes(':') ? ['nodad'] : []));
  return host;
}

function runMacvlan(command: 'ADD' | 'DEL', pod: PodObject, netnsPath: string, conf: object): PluginRun {
  return runPlugin(bed, 'macvlan', { command, pod, netnsPath, containerId: `ctr-${pod.metadata.uid.slice(0, 12)}` }, conf);
}

const macvlanConf = (ipamConf: object) => ({
  cniVersion: '1.0.0',
  name: 'macvlan-detect',
  type: 'macvlan',
  master: bed.simNode.uplink,
  mode: 'bridge',
  ipam: { type: 'spiderpool', ipam_unix_socket_path: bed.socketPath, ...ipamConf },
});

/**
 * An ADD that must fail with `code`: checks the error and that the roll-back left no pool record
 * and no endpoint, then runs DEL as a runtime does after a failed ADD (macvlan v1.9.1 leaves its
 * link behind when its IPAM fails; DEL removes it, so the next ADD starts clean).
 */
async function expectFailedAdd(pod: PodObject, sandboxPath: string, conf: object, expected: { code: number; pool: string }): Promise<string> {
  const add = runMacvlan('ADD', pod, sandboxPath, conf);
  expect(add.status).not.toBe(0);
  const err = JSON.parse(add.stdout) as { code: number; msg: string };
  expect(err.code).toBe(expected.code);
  expect((await poolRecords(expected.pool)).records.size).toBe(0);
  expect(await endpointOf(pod.metadata.namespace, pod.metadata.name)).toBeUndefined();
  expect(runMacvlan('DEL', pod, sandboxPath, conf).status).toBe(0);
  return err.msg;
}

/** Tears down the pod's attachment after a successful ADD and checks the release. */
async function delAndCheck(pod: PodObject, sandboxPath: string, conf: object, pool: string): Promise<void> {
  await deletePod(pod.metadata.namespace, pod.metadata.name);
  expect(runMacvlan('DEL', pod, sandboxPath, conf).status).toBe(0);
  expect((await poolRecords(pool)).records.size).toBe(0);
}

function macOf(sandbox: { ip(...args: string[]): string }, ifName: string): string {
  const [link] = JSON.parse(sandbox.ip('-j', 'link', 'show', ifName)) as Array<{ address: string }>;
  return link?.address ?? '';
}

describe('IP conflict and gateway detection (macvlan + spiderpool IPAM)', () => {
  it('IPv4: an address another host answers ARP for fails ADD with 102 and is released; without that host ADD succeeds', async () => {
    const pool = await createPool({ subnet: '192.0.2.0/24', ips: ['192.0.2.160'], gateway: '192.0.2.1' });
    const pod = await createPod({ namespace: bed.namespace, node: bed.node });
    const sandbox = createPodNetns(uniqueName('spp').slice(0, 15));
    const router = lanHost(['192.0.2.1/24']);
    const squatter = lanHost(['192.0.2.160/24']);
    const conf = macvlanConf({ default_ipv4_ippool: [pool] });
    try {
      const msg = await expectFailedAdd(pod, sandbox.path, conf, { code: 102, pool });
      expect(msg).toContain('192.0.2.160');

      squatter.remove();
      const add = runMacvlan('ADD', pod, sandbox.path, conf);
      expect({ status: add.status, stderr: add.stderr }).toEqual({ status: 0, stderr: '' });
      expect(JSON.parse(add.stdout)).toMatchObject({ ips: [{ address: '192.0.2.160/24', gateway: '192.0.2.1' }] });
      expect(sandbox.ip('-4', 'addr', 'show', 'eth0')).toContain('inet 192.0.2.160/24');
      expect((await poolRecords(pool)).records.get('192.0.2.160')).toMatchObject({ podUid: pod.metadata.uid, nic: 'eth0' });
      await delAndCheck(pod, sandbox.path, conf, pool);
    } finally {
      squatter.remove();
      router.remove();
      sandbox.remove();
    }
  });

  it('IPv4: a gateway nobody answers fails ADD with 103 and nothing stays allocated; once it answers ADD succeeds', async () => {
    const pool = await createPool({ subnet: '192.0.2.0/24', ips: ['192.0.2.161'], gateway: '192.0.2.2' });
    const pod = await createPod({ namespace: bed.namespace, node: bed.node });
    const sandbox = createPodNetns(uniqueName('spp').slice(0, 15));
    const conf = macvlanConf({ default_ipv4_ippool: [pool] });
    let router: LanHost | undefined;
    try {
      const msg = await expectFailedAdd(pod, sandbox.path, conf, { code: 103, pool });
      expect(msg).toContain('gateway 192.0.2.2');
      expect(msg).toContain('eth0');

      router = lanHost(['192.0.2.2/24']);
      const add = runMacvlan('ADD', pod, sandbox.path, conf);
      expect({ status: add.status, stderr: add.stderr }).toEqual({ status: 0, stderr: '' });
      expect(sandbox.ip('-4', 'route', 'show')).toContain('default via 192.0.2.2 dev eth0');
      await delAndCheck(pod, sandbox.path, conf, pool);
    } finally {
      router?.remove();
      sandbox.remove();
    }
  });

  it('IPv6: a duplicate found by DAD fails ADD with 102; the free address succeeds and is announced to neighbours', async () => {
    // No gateway: nothing but the announcement may teach the neighbour where the address lives
    // (a neighbour solicitation for a gateway, sent from the address, would do it as well).
    const pool = await createPool({ subnet: '2001:db8:c1::/64', ips: ['2001:db8:c1::160'] });
    const pod = await createPod({ namespace: bed.namespace, node: bed.node });
    const sandbox = createPodNetns(uniqueName('spp').slice(0, 15));
    const neighbour = lanHost(['2001:db8:c1::2/64']);
    const squatter = lanHost(['2001:db8:c1::160/64']);
    const conf = macvlanConf({ default_ipv6_ippool: [pool] });
    try {
      const msg = await expectFailedAdd(pod, sandbox.path, conf, { code: 102, pool });
      expect(msg).toContain('2001:db8:c1::160');

      squatter.remove();
      // The neighbour still believes the address lives at the squatter's (now gone) MAC.
      neighbour.ip('-6', 'neigh', 'replace', '2001:db8:c1::160', 'lladdr', '02:00:00:00:01:60', 'dev', 'lan0', 'nud', 'stale');
      const add = runMacvlan('ADD', pod, sandbox.path, conf);
      expect({ status: add.status, stderr: add.stderr }).toEqual({ status: 0, stderr: '' });
      expect(sandbox.ip('-6', 'addr', 'show', 'eth0')).toContain('inet6 2001:db8:c1::160/64');
      // The unsolicited neighbour advertisement (ndisc_notify) moves the entry to the pod's MAC.
      const podMac = macOf(sandbox, 'eth0');
      let seen = '';
      for (let i = 0; i < 50 && !seen.includes(podMac); i++) {
        seen = neighbour.ip('-6', 'neigh', 'show', '2001:db8:c1::160', 'dev', 'lan0');
        if (!seen.includes(podMac)) await sleep(100);
      }
      expect(seen).toContain(`lladdr ${podMac}`);
      await delAndCheck(pod, sandbox.path, conf, pool);
    } finally {
      squatter.remove();
      neighbour.remove();
      sandbox.remove();
    }
  });

  it('IPv6: a gateway that does not answer neighbour solicitations fails ADD with 103; once it answers ADD succeeds', async () => {
    const pool = await createPool({ subnet: '2001:db8:c2::/64', ips: ['2001:db8:c2::161'], gateway: '2001:db8:c2::1' });
    const pod = await createPod({ namespace: bed.namespace, node: bed.node });
    const sandbox = createPodNetns(uniqueName('spp').slice(0, 15));
    const conf = macvlanConf({ default_ipv6_ippool: [pool] });
    let router: LanHost | undefined;
    try {
      const msg = await expectFailedAdd(pod, sandbox.path, conf, { code: 103, pool });
      expect(msg).toContain('gateway 2001:db8:c2::1');
      expect(msg).toContain('eth0');

      router = lanHost(['2001:db8:c2::1/64']);
      const add = runMacvlan('ADD', pod, sandbox.path, conf);
      expect({ status: add.status, stderr: add.stderr }).toEqual({ status: 0, stderr: '' });
      expect(sandbox.ip('-6', 'route', 'show')).toContain('default via 2001:db8:c2::1 dev eth0');
      await delAndCheck(pod, sandbox.path, conf, pool);
    } finally {
      router?.remove();
      sandbox.remove();
    }
  });
});
