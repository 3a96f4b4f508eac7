// SPDX-License-Identifier: Apache-2.0
// IPv6 conflict detection by the kernel's own duplicate address detection: the address is added
// with DAD on, and the kernel either clears `tentative` (nobody else holds it) or flags it
// `dadfailed` (a neighbour advertised or probed it). The interface's DAD settings are tuned for
// the run and put back afterwards, and the temporary address is always removed again: the main
// plugin configures the address itself.
import { setTimeout as sleep } from 'node:timers/promises';
import { SpiderpoolError } from '@spiderpool/errors';
import type { NetlinkPort, Netns } from '../netlink/ip-runner.ts';
import type { LinkTarget } from './arping.ts';
import { bareIp, type ProbeTiming } from './probe-timing.ts';

interface AddrInfo {
  local?: string;
  tentative?: boolean;
  dadfailed?: boolean;
}

type DadState = 'tentative' | 'free' | 'duplicate' | 'absent';

/** `2001:DB8:0::1` and `2001:db8::1` are the same address; `ip` prints the short form. */
export const canonicalIpv6 = (ip: string): string => new URL(`http://[${ip}]/`).hostname.slice(1, -1);

function dadSettings(ifName: string, retransMs: number): Array<[string, string]> {
  return [
    [`net/ipv6/conf/${ifName}/accept_dad`, '1'],
    [`net/ipv6/conf/${ifName}/dad_transmits`, '1'],
    // Otherwise the kernel waits a random time of up to a second before the first solicitation.
    [`net/ipv6/conf/${ifName}/router_solicitation_delay`, '0'],
    [`net/ipv6/neigh/${ifName}/retrans_time_ms`, String(retransMs)],
  ];
}

async function readSysctls(port: NetlinkPort, netns: Netns, keys: readonly string[]): Promise<Array<[string, string]>> {
  const r = await port.exec(netns, 'cat', keys.map((k) => `/proc/sys/${k}`));
  const values = r.stdout.split('\n').map((v) => v.trim()).filter((v) => v !== '');
  if (r.code !== 0 || values.length !== keys.length) throw new SpiderpoolError('INTERNAL', `reading ${keys.join(', ')} failed: ${r.stderr.trim() || r.stdout.trim()}`);
  return keys.map((k, i) => [k, values[i] ?? '']);
}

async function writeSysctls(port: NetlinkPort, netns: Netns, settings: ReadonlyArray<[string, string]>): Promise<void> {
  for (const [key, value] of settings) await port.writeSysctl(netns, key, value);
}

async function dadState(port: NetlinkPort, target: LinkTarget, ip: string): Promise<DadState> {
  const links = await port.ipJson<Array<{ addr_info?: AddrInfo[] }>>(target.netns, ['-6', 'addr', 'show', 'dev', target.ifName]);
  const want = canonicalIpv6(ip);
  const addr = links.flatMap((l) => l.addr_info ?? []).find((a) => a.local !== undefined && canonicalIpv6(a.local) === want);
  if (!addr) return 'absent';
  if (addr.dadfailed) return 'duplicate';
  return addr.tentative ? 'tentative' : 'free';
}

/** Polls until the kernel has decided; bounded by `dadTimeoutMs`. */
async function waitForDad(port: NetlinkPort, target: LinkTarget, ip: string, timing: ProbeTiming): Promise<boolean> {
  const polls = Math.ceil(timing.dadTimeoutMs / timing.dadPollMs) + 1;
  for (let i = 0; i < polls; i++) {
    const state = await dadState(port, target, ip);
    if (state === 'duplicate') return true;
    if (state === 'free') return false;
    if (state === 'absent') throw new SpiderpoolError('INTERNAL', `${ip} disappeared from ${target.ifName} during DAD`);
    await sleep(timing.dadPollMs);
  }
  throw new SpiderpoolError('INTERNAL', `DAD for ${ip} on ${target.ifName} did not finish within ${timing.dadTimeoutMs} ms (is the link up, with carrier?)`);
}

/** Whether another host on the link holds the IPv6 address `cidr` (e.g. `2001:db8::10/64`). */
export async function ipv6AddressInUse(port: NetlinkPort, target: LinkTarget, cidr: string, timing: ProbeTiming): Promise<boolean> {
  const wanted = dadSettings(target.ifName, timing.dadRetransMs);
  const current = await readSysctls(port, target.netns, wanted.map(([key]) => key));
  // Every write is a process: only the values that differ are changed, and only those restored.
  const changed = wanted.filter(([, value], i) => current[i]?.[1] !== value);
  const saved = current.filter(([key]) => changed.some(([k]) => k === key));
  await writeSysctls(port, target.netns, changed);
  try {
    await port.ip(target.netns, ['-6', 'addr', 'add', cidr, 'dev', target.ifName]);
    try {
      return await waitForDad(port, target, bareIp(cidr), timing);
    } finally {
      await port.ip(target.netns, ['-6', 'addr', 'del', cidr, 'dev', target.ifName]);
    }
  } finally {
    await writeSysctls(port, target.netns, saved);
  }
}
