// SPDX-License-Identifier: Apache-2.0
// A coordinator plan is data: the ordered kernel operations for the pod and the host namespace.
// Planning is pure (and unit-tested as such); applying it is the executor's job.
import { createHash } from 'node:crypto';
import type { Family } from '../netlink/netns-state.ts';

export type Side = 'pod' | 'host';

export type NetOp =
  | { kind: 'ip'; side: Side; args: string[]; family?: Family }
  | { kind: 'sysctl'; side: Side; key: string; value: string }
  /** Gratuitous ARP for IPv4 addresses of a link after its MAC changed (best effort). */
  | { kind: 'announce'; side: 'pod'; ifName: string; ips: string[] };

export const ipOp = (side: Side, ...args: string[]): NetOp => ({ kind: 'ip', side, args });
/** For commands whose family cannot be inferred from an address (`rule add from all`). */
export const ipOpFamily = (side: Side, family: Family, ...args: string[]): NetOp => ({ kind: 'ip', side, args, family });
export const sysctlOp = (side: Side, key: string, value: string): NetOp => ({ kind: 'sysctl', side, key, value });

export const hostPrefix = (family: Family): number => (family === 4 ? 32 : 128);
export const DEFAULT_DST: Readonly<Record<Family, string>> = { 4: '0.0.0.0/0', 6: '::/0' };

/** Link-local addresses of the coordinator's veth pair (nodad: usable at once as next hops). */
export const HOST_VETH_LL = 'fe80::1';
export const POD_VETH_LL = 'fe80::2';
export const POD_VETH = 'veth0';

/**
 * `veth` + 11 hex characters (15 bytes, the kernel's limit): the container ID's own prefix when
 * it is hex (what runtimes use, so operators can find a pod's veth), else a hash of the whole ID
 * (a prefix like `cnitool-…` would make every pod's name the same).
 */
export function hostVethName(containerId: string): string {
  const id = /^[0-9a-f]{11,}$/.test(containerId) ? containerId : createHash('sha256').update(containerId).digest('hex');
  return `veth${id.slice(0, 11)}`;
}
