// SPDX-License-Identifier: Apache-2.0
import { SpiderpoolError } from '@spiderpool/errors';
import { decodeAllocatedIPs } from '@spiderpool/ipam-domain';
import { compiledOf } from './apply-batch.ts';
import type { ClusterView } from '../k8s/cluster-view.ts';
import type { PoolStore } from '../k8s/pool-store.ts';
import type { AllocatedIp, AllocatedRoute } from './allocation-types.ts';
import { endpointToOutput } from './endpoint-identity.ts';
import { parseRouting, routesFor } from './routes-for.ts';

export interface PoolSummary {
  name: string;
  version: 4 | 6;
  total: number;
  allocated: number;
  available: number;
  exhausted: boolean;
  disabled: boolean;
}

/** CNI CHECK: the attachment's addresses are still recorded, in the endpoint and in the pools. */
export async function checkAttachment(
  deps: { view: ClusterView; pools: PoolStore },
  input: { namespace: string; podName: string; podUid: string; nic: string },
): Promise<{ ips: AllocatedIp[]; routes: AllocatedRoute[] }> {
  // A KubeVirt launcher pod's endpoint is named after its VM: found by the pod UID instead.
  const byName = await deps.view.liveEndpoint(input.namespace, input.podName);
  const endpoint = byName ?? (input.podUid ? await deps.view.liveEndpointOfPodUid(input.namespace, input.podUid) : undefined);
  const uid = endpoint?.status?.current.uid;
  if (!endpoint || (input.podUid && uid !== input.podUid)) {
    throw new SpiderpoolError('NOT_FOUND', `no addresses are recorded for pod ${input.namespace}/${input.podName} (uid ${input.podUid || 'any'})`);
  }
  const ips = endpointToOutput(endpoint).filter((ip) => ip.nic === input.nic);
  if (ips.length === 0) throw new SpiderpoolError('NOT_FOUND', `no addresses are recorded for ${input.nic} of pod ${input.namespace}/${input.podName}`);
  for (const ip of ips) {
    const pool = await deps.pools.fetch(ip.pool);
    const record = decodeAllocatedIPs(pool.status?.allocatedIPs, ip.pool).get(ip.address.split('/')[0] ?? '');
    if (record?.podUid !== uid) throw new SpiderpoolError('NOT_FOUND', `pool ${ip.pool} no longer records ${ip.address} for this pod`);
  }
  const pod = await deps.view.pod(input.namespace, input.podName);
  const routing = parseRouting(pod?.metadata?.annotations ?? {});
  const { routes } = await routesFor({ pools: deps.pools, view: deps.view, endpoint, ...routing });
  return { ips, routes: routes.filter((r) => r.nic === input.nic) };
}

/** Capacity of every pool, from the watch cache. */
export function summarisePools(pools: PoolStore): PoolSummary[] {
  return pools.all().flatMap((pool) => {
    const name = pool.metadata?.name ?? '';
    try {
      // Cached per spec generation: readiness probes and CNI STATUS call this often.
      const compiled = compiledOf(pool);
      const allocated = pool.status?.allocatedIPCount ?? 0;
      const available = Math.max(0, compiled.total - allocated);
      return [{ name, version: compiled.version, total: compiled.total, allocated, available, exhausted: available === 0, disabled: pool.spec.disable ?? false }];
    } catch {
      return [];
    }
  });
}
