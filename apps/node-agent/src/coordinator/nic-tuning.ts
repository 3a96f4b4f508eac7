// SPDX-License-Identifier: Apache-2.0
import type { AddressState } from '../netlink/netns-state.ts';
import { parseIp } from '@spiderpool/ipam-domain';
import type { CoordinatorConfig } from './coordinator-config.ts';
import { ipOp, sysctlOp, type NetOp } from './net-ops.ts';

/**
 * `podMACPrefix` + the last four bytes of the NIC's address (IPv4 preferred): a pod's MAC is
 * then a function of its IP, which keeps switch and ARP tables stable across pod restarts.
 */
export function macFromPrefix(prefix: string, addresses: readonly AddressState[]): string | undefined {
  const address = addresses.find((a) => a.family === 4) ?? addresses.find((a) => a.family === 6);
  if (!address) return undefined;
  const value = parseIp(address.ip, 'address').value & 0xffffffffn;
  const bytes = [24n, 16n, 8n, 0n].map((shift) => ((value >> shift) & 0xffn).toString(16).padStart(2, '0'));
  return `${prefix}:${bytes.join(':')}`;
}

/** MAC prefix (then announced), transmit queue length and rp_filter of the pod's NIC. */
export function nicTuningOps(config: CoordinatorConfig, ifName: string, addresses: readonly AddressState[]): NetOp[] {
  const ops: NetOp[] = [];
  const mac = config.podMACPrefix ? macFromPrefix(config.podMACPrefix, addresses) : undefined;
  if (mac) {
    // With ndisc_notify the kernel sends unsolicited neighbour advertisements when the MAC changes.
    if (addresses.some((a) => a.family === 6)) ops.push(sysctlOp('pod', `net/ipv6/conf/${ifName}/ndisc_notify`, '1'));
    ops.push(ipOp('pod', 'link', 'set', 'dev', ifName, 'address', mac));
    const v4 = addresses.filter((a) => a.family === 4).map((a) => a.ip);
    if (v4.length) ops.push({ kind: 'announce', side: 'pod', ifName, ips: v4 });
  }
  if (config.txQueueLen > 0) ops.push(ipOp('pod', 'link', 'set', 'dev', ifName, 'txqueuelen', String(config.txQueueLen)));
  if (config.podRPFilter >= 0) {
    const value = String(config.podRPFilter);
    ops.push(sysctlOp('pod', 'net/ipv4/conf/all/rp_filter', value), sysctlOp('pod', `net/ipv4/conf/${ifName}/rp_filter`, value));
  }
  return ops;
}
