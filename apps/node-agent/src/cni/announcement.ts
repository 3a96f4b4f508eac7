// SPDX-License-Identifier: Apache-2.0
// Address announcement after a successful ADD, so that neighbours which cached another MAC for a
// re-used address switch to this pod at once. IPv4: one gratuitous ARP, sent before the main
// plugin configures the address (arping does not need it on the link). IPv6: ndisc_notify on the
// interface, so the kernel itself sends an unsolicited neighbour advertisement when the main
// plugin adds the address. Best effort: a failure is logged and never fails the ADD.
import { IpVersion } from '@spiderpool/proto';
import type { NetlinkPort } from '../netlink/ip-runner.ts';
import { sendGratuitousArp, type LinkTarget } from './arping.ts';
import type { AddTarget, ProbedIp } from './detection.ts';
import { bareIp, DEFAULT_PROBE_TIMING, type ProbeTiming } from './probe-timing.ts';

/** The one logger method announcement uses. */
export interface WarnLog {
  warn(obj: object, msg: string): void;
}

async function attempt(log: WarnLog, context: object, run: () => Promise<unknown>): Promise<boolean> {
  try {
    await run();
    return true;
  } catch (err) {
    log.warn({ ...context, err: err instanceof Error ? err.message : String(err) }, 'address announcement failed; the ADD goes on');
    return false;
  }
}

async function enableNdiscNotify(port: NetlinkPort, link: LinkTarget): Promise<void> {
  await port.writeSysctl(link.netns, `net/ipv6/conf/${link.ifName}/ndisc_notify`, '1');
}

/** Announces the addresses of `target.ifName` among `ips`; never throws. */
export async function announceAddresses(ctx: { port: NetlinkPort; log: WarnLog; timing?: ProbeTiming }, target: AddTarget, ips: readonly ProbedIp[]): Promise<void> {
  const { port, log, timing = DEFAULT_PROBE_TIMING } = ctx;
  const own = ips.filter((ip) => ip.nic === target.ifName);
  // Without a namespace there is no pod interface to speak from.
  if (own.length === 0 || !target.netns) return;
  const link: LinkTarget = { netns: target.netns, ifName: target.ifName };
  const v4 = own.filter((ip) => ip.version !== IpVersion.V6);
  if (own.length > v4.length) await attempt(log, { ifName: link.ifName, family: 'ipv6' }, () => enableNdiscNotify(port, link));
  if (v4.length === 0) return;
  // arping refuses a link that is down; the main plugin brings it up moments later anyway.
  const up = await attempt(log, { ifName: link.ifName }, () => port.ip(link.netns, ['link', 'set', 'dev', link.ifName, 'up']));
  if (!up) return;
  for (const ip of v4) await attempt(log, { ifName: link.ifName, ip: bareIp(ip.address) }, () => sendGratuitousArp(port, link, bareIp(ip.address), timing));
}
