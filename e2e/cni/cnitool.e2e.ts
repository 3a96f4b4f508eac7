// SPDX-License-Identifier: Apache-2.0
// The same conflist at CNI 1.1.0 driven through libcni (cnitool): ADD, CHECK, STATUS, GC and
// DEL behave per spec, and GC releases only the attachments not listed as valid.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPodNetns, testbed, uniqueName } from '../testbed/index.ts';
import { createPod, createPool, deletePod, poolRecords, type PodObject } from '../ipam/ipam-harness.ts';
import { startCniBed, type CniBed } from './cni-harness.ts';

let bed: CniBed;
let confDir: string;
let pool: string;
const NET = 'spnet';

beforeAll(async () => {
  bed = await startCniBed();
  pool = await createPool({ subnet: '203.0.113.0/24', ips: ['203.0.113.100-203.0.113.109'], gateway: '203.0.113.1' });
  confDir = join(bed.dir, 'net.d');
  mkdirSync(confDir);
  writeFileSync(join(confDir, '10-spnet.conflist'), JSON.stringify({
    cniVersion: '1.1.0',
    name: NET,
    plugins: [{ type: 'macvlan', master: bed.simNode.uplink, mode: 'bridge', ipam: { type: 'spiderpool', ipam_unix_socket_path: bed.socketPath, default_ipv4_ippool: [pool] } }],
  }));
});

afterAll(async () => bed?.stop());

function cnitool(verb: string, netnsPath: string, pod?: PodObject): { status: number | null; stdout: string; stderr: string } {
  return bed.simNode.exec(testbed().cnitool, [verb, NET, netnsPath], {
    env: {
      ...bed.pluginEnv,
      NETCONFPATH: confDir,
      CNI_PATH: bed.cniPath,
      CNI_IFNAME: 'eth0',
      ...(pod ? { CNI_ARGS: `IgnoreUnknown=1;K8S_POD_NAMESPACE=${pod.metadata.namespace};K8S_POD_NAME=${pod.metadata.name};K8S_POD_UID=${pod.metadata.uid}` } : {}),
    },
    input: '',
  });
}

describe('libcni (cnitool) at CNI 1.1.0', () => {
  it('ADD, CHECK, STATUS, GC (keeping only valid attachments) and DEL', async () => {
    const [a, b] = await Promise.all([createPod({ namespace: bed.namespace, node: bed.node }), createPod({ namespace: bed.namespace, node: bed.node })]);
    const [sa, sb] = [createPodNetns(uniqueName('spa').slice(0, 15)), createPodNetns(uniqueName('spb').slice(0, 15))];
    try {
      const addA = cnitool('add', sa.path, a);
      expect({ status: addA.status, stderr: addA.stderr }).toEqual({ status: 0, stderr: '' });
      expect(JSON.parse(addA.stdout)).toMatchObject({ cniVersion: '1.1.0', ips: [{ address: '203.0.113.100/24', gateway: '203.0.113.1' }] });
      expect(cnitool('add', sb.path, b).status).toBe(0);
      expect(sa.ip('-4', 'addr', 'show', 'eth0')).toContain('inet 203.0.113.100/24');

      expect(cnitool('check', sa.path, a)).toMatchObject({ status: 0 });
      expect(cnitool('status', sa.path)).toMatchObject({ status: 0 });

      // cnitool gc keeps the attachment of the given namespace only: b's address goes.
      await deletePod(bed.namespace, b.metadata.name);
      const gc = cnitool('gc', sa.path);
      expect({ status: gc.status, stderr: gc.stderr }).toEqual({ status: 0, stderr: '' });
      const owners = [...(await poolRecords(pool)).records.values()].map((r) => r.podUid);
      expect(owners).toEqual([a.metadata.uid]);

      await deletePod(bed.namespace, a.metadata.name);
      expect(cnitool('del', sa.path, a)).toMatchObject({ status: 0 });
      expect((await poolRecords(pool)).records.size).toBe(0);
    } finally {
      sa.remove();
      sb.remove();
    }
  });
});
