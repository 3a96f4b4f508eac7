// SPDX-License-Identifier: Apache-2.0
// IP-conflict and gateway detection for the addresses of one NIC, run between Allocate and the
// main plugin configuring them, in upstream's order: every conflict probe first, then every
// gateway. The main plugin has already created the interface in the pod's namespace; it carries
// no address yet, and this code leaves it without one.
import { SpiderpoolError } from '@spiderpool/errors';
import { IpVersion, type IPConfig } from '@spiderpool/proto';
import type { NetlinkPort } from '../netlink/ip-runner.ts';
import { arpAnswered, type LinkTarget } from './arping.ts';
import { CniCode, CniError } from './cni-types.ts';
import { ipv6AddressInUse } from './ipv6-dad.ts';
import { ipv6GatewayAnswers } from './ndisc-probe.ts';
import { bareIp, DEFAULT_PROBE_TIMING, type ProbeTiming } from './probe-timing.ts';

/** What detection reads of an allocated address. */
export type ProbedIp = Pick<IPConfig, 'version' | 'address' | 'gateway' | 'nic' | 'enableIpConflictDetection' | 'enableGatewayDetection'>;

/** CNI_NETNS and CNI_IFNAME of the ADD; an empty netns means the runtime gave none. */
export interface AddTarget {
  netns: string;
  ifName: string;
}

/**
 * Throws IP_CONFLICT when another host holds one of the NIC's addresses, GATEWAY_UNREACHABLE
 * when a gateway does not answer. Addresses of other NICs and addresses whose flags are off are
 * not probed; without any probe to run, nothing is touched.
 */
export async function detectConflictsAndGateways(port: NetlinkPort, target: AddTarget, ips: readonly ProbedIp[], timing: ProbeTiming = DEFAULT_PROBE_TIMING): Promise<void> {
  const own = ips.filter((ip) => ip.nic === target.ifName);
  const conflicts = own.filter((ip) => ip.enableIpConflictDetection);
  const gateways = own.filter((ip) => ip.enableGatewayDetection && ip.gateway !== '');
  if (conflicts.length === 0 && gateways.length === 0) return;
  // Never probe from node-agent's own namespace: that would test the node's links, not the pod's.
  if (!target.netns) throw new CniError(CniCode.INVALID_ENV, 'CNI_NETNS is required for IP conflict and gateway detection');
  const link: LinkTarget = { netns: target.netns, ifName: target.ifName };
  // ARP and DAD need a running link; the main plugin brings it up moments later anyway.
  await port.ip(link.netns, ['link', 'set', 'dev', link.ifName, 'up']);
  for (const ip of conflicts) await assertNoConflict(port, link, ip, timing);
  for (const ip of gateways) await assertGatewayAnswers(port, link, ip, timing);
}

async function assertNoConflict(port: NetlinkPort, link: LinkTarget, ip: ProbedIp, timing: ProbeTiming): Promise<void> {
  const v6 = ip.version === IpVersion.V6;
  const inUse = v6 ? await ipv6AddressInUse(port, link, ip.address, timing) : await arpAnswered(port, link, bareIp(ip.address), timing);
  if (inUse) {
    const how = v6 ? 'its duplicate address detection failed' : 'another host answered the ARP probe';
    throw new SpiderpoolError('IP_CONFLICT', `${bareIp(ip.address)} on ${link.ifName} is already in use on the link: ${how}`);
  }
}

async function assertGatewayAnswers(port: NetlinkPort, link: LinkTarget, ip: ProbedIp, timing: ProbeTiming): Promise<void> {
  const v6 = ip.version === IpVersion.V6;
  const answered = v6 ? await ipv6GatewayAnswers(port, link, { sourceCidr: ip.address, gateway: ip.gateway }, timing) : await arpAnswered(port, link, ip.gateway, timing);
  if (!answered) {
    const probes = `${timing.tries} ${v6 ? 'neighbour solicitations' : 'ARP probes'}`;
    throw new SpiderpoolError('GATEWAY_UNREACHABLE', `gateway ${ip.gateway} of ${bareIp(ip.address)} did not answer ${probes} on ${link.ifName}`);
  }
}
