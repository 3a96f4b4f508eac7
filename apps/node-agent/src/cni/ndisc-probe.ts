// SPDX-License-Identifier: Apache-2.0
// IPv6 gateway reachability with ndisc6: a neighbour solicitation for the gateway, answered by a
// neighbour advertisement when the gateway is on the link. A solicitation needs a source address
// and the pod's interface has none yet (its link-local may still be tentative), so the allocated
// address is added for the probe without DAD (conflict detection, when on, has already run) and
// removed afterwards: the main plugin configures the address itself.
import { SpiderpoolError } from '@spiderpool/errors';
import type { NetlinkPort } from '../netlink/ip-runner.ts';
import type { LinkTarget } from './arping.ts';
import { bareIp, type ProbeTiming } from './probe-timing.ts';

/** ndisc6 exits 0 when answered, 2 when nobody answered, 1 on its own errors. */
const NO_RESPONSE = 2;
/** Extra room for the port's kill timer; ndisc6 bounds itself with -r and -w. */
const GUARD_MS = 5_000;

/** Whether `gateway` answers a neighbour solicitation sent from `sourceCidr` (the allocated address) on the interface. */
export async function ipv6GatewayAnswers(port: NetlinkPort, target: LinkTarget, hop: { sourceCidr: string; gateway: string }, timing: ProbeTiming): Promise<boolean> {
  const { sourceCidr, gateway } = hop;
  await port.ip(target.netns, ['-6', 'addr', 'add', sourceCidr, 'dev', target.ifName, 'nodad']);
  try {
    const args = ['-1', '-q', '-r', String(timing.tries), '-w', String(timing.tryTimeoutMs), '-s', bareIp(sourceCidr), gateway, target.ifName];
    const r = await port.exec(target.netns, 'ndisc6', args, timing.tries * timing.tryTimeoutMs + GUARD_MS);
    if (r.code === 0) return true;
    if (r.code === NO_RESPONSE) return false;
    throw new SpiderpoolError('INTERNAL', `ndisc6 ${gateway} on ${target.ifName} failed (exit ${r.code}): ${(r.stderr || r.stdout).trim()}`);
  } finally {
    await port.ip(target.netns, ['-6', 'addr', 'del', sourceCidr, 'dev', target.ifName]);
  }
}
