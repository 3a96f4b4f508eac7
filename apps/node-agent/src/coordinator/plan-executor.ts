// SPDX-License-Identifier: Apache-2.0
import type { Logger } from '@spiderpool/observability';
import type { NetlinkPort, Netns } from '../netlink/ip-runner.ts';
import type { Family } from '../netlink/netns-state.ts';
import type { NetOp, Side } from './net-ops.ts';

export interface ExecutionTarget {
  netlink: NetlinkPort;
  namespaces: Readonly<Record<Side, Netns>>;
  logger: Logger;
}

type IpOp = Extract<NetOp, { kind: 'ip' }>;

/**
 * Applies a plan in order. Consecutive `ip` operations on one side (and family) run as one
 * `ip -batch` process; the first failure stops everything after it (a failed ADD is followed
 * by the runtime's DEL, which removes what was created).
 */
export async function applyPlan(target: ExecutionTarget, ops: readonly NetOp[]): Promise<void> {
  let pending: IpOp[] = [];
  const flush = async (): Promise<void> => {
    const [head] = pending;
    if (!head) return;
    const batch = pending;
    pending = [];
    await target.netlink.batch(target.namespaces[head.side], batch.map((o) => o.args), head.family ? { family: head.family } : {});
  };
  for (const op of ops) {
    if (op.kind === 'ip') {
      const head = pending[0];
      if (head && (head.side !== op.side || head.family !== op.family)) await flush();
      pending.push(op);
      continue;
    }
    await flush();
    if (op.kind === 'sysctl') await target.netlink.writeSysctl(target.namespaces[op.side], op.key, op.value);
    else await announce(target, op.ifName, op.ips);
  }
  await flush();
}

/** Gratuitous ARP so neighbours learn a changed MAC at once; a failure only delays that. */
async function announce(target: ExecutionTarget, ifName: string, ips: readonly string[]): Promise<void> {
  for (const ip of ips) {
    const r = await target.netlink.exec(target.namespaces.pod, 'arping', ['-U', '-c', '1', '-I', ifName, ip], 3_000);
    if (r.code !== 0) target.logger.warn({ ifName, ip, err: r.stderr.trim() }, 'gratuitous ARP failed');
  }
}

export const familyOf = (ip: string): Family => (ip.includes(':') ? 6 : 4);
