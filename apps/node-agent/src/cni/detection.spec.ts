// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { SpiderpoolError } from '@spiderpool/errors';
import { CniCode, CniError } from './cni-types.ts';
import { detectConflictsAndGateways } from './detection.ts';
import type { ProbeTiming } from './probe-timing.ts';
import { ipConfig } from './testing/fake-ipam.ts';
import { FakeLink } from './testing/fake-link.ts';

const NETNS = '/var/run/netns/pod-a';
const target = { netns: NETNS, ifName: 'eth0' };
const timing: ProbeTiming = { tries: 3, tryTimeoutMs: 100, dadRetransMs: 100, dadTimeoutMs: 200, dadPollMs: 1 };
const on = { enableIpConflictDetection: true, enableGatewayDetection: true };

const v4 = ipConfig({ address: '192.0.2.10/24', gateway: '192.0.2.1', ...on });
const v6 = ipConfig({ address: '2001:db8::10/64', gateway: '2001:db8::1', ...on });

/** The kind of each probe in call order: conflict/gateway and family. */
function probeKinds(link: FakeLink): string[] {
  return link.calls.flatMap((c) => {
    if (/arping -D .* 192\.0\.2\.10 /.test(c)) return ['conflict-v4'];
    if (/arping -D .* 192\.0\.2\.1 /.test(c)) return ['gateway-v4'];
    if (c === 'ip -6 addr add 2001:db8::10/64 dev eth0') return ['conflict-v6'];
    if (c.startsWith('exec ndisc6')) return ['gateway-v6'];
    return [];
  });
}

async function rejection(run: Promise<unknown>): Promise<Error> {
  return run.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err as Error,
  );
}

describe('detectConflictsAndGateways', () => {
  it('touches nothing when the flags are off', async () => {
    const link = new FakeLink();
    await detectConflictsAndGateways(link, target, [ipConfig({ address: '192.0.2.10/24', gateway: '192.0.2.1' })], timing);
    expect(link.calls).toEqual([]);
  });

  it('does not probe the addresses of other NICs', async () => {
    const link = new FakeLink();
    await detectConflictsAndGateways(link, target, [ipConfig({ address: '198.51.100.10/24', gateway: '198.51.100.1', nic: 'net1', ...on })], timing);
    expect(link.calls).toEqual([]);
  });

  it('brings the link up in the pod namespace, probes every conflict first and then every gateway', async () => {
    const link = new FakeLink();
    link.neighbours.add('192.0.2.1').add('2001:db8::1');
    await detectConflictsAndGateways(link, target, [v4, v6], timing);
    expect(link.calls[0]).toBe('ip link set dev eth0 up');
    expect(new Set(link.netnsOfCalls)).toEqual(new Set([NETNS]));
    // Free addresses: all three ARP tries go out; a gateway answers the first.
    expect(probeKinds(link)).toEqual(['conflict-v4', 'conflict-v4', 'conflict-v4', 'conflict-v6', 'gateway-v4', 'gateway-v6']);
    expect(link.addresses.size).toBe(0);
  });

  it('reports an IPv4 conflict by IP and probes no gateway after it', async () => {
    const link = new FakeLink();
    link.neighbours.add('192.0.2.10').add('192.0.2.1');
    const err = await rejection(detectConflictsAndGateways(link, target, [v4], timing));
    expect(err).toBeInstanceOf(SpiderpoolError);
    expect((err as SpiderpoolError).code).toBe('IP_CONFLICT');
    expect(err.message).toContain('192.0.2.10 on eth0');
    // One reply is enough.
    expect(probeKinds(link)).toEqual(['conflict-v4']);
  });

  it('reports an IPv6 conflict found by DAD, removes the address and restores the DAD sysctls', async () => {
    const link = new FakeLink();
    link.neighbours.add('2001:db8::10');
    link.sysctls.set('net/ipv6/conf/eth0/accept_dad', '0').set('net/ipv6/neigh/eth0/retrans_time_ms', '1000');
    const err = await rejection(detectConflictsAndGateways(link, target, [v6], timing));
    expect((err as SpiderpoolError).code).toBe('IP_CONFLICT');
    expect(err.message).toContain('2001:db8::10 on eth0');
    expect(link.calls).toContain('sysctl net/ipv6/conf/eth0/accept_dad=1');
    expect(link.calls).toContain('sysctl net/ipv6/neigh/eth0/retrans_time_ms=100');
    // Values that are already right cost no process.
    expect(link.callsMatching(/^sysctl .*dad_transmits/)).toEqual([]);
    expect(link.calls).toContain('ip -6 addr del 2001:db8::10/64 dev eth0');
    expect(link.addresses.size).toBe(0);
    expect(link.sysctls.get('net/ipv6/conf/eth0/accept_dad')).toBe('0');
    expect(link.sysctls.get('net/ipv6/neigh/eth0/retrans_time_ms')).toBe('1000');
    expect(probeKinds(link)).toEqual(['conflict-v6']);
  });

  it('reports an IPv4 gateway that never answers, after all tries, naming gateway and interface', async () => {
    const link = new FakeLink();
    const err = await rejection(detectConflictsAndGateways(link, target, [v4], timing));
    expect((err as SpiderpoolError).code).toBe('GATEWAY_UNREACHABLE');
    expect(err.message).toContain('gateway 192.0.2.1 of 192.0.2.10');
    expect(err.message).toContain('on eth0');
    expect(probeKinds(link)).toEqual(['conflict-v4', 'conflict-v4', 'conflict-v4', 'gateway-v4', 'gateway-v4', 'gateway-v4']);
  });

  it('solicits an IPv6 gateway from the allocated address, added without DAD and removed again', async () => {
    const link = new FakeLink();
    const ip = ipConfig({ address: '2001:db8::10/64', gateway: '2001:db8::1', enableGatewayDetection: true });
    const err = await rejection(detectConflictsAndGateways(link, target, [ip], timing));
    expect((err as SpiderpoolError).code).toBe('GATEWAY_UNREACHABLE');
    expect(err.message).toContain('gateway 2001:db8::1 of 2001:db8::10');
    const ndisc = link.callsMatching(/ndisc6/);
    expect(ndisc).toHaveLength(1);
    expect(ndisc[0]).toContain('-r 3 -w 100 -s 2001:db8::10 2001:db8::1 eth0');
    expect(link.calls).toEqual(['ip link set dev eth0 up', 'ip -6 addr add 2001:db8::10/64 dev eth0 nodad', ndisc[0], 'ip -6 addr del 2001:db8::10/64 dev eth0']);
  });

  it('skips the gateway probe of an address without gateway', async () => {
    const link = new FakeLink();
    await detectConflictsAndGateways(link, target, [ipConfig({ address: '192.0.2.10/24', enableGatewayDetection: true })], timing);
    expect(link.calls).toEqual([]);
  });

  it('refuses to probe without CNI_NETNS (it would probe the node) and touches nothing', async () => {
    const link = new FakeLink();
    const err = await rejection(detectConflictsAndGateways(link, { netns: '', ifName: 'eth0' }, [v4], timing));
    expect(err).toBeInstanceOf(CniError);
    expect((err as CniError).code).toBe(CniCode.INVALID_ENV);
    expect(err.message).toContain('CNI_NETNS');
    expect(link.calls).toEqual([]);
  });

  it('fails with INTERNAL when the probe tool itself fails, not with a verdict', async () => {
    const link = new FakeLink();
    link.override = (c) => (c.includes('arping') ? { code: 1, stdout: '', stderr: "arping: invalid argument: '0.1'" } : undefined);
    const err = await rejection(detectConflictsAndGateways(link, target, [v4], timing));
    expect((err as SpiderpoolError).code).toBe('INTERNAL');
    expect(err.message).toContain('invalid argument');
  });

  it('fails with INTERNAL when DAD never finishes, and still cleans up', async () => {
    const link = new FakeLink();
    link.tentativeReads = 1_000_000;
    link.sysctls.set('net/ipv6/conf/eth0/router_solicitation_delay', '1');
    const ip = ipConfig({ address: '2001:db8::10/64', enableIpConflictDetection: true });
    const err = await rejection(detectConflictsAndGateways(link, target, [ip], timing));
    expect((err as SpiderpoolError).code).toBe('INTERNAL');
    expect(err.message).toContain('did not finish within 200 ms');
    expect(link.addresses.size).toBe(0);
    expect(link.calls).toContain('sysctl net/ipv6/conf/eth0/router_solicitation_delay=0');
    expect(link.sysctls.get('net/ipv6/conf/eth0/router_solicitation_delay')).toBe('1');
    expect(link.callsMatching(/^ipJson/).length).toBeLessThanOrEqual(201);
  });
});
