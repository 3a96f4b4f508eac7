// SPDX-License-Identifier: Apache-2.0
// IPv4 probes with iputils arping. This arping accepts whole seconds only for -w and -i, so one
// run never waits less than a second; each try is therefore cut short by coreutils `timeout`.
// On that SIGTERM arping still prints its summary, and the outcome is read from the summary: the
// exit code alone cannot tell a reply from a usage error (both are 1).
import { SpiderpoolError } from '@spiderpool/errors';
import type { NetlinkPort, Netns } from '../netlink/ip-runner.ts';
import type { ProbeTiming } from './probe-timing.ts';

/** The pod's interface, seen from node-agent. */
export interface LinkTarget {
  netns: Netns;
  ifName: string;
}

/** reply: someone answered; silent: the probe left and nobody answered; unsent: cut before the probe left. */
export type ArpOutcome = 'reply' | 'silent' | 'unsent';

/** Exit status of `timeout` when it had to stop the command. */
const TIMED_OUT = 124;
/** Extra room for the port's own kill timer, which only guards against a hung `timeout`. */
const GUARD_MS = 5_000;
/** Tries that may be cut before their probe left, each with twice the time of the previous one. */
const MAX_UNSENT = 3;

export function parseArpingSummary(stdout: string): { sent: number; received: number } | undefined {
  const sent = /Sent (\d+) probes?/.exec(stdout);
  const received = /Received (\d+) response/.exec(stdout);
  if (!sent || !received) return undefined;
  return { sent: Number(sent[1]), received: Number(received[1]) };
}

/**
 * One arping run of at most `waitMs`: `-D` sends a duplicate-address probe (sender 0.0.0.0, so
 * the interface needs no address yet), `-U` a gratuitous ARP (sender = target = ip). Throws when
 * arping itself fails (no such device, link down, bad flag).
 */
export async function arpingOnce(port: NetlinkPort, target: LinkTarget, run: { mode: '-D' | '-U'; ip: string; waitMs: number }): Promise<ArpOutcome> {
  const { mode, ip, waitMs } = run;
  const args = [(waitMs / 1_000).toFixed(3), 'arping', mode, '-c', '1', '-w', '1', '-I', target.ifName, ip];
  const r = await port.exec(target.netns, 'timeout', args, waitMs + GUARD_MS);
  const summary = parseArpingSummary(r.stdout);
  if (summary && summary.received > 0) return 'reply';
  if (r.code === 0 || r.code === TIMED_OUT) return summary && summary.sent > 0 ? 'silent' : 'unsent';
  throw new SpiderpoolError('INTERNAL', `arping ${mode} ${ip} on ${target.ifName} failed (exit ${r.code}): ${(r.stderr || r.stdout).trim()}`);
}

/** Whether any host answers ARP for `ip`: up to `tries` probes, stopping at the first reply. */
export async function arpAnswered(port: NetlinkPort, target: LinkTarget, ip: string, timing: ProbeTiming): Promise<boolean> {
  let silent = 0;
  let waitMs = timing.tryTimeoutMs;
  for (let attempt = 0; attempt < timing.tries + MAX_UNSENT; attempt++) {
    const outcome = await arpingOnce(port, target, { mode: '-D', ip, waitMs });
    if (outcome === 'reply') return true;
    if (outcome === 'silent' && ++silent >= timing.tries) return false;
    // A try stopped before its probe left proves nothing (a loaded node starts processes slowly).
    if (outcome === 'unsent') waitMs *= 2;
  }
  throw new SpiderpoolError('INTERNAL', `arping could not send ${timing.tries} probes for ${ip} on ${target.ifName} in time`);
}

/** One gratuitous ARP for `ip`, so neighbours point their caches at this interface. */
export async function sendGratuitousArp(port: NetlinkPort, target: LinkTarget, ip: string, timing: ProbeTiming): Promise<void> {
  let waitMs = timing.tryTimeoutMs;
  for (let attempt = 0; attempt < MAX_UNSENT; attempt++) {
    if ((await arpingOnce(port, target, { mode: '-U', ip, waitMs })) !== 'unsent') return;
    waitMs *= 2;
  }
  throw new SpiderpoolError('INTERNAL', `gratuitous ARP for ${ip} on ${target.ifName} was not sent in time`);
}
