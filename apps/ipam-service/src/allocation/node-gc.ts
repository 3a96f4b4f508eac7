// SPDX-License-Identifier: Apache-2.0
import { decodeAllocatedIPs, type AllocationRecord } from '@spiderpool/ipam-domain';
import type { Logger } from '@spiderpool/observability';
import type { PoolStore } from '../k8s/pool-store.ts';
import type { Releaser } from './releaser.ts';

export interface NodeGcInput {
  node: string;
  /** `cni.dev/valid-attachments`: container ID + interface that must keep their addresses. */
  valid: Array<{ containerId: string; nic: string }>;
}

interface Candidate {
  pod: string;
  podUid: string;
  records: Array<{ pool: string; ip: string }>;
}

/**
 * CNI GC for one node: every pool record on the node whose attachment (container ID + NIC) the
 * runtime no longer lists is released through the same guarded path as a DEL, so fixed IPs of
 * still-valid replicas stay and nothing owned by another pod UID is touched.
 */
export async function collectNode(deps: { pools: PoolStore; releaser: Releaser; logger: Logger }, input: NodeGcInput): Promise<Array<{ pool: string; ip: string; record: AllocationRecord }>> {
  const valid = new Set(input.valid.map((a) => `${a.containerId}\u0000${a.nic}`));
  const candidates = new Map<string, Candidate & { detail: Array<{ pool: string; ip: string; record: AllocationRecord }> }>();
  for (const pool of deps.pools.all()) {
    const name = pool.metadata?.name ?? '';
    for (const [ip, record] of decodeAllocatedIPs(pool.status?.allocatedIPs, name)) {
      if (record.node !== input.node || valid.has(`${record.containerID ?? ''}\u0000${record.nic ?? ''}`)) continue;
      const c = candidates.get(record.podUid) ?? { pod: record.pod, podUid: record.podUid, records: [], detail: [] };
      c.records.push({ pool: name, ip });
      c.detail.push({ pool: name, ip, record });
      candidates.set(record.podUid, c);
    }
  }
  const released: Array<{ pool: string; ip: string; record: AllocationRecord }> = [];
  for (const c of candidates.values()) {
    const [namespace = '', podName = ''] = c.pod.split('/');
    const out = await deps.releaser.release({ namespace, podName, podUid: c.podUid, nic: '', allInterfaces: true, reason: 'cni-gc', expected: c.records });
    const freed = new Set(out.released.map((r) => `${r.pool}/${r.ip}`));
    released.push(...c.detail.filter((d) => freed.has(`${d.pool}/${d.ip}`)));
    if (out.kept) deps.logger.info({ pod: c.pod, podUid: c.podUid, reason: out.keptReason }, 'CNI GC kept addresses');
  }
  return released;
}
