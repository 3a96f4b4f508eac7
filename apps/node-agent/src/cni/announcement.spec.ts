// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { announceAddresses, type WarnLog } from './announcement.ts';
import type { ProbeTiming } from './probe-timing.ts';
import { ipConfig } from './testing/fake-ipam.ts';
import { FakeLink } from './testing/fake-link.ts';

const target = { netns: '/var/run/netns/pod-a', ifName: 'eth0' };
const timing: ProbeTiming = { tries: 3, tryTimeoutMs: 100, dadRetransMs: 100, dadTimeoutMs: 200, dadPollMs: 1 };

function recordingLog(): WarnLog & { warnings: Array<{ obj: object; msg: string }> } {
  const warnings: Array<{ obj: object; msg: string }> = [];
  return { warnings, warn: (obj, msg) => warnings.push({ obj, msg }) };
}

describe('announceAddresses', () => {
  it('sends a gratuitous ARP per IPv4 address of the NIC and turns on ndisc_notify for IPv6', async () => {
    const link = new FakeLink();
    const log = recordingLog();
    const ips = [ipConfig({ address: '192.0.2.10/24' }), ipConfig({ address: '2001:db8::10/64' }), ipConfig({ address: '198.51.100.10/24', nic: 'net1' })];
    await announceAddresses({ port: link, log, timing }, target, ips);
    expect(link.calls).toEqual([
      'sysctl net/ipv6/conf/eth0/ndisc_notify=1',
      'ip link set dev eth0 up',
      'exec timeout 0.100 arping -U -c 1 -w 1 -I eth0 192.0.2.10 (5100 ms)',
    ]);
    expect(log.warnings).toEqual([]);
  });

  it('logs a failed announcement at warn and resolves', async () => {
    const link = new FakeLink();
    link.override = (c) => (c.includes('arping') ? { code: 2, stdout: '', stderr: 'arping: Device eth0 not available.' } : c.includes('ndisc_notify') ? new Error('read-only file system') : undefined);
    const log = recordingLog();
    await announceAddresses({ port: link, log, timing }, target, [ipConfig({ address: '192.0.2.10/24' }), ipConfig({ address: '2001:db8::10/64' })]);
    expect(log.warnings).toEqual([
      { obj: { ifName: 'eth0', family: 'ipv6', err: 'read-only file system' }, msg: 'address announcement failed; the ADD goes on' },
      { obj: { ifName: 'eth0', ip: '192.0.2.10', err: expect.stringContaining('Device eth0 not available') }, msg: 'address announcement failed; the ADD goes on' },
    ]);
  });

  it('does not send ARP when the link cannot be brought up', async () => {
    const link = new FakeLink('net1');
    const log = recordingLog();
    await announceAddresses({ port: link, log, timing }, target, [ipConfig({ address: '192.0.2.10/24' })]);
    expect(link.callsMatching(/arping/)).toEqual([]);
    expect(log.warnings).toHaveLength(1);
    expect(log.warnings[0]?.obj).toMatchObject({ ifName: 'eth0', err: expect.stringContaining('Cannot find device') });
  });

  it('does nothing without a namespace or without addresses of the NIC', async () => {
    const link = new FakeLink();
    const log = recordingLog();
    await announceAddresses({ port: link, log, timing }, { netns: '', ifName: 'eth0' }, [ipConfig({ address: '192.0.2.10/24' })]);
    await announceAddresses({ port: link, log, timing }, target, [ipConfig({ address: '192.0.2.10/24', nic: 'net1' })]);
    expect(link.calls).toEqual([]);
    expect(log.warnings).toEqual([]);
  });

  it('handles interface names with dots (VLAN sub-interfaces) in sysctl paths', async () => {
    const link = new FakeLink('eth0.100');
    const log = recordingLog();
    await announceAddresses({ port: link, log, timing }, { netns: target.netns, ifName: 'eth0.100' }, [ipConfig({ address: '2001:db8::10/64', nic: 'eth0.100' })]);
    expect(link.calls).toEqual(['sysctl net/ipv6/conf/eth0.100/ndisc_notify=1']);
    expect(log.warnings).toEqual([]);
  });
});
