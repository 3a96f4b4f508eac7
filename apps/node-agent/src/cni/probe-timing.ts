// SPDX-License-Identifier: Apache-2.0

/** Time budgets of the address probes; every loop in them is bounded by these numbers. */
export interface ProbeTiming {
  /** ARP / neighbour-solicitation tries per address (upstream sends 3). */
  tries: number;
  /** How long one try may take, process start included (upstream waits 100 ms per try). */
  tryTimeoutMs: number;
  /** Retransmission timer the kernel uses while an IPv6 address is tentative. */
  dadRetransMs: number;
  /** Upper bound for one IPv6 DAD run before it counts as a failure of the probe itself. */
  dadTimeoutMs: number;
  /** Interval between two reads of the address state during DAD. */
  dadPollMs: number;
}

export const DEFAULT_PROBE_TIMING: ProbeTiming = {
  tries: 3,
  tryTimeoutMs: 100,
  dadRetransMs: 100,
  dadTimeoutMs: 3_000,
  dadPollMs: 20,
};

/** `192.0.2.10/24` → `192.0.2.10`. */
export const bareIp = (cidr: string): string => cidr.split('/')[0] ?? cidr;
