// SPDX-License-Identifier: Apache-2.0
/**
 * Turns a NIC plan from SpiderSubnet annotations into the pod application's auto-pools. The
 * pool is created (and grown) by the leader's subnet controller, possibly a moment after the pod
 * exists: the allocation waits for it by listening to the pool watch cache — woken by the very
 * event that makes the pool usable, never polling — up to a deadline.
 */
import type { SpiderIPPool } from '@spiderpool/crds';
import { Annotations, Labels } from '@spiderpool/crds';
import { SpiderpoolError } from '@spiderpool/errors';
import { decodeAllocatedIPs, desiredIpCount, isBuiltInController, isPoolOf, parseIpNumber, type IpVersion, type NicPlan, type PodFacts } from '@spiderpool/ipam-domain';
import type { PoolStore } from '../k8s/pool-store.ts';
import { compiledOf } from './apply-batch.ts';

export interface AutoPoolResolverDeps {
  pools: PoolStore;
  /** Longest wait for a pool to appear or to have room. */
  waitMs: number;
}

/** What one lookup found: the pool to use, or why there is none yet. */
type Lookup = { pool: SpiderIPPool } | { waiting: string };

export class AutoPoolResolver {
  readonly #d: AutoPoolResolverDeps;

  constructor(deps: AutoPoolResolverDeps) {
    this.#d = deps;
  }

  /** The plan with `ipv4` / `ipv6` naming the auto-pools of its subnets. */
  async resolve(plan: NicPlan, pod: PodFacts, signal?: AbortSignal): Promise<NicPlan> {
    if (!plan.subnets) return plan;
    requireController(pod);
    requireThirdPartySize(pod);
    const [ipv4, ipv6] = await Promise.all(
      ([4, 6] as const).map(async (version) => {
        const subnet = version === 4 ? plan.subnets?.ipv4 : plan.subnets?.ipv6;
        return subnet === undefined ? [] : [await this.#await({ pod, nic: plan.nic, version, subnet }, signal)];
      }),
    );
    return { ...plan, ipv4: ipv4 ?? [], ipv6: ipv6 ?? [] };
  }

  /** Resolves with the pool's name once it is usable; rejects at the deadline. */
  #await(want: Want, signal?: AbortSignal): Promise<string> {
    const first = lookup(this.#d.pools.all(), want);
    if ('pool' in first) return Promise.resolve(first.pool.metadata?.name ?? '');
    return new Promise((resolve, reject) => {
      let last = first.waiting;
      const finish = (err: Error | undefined, name?: string): void => {
        clearTimeout(timer);
        unsubscribe();
        signal?.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve(name ?? '');
      };
      const onAbort = (): void => finish(new SpiderpoolError('DEADLINE_EXCEEDED', `gave up waiting for the auto-pool: ${last}`));
      const unsubscribe = this.#d.pools.onChange(() => {
        const found = lookup(this.#d.pools.all(), want);
        if ('pool' in found) finish(undefined, found.pool.metadata?.name);
        else last = found.waiting;
      });
      const timer = setTimeout(() => finish(new SpiderpoolError('NO_AVAILABLE_POOL', `no usable auto-created IPPool after ${this.#d.waitMs} ms: ${last}`, { retryable: true })), this.#d.waitMs);
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

interface Want {
  pod: PodFacts;
  nic: string;
  version: IpVersion;
  subnet: string;
}

/** Upstream never supported auto-pools for pods without a controller: there is no application. */
function requireController(pod: PodFacts): void {
  if (pod.owner.kind === 'Pod' && pod.owner.apiVersion === 'v1') {
    throw new SpiderpoolError('NOT_SUPPORTED', `pod ${pod.namespace}/${pod.name} has no controller: SpiderSubnet auto-pools belong to applications (Deployment, StatefulSet, Job, a third-party controller, …)`);
  }
}

/**
 * A third-party application's pool is sized by its pods' annotation alone: without it the pool
 * is never made, so refuse at once, naming the annotation, instead of waiting for it.
 */
function requireThirdPartySize(pod: PodFacts): void {
  if (isBuiltInController(pod.owner.apiVersion)) return;
  desiredIpCount({ ipNumber: parseIpNumber(pod.annotations[Annotations.IPPOOL_IP_NUMBER]), replicas: 0, defaultExtra: 0, thirdParty: true });
}

/**
 * The application's pool for the NIC and family, usable when it is not being deleted and has a
 * free address or already records this pod: a repeated ADD (same UID), or the successor of a
 * fixed-IP pod (same name; its record is taken over, so a full pool is no reason to wait).
 */
function lookup(pools: readonly SpiderIPPool[], want: Want): Lookup {
  const target = { app: { ...want.pod.owner, namespace: want.pod.namespace }, nic: want.nic, version: want.version };
  const mine = pools.filter((p) => isPoolOf(p.metadata?.labels, target));
  const what = `IPv${want.version} pool of ${want.pod.owner.kind} ${want.pod.namespace}/${want.pod.owner.name} for ${want.nic} from SpiderSubnet ${want.subnet}`;
  if (mine.length === 0) return { waiting: `the ${what} does not exist yet${isBuiltInController(want.pod.owner.apiVersion) ? '' : ' (third-party controller)'}` };
  const pool = mine.find((p) => p.metadata?.labels?.[Labels.OWNER_SPIDER_SUBNET] === want.subnet);
  if (!pool) {
    const other = mine[0]?.metadata?.labels?.[Labels.OWNER_SPIDER_SUBNET];
    throw new SpiderpoolError('INVALID_INPUT', `the application's ${what.replace(` from SpiderSubnet ${want.subnet}`, '')} already comes from SpiderSubnet ${other}: an application cannot change its subnet`, { field: 'annotation ipam.spidernet.io/subnet(s)', rule: 'must keep the subnet the application\'s auto-pool was created from' });
  }
  if (pool.metadata?.deletionTimestamp) return { waiting: `the ${what} is being deleted` };
  if (hasRoom(pool, want.pod)) return { pool };
  return { waiting: `the ${what} (${pool.metadata?.name}) has no free address yet` };
}

function hasRoom(pool: SpiderIPPool, pod: PodFacts): boolean {
  let total: number;
  try {
    total = compiledOf(pool).total;
  } catch {
    return false;
  }
  if ((pool.status?.allocatedIPCount ?? 0) < total) return true;
  const records = decodeAllocatedIPs(pool.status?.allocatedIPs, pool.metadata?.name ?? '');
  const name = `${pod.namespace}/${pod.name}`;
  return [...records.values()].some((r) => r.podUid === pod.uid || r.pod === name);
}
