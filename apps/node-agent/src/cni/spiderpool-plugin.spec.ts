// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { createLogger } from '@spiderpool/observability';
import { ReleaseReason, type IPConfig } from '@spiderpool/proto';
import { CniCode } from './cni-types.ts';
import { runSpiderpoolPlugin } from './spiderpool-plugin.ts';
import { fakeIpam, ipConfig, type FakeIpam } from './testing/fake-ipam.ts';
import { FakeLink } from './testing/fake-link.ts';

const NETNS = '/var/run/netns/pod-a';
const env = {
  CNI_COMMAND: 'ADD',
  CNI_CONTAINERID: 'ctr-1',
  CNI_IFNAME: 'eth0',
  CNI_NETNS: NETNS,
  CNI_ARGS: 'K8S_POD_NAMESPACE=ns1;K8S_POD_NAME=pod-a;K8S_POD_UID=uid-a',
};
const stdin = JSON.stringify({ cniVersion: '1.0.0', name: 'underlay', type: 'macvlan', ipam: { type: 'spiderpool' } });
const on = { enableIpConflictDetection: true, enableGatewayDetection: true };
const logger = createLogger({ service: 'spiderpool-plugin-spec', level: 'silent' });

async function add(ips: IPConfig[], prepare: (link: FakeLink, ipam: FakeIpam) => void = () => undefined) {
  const link = new FakeLink();
  const ipam = fakeIpam(ips);
  prepare(link, ipam);
  const res = await runSpiderpoolPlugin({ ipam: ipam.client, netlink: link, node: 'node-1', logger }, 'ADD', env, stdin);
  return { res, link, ipam, out: JSON.parse(res.stdout) as Record<string, unknown> };
}

describe('spiderpool plugin ADD with detection', () => {
  it('without detection flags: no probe, only the announcement, and the result of the NIC', async () => {
    const { res, link, ipam, out } = await add([ipConfig({ address: '192.0.2.10/24', gateway: '192.0.2.1' })]);
    expect(res.exitCode).toBe(0);
    expect(out).toMatchObject({ ips: [{ address: '192.0.2.10/24', gateway: '192.0.2.1' }] });
    expect(link.callsMatching(/arping -D|ndisc6|addr add/)).toEqual([]);
    expect(link.callsMatching(/arping -U/)).toHaveLength(1);
    expect(ipam.releases).toEqual([]);
  });

  it('an address another host answers for: code 102 naming the IP, every address of the pod released', async () => {
    const ips = [ipConfig({ address: '192.0.2.10/24', gateway: '192.0.2.1', ...on }), ipConfig({ address: '198.51.100.10/24', nic: 'net1' })];
    const { res, link, ipam, out } = await add(ips, (l) => l.neighbours.add('192.0.2.10').add('192.0.2.1'));
    expect(res.exitCode).toBe(1);
    expect(out).toMatchObject({ cniVersion: '1.0.0', code: CniCode.IP_CONFLICT, details: 'IP_CONFLICT' });
    expect(out['msg']).toContain('192.0.2.10');
    expect(ipam.releases).toEqual([
      {
        pod: { namespace: 'ns1', name: 'pod-a', uid: 'uid-a' },
        attachment: { containerId: 'ctr-1', interface: 'eth0', netns: NETNS },
        node: 'node-1',
        reason: ReleaseReason.ADD_ROLLBACK,
        allInterfaces: true,
      },
    ]);
    expect(ipam.held.size).toBe(0);
    // Failed ADD: no gateway probe, no announcement.
    expect(link.callsMatching(/arping -D .* 192\.0\.2\.1 |arping -U/)).toEqual([]);
  });

  it('a gateway nobody answers: code 103 naming gateway and interface, addresses released', async () => {
    const { res, ipam, out } = await add([ipConfig({ address: '192.0.2.10/24', gateway: '192.0.2.1', ...on })]);
    expect(res.exitCode).toBe(1);
    expect(out).toMatchObject({ code: CniCode.GATEWAY_UNREACHABLE });
    expect(out['msg']).toContain('192.0.2.1');
    expect(out['msg']).toContain('eth0');
    expect(ipam.releases).toHaveLength(1);
    expect(ipam.releases[0]).toMatchObject({ reason: ReleaseReason.ADD_ROLLBACK, allInterfaces: true });
    expect(ipam.held.size).toBe(0);
  });

  it('an IPv6 address that fails DAD: code 102', async () => {
    const { res, ipam, out } = await add([ipConfig({ address: '2001:db8::10/64', ...on })], (l) => l.neighbours.add('2001:db8::10'));
    expect(res.exitCode).toBe(1);
    expect(out).toMatchObject({ code: CniCode.IP_CONFLICT });
    expect(out['msg']).toContain('2001:db8::10');
    expect(ipam.releases).toHaveLength(1);
  });

  it('detection passed: success and announcement', async () => {
    const { res, link, ipam } = await add([ipConfig({ address: '192.0.2.10/24', gateway: '192.0.2.1', ...on })], (l) => l.neighbours.add('192.0.2.1'));
    expect(res.exitCode).toBe(0);
    expect(ipam.releases).toEqual([]);
    expect(link.callsMatching(/arping -U .* 192\.0\.2\.10 /)).toHaveLength(1);
  });

  it('a failing announcement does not fail the ADD', async () => {
    const { res, ipam, out } = await add([ipConfig({ address: '192.0.2.10/24' }), ipConfig({ address: '2001:db8::10/64' })], (l) => {
      l.override = (c) => (c.includes('arping -U') ? { code: 2, stdout: '', stderr: 'arping: Device eth0 not available.' } : c.includes('ndisc_notify') ? new Error('EACCES') : undefined);
    });
    expect(res.exitCode).toBe(0);
    expect(out).toMatchObject({ ips: [{ address: '192.0.2.10/24' }, { address: '2001:db8::10/64' }] });
    expect(ipam.releases).toEqual([]);
  });

  it('does not probe the flagged addresses of another NIC', async () => {
    const { res, link } = await add([ipConfig({ address: '198.51.100.10/24', gateway: '198.51.100.1', nic: 'net1', ...on })]);
    expect(res.exitCode).toBe(0);
    expect(link.calls).toEqual([]);
  });

  it('a failed roll-back release still reports the conflict', async () => {
    const { res, ipam, out } = await add([ipConfig({ address: '192.0.2.10/24', ...on })], (l, i) => {
      l.neighbours.add('192.0.2.10');
      i.failRelease = true;
    });
    expect(res.exitCode).toBe(1);
    expect(out).toMatchObject({ code: CniCode.IP_CONFLICT });
    expect(ipam.releases).toHaveLength(1);
  });
});
