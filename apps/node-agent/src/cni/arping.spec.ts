// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import type { ExecResult } from '../netlink/ip-runner.ts';
import { arpAnswered, arpingOnce, parseArpingSummary, sendGratuitousArp } from './arping.ts';
import type { ProbeTiming } from './probe-timing.ts';
import { FakeLink } from './testing/fake-link.ts';

const target = { netns: '/var/run/netns/pod-a', ifName: 'eth0' };
const timing: ProbeTiming = { tries: 3, tryTimeoutMs: 100, dadRetransMs: 100, dadTimeoutMs: 200, dadPollMs: 1 };
const cutBeforeProbe: ExecResult = { code: 124, stdout: 'ARPING 192.0.2.10 from 0.0.0.0 eth0\n', stderr: '' };

function upLink(): FakeLink {
  const link = new FakeLink();
  link.up = true;
  return link;
}

describe('parseArpingSummary', () => {
  it('reads probes sent and replies received', () => {
    expect(parseArpingSummary('ARPING 192.0.2.10 from 0.0.0.0 eth0\nSent 2 probes (2 broadcast(s))\nReceived 1 response(s)\n')).toEqual({ sent: 2, received: 1 });
    expect(parseArpingSummary('ARPING 192.0.2.10 from 0.0.0.0 eth0\n')).toBeUndefined();
  });
});

describe('arpingOnce', () => {
  it('runs arping under timeout with the try budget in seconds and the port guard above it', async () => {
    const link = upLink();
    expect(await arpingOnce(link, target, { mode: '-D', ip: '192.0.2.10', waitMs: 150 })).toBe('silent');
    expect(link.calls).toEqual(['exec timeout 0.150 arping -D -c 1 -w 1 -I eth0 192.0.2.10 (5150 ms)']);
  });

  it('tells a reply from a usage error although both exit 1', async () => {
    const link = upLink();
    link.neighbours.add('192.0.2.10');
    expect(await arpingOnce(link, target, { mode: '-D', ip: '192.0.2.10', waitMs: 100 })).toBe('reply');
    link.override = () => ({ code: 1, stdout: '', stderr: "arping: invalid argument: '0.1'" });
    await expect(arpingOnce(link, target, { mode: '-D', ip: '192.0.2.10', waitMs: 100 })).rejects.toThrow("arping -D 192.0.2.10 on eth0 failed (exit 1): arping: invalid argument: '0.1'");
  });

  it('counts a run stopped before its probe left as unsent', async () => {
    const link = upLink();
    link.override = () => cutBeforeProbe;
    expect(await arpingOnce(link, target, { mode: '-D', ip: '192.0.2.10', waitMs: 100 })).toBe('unsent');
  });

  it('fails on a link that is down', async () => {
    await expect(arpingOnce(new FakeLink(), target, { mode: '-D', ip: '192.0.2.10', waitMs: 100 })).rejects.toThrow('is down');
  });
});

describe('arpAnswered', () => {
  it('stops at the first reply', async () => {
    const link = upLink();
    link.neighbours.add('192.0.2.10');
    expect(await arpAnswered(link, target, '192.0.2.10', timing)).toBe(true);
    expect(link.calls).toHaveLength(1);
  });

  it('does not count unsent tries and doubles the next try budget', async () => {
    const link = upLink();
    let cut = 2;
    link.override = () => (cut-- > 0 ? cutBeforeProbe : undefined);
    expect(await arpAnswered(link, target, '192.0.2.10', timing)).toBe(false);
    expect(link.calls.map((c) => c.split(' ')[2])).toEqual(['0.100', '0.200', '0.400', '0.400', '0.400']);
  });

  it('gives up with an error when probes never leave, after a bounded number of runs', async () => {
    const link = upLink();
    link.override = () => cutBeforeProbe;
    await expect(arpAnswered(link, target, '192.0.2.10', timing)).rejects.toThrow('could not send 3 probes for 192.0.2.10 on eth0');
    expect(link.calls).toHaveLength(6);
  });
});

describe('sendGratuitousArp', () => {
  it('sends one unsolicited ARP with the address as sender', async () => {
    const link = upLink();
    await sendGratuitousArp(link, target, '192.0.2.10', timing);
    expect(link.calls).toEqual(['exec timeout 0.100 arping -U -c 1 -w 1 -I eth0 192.0.2.10 (5100 ms)']);
  });

  it('fails when the announcement never left', async () => {
    const link = upLink();
    link.override = () => cutBeforeProbe;
    await expect(sendGratuitousArp(link, target, '192.0.2.10', timing)).rejects.toThrow('gratuitous ARP for 192.0.2.10 on eth0 was not sent');
    expect(link.calls).toHaveLength(3);
  });
});
