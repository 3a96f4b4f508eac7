// SPDX-License-Identifier: Apache-2.0
import type { IPAllocationDetail } from '@spiderpool/crds';
import { SpiderpoolError } from '@spiderpool/errors';
import { decodeAllocatedIPs } from '@spiderpool/ipam-domain';
import type { AllocatorDeps, Context } from './allocator.ts';
import type { AllocateOutput } from './allocation-types.ts';
import { endpointToOutput } from './endpoint-identity.ts';
import type { EndpointObject } from './endpoint-store.ts';
import type { PoolOp } from './pool-ops.ts';
import { routesFor } from './routes-for.ts';

/** What the keeper needs of the allocator's dependencies (not the pool resolution). */
type KeeperDeps = Omit<AllocatorDeps, 'autoPools' | 'keeper'>;

/**
 * Re-use of addresses already recorded in the pod's endpoint: the same pod asking again (a
 * repeated ADD, a recreated sandbox, the second NIC of an `ippools` pod) and fixed-IP pods
 * (StatefulSet, KubeVirt) whose new incarnation takes over the recorded addresses.
 */
export class FixedIpKeeper {
  readonly #d: KeeperDeps;

  constructor(deps: KeeperDeps) {
    this.#d = deps;
  }

  /** The answer from recorded addresses, or undefined when this NIC must be allocated. */
  async reuse(ctx: Context, endpoint: EndpointObject): Promise<AllocateOutput | undefined> {
    const status = endpoint.status;
    if (!status) return undefined;
    const samePod = status.current.uid === ctx.pod.uid;
    const nic = status.current.ips.find((n) => n.interface === ctx.input.nic);
    if (!nic) {
      if (!samePod) await this.#rehomeAll(ctx, endpoint);
      return undefined;
    }
    const refreshed = samePod ? await this.#refresh(ctx, endpoint, nic) : await this.#rehomeAll(ctx, endpoint);
    // The same routes as the first ADD gave: pool routes, default route, routes annotations.
    const { routes } = await routesFor({ pools: this.#d.pools, view: this.#d.view, endpoint: refreshed, ...ctx.routing });
    ctx.log.info({ reusedUid: status.current.uid }, 'addresses re-used from the endpoint');
    return { ips: endpointToOutput(refreshed), routes };
  }

  /**
   * Same pod, same NIC: re-submit the recorded addresses so that the pool record carries the
   * current container ID (CNI GC keeps attachments by container ID). Nothing is written when
   * nothing changed.
   */
  async #refresh(ctx: Context, endpoint: EndpointObject, nic: IPAllocationDetail): Promise<EndpointObject> {
    const pools = [nic.ipv4Pool, nic.ipv6Pool].filter((p): p is string => Boolean(p));
    const results = await Promise.all(pools.map((pool) => this.#d.committer.submit(pool, { kind: 'allocate', record: this.#record(ctx, nic.interface) })));
    const recorded = [nic.ipv4, nic.ipv6].filter(Boolean).map((a) => (a ?? '').split('/')[0]);
    const changed = results.some((r) => !('ip' in r) || !recorded.includes(r.ip));
    if (changed) {
      throw new SpiderpoolError('CONFLICT', `the pool records of ${ctx.pod.namespace}/${ctx.pod.name} ${nic.interface} no longer match its endpoint; retry`, { retryable: true });
    }
    return endpoint;
  }

  /** Moves every recorded address of a fixed-IP endpoint to the new pod UID. */
  async #rehomeAll(ctx: Context, endpoint: EndpointObject): Promise<EndpointObject> {
    const nics = endpoint.status?.current.ips ?? [];
    const ops: Array<Promise<unknown>> = [];
    for (const nic of nics) {
      for (const [address, pool] of [[nic.ipv4, nic.ipv4Pool], [nic.ipv6, nic.ipv6Pool]] as const) {
        if (!address || !pool) continue;
        const op: PoolOp = { kind: 'rehome', ip: address.split('/')[0] ?? '', record: this.#record(ctx, nic.interface) };
        ops.push(this.#d.committer.submit(pool, op).then((r) => {
          if ('ok' in r && !r.ok) throw new SpiderpoolError('INTERNAL', `fixed IP cannot be re-homed: ${r.reason}`);
        }));
      }
    }
    await Promise.all(ops);
    const result = await this.#d.endpoints.upsert(ctx.identity.owner, nics, true);
    if ('stale' in result) throw new SpiderpoolError('INTERNAL', 'a fixed-IP endpoint cannot be stale');
    return result.endpoint;
  }

  /** Releases every address the endpoint records for its pod UID, then removes the endpoint. */
  async releaseEndpoint(endpoint: EndpointObject): Promise<Array<{ pool: string; ip: string }>> {
    const released = await this.releaseRecords(endpoint);
    await this.#d.endpoints.remove(endpoint.metadata?.namespace ?? '', endpoint.metadata?.name ?? '', endpoint.status?.current.uid ?? '');
    return released;
  }

  /** Releases the pool records the endpoint lists, each only if still owned by its pod UID. */
  async releaseRecords(endpoint: EndpointObject): Promise<Array<{ pool: string; ip: string }>> {
    const status = endpoint.status;
    if (!status) return [];
    return this.#releaseRecorded(status.current.uid, status.current.ips);
  }

  /** Releases one NIC's addresses and drops its entry; the pod's other NICs keep theirs. */
  async releaseNic(endpoint: EndpointObject, nic: string): Promise<Array<{ pool: string; ip: string }>> {
    const status = endpoint.status;
    const entry = status?.current.ips.find((n) => n.interface === nic);
    if (!status || !entry) return [];
    const released = await this.#releaseRecorded(status.current.uid, [entry]);
    await this.#d.endpoints.removeNic({ namespace: endpoint.metadata?.namespace ?? '', name: endpoint.metadata?.name ?? '', podUid: status.current.uid, nic });
    return released;
  }

  /** Frees the addresses of these endpoint entries, each only while `uid` still holds it. */
  async #releaseRecorded(uid: string, nics: IPAllocationDetail[]): Promise<Array<{ pool: string; ip: string }>> {
    const byPool = new Map<string, string[]>();
    for (const nic of nics) {
      for (const [address, pool] of [[nic.ipv4, nic.ipv4Pool], [nic.ipv6, nic.ipv6Pool]] as const) {
        if (address && pool) byPool.set(pool, [...(byPool.get(pool) ?? []), address.split('/')[0] ?? '']);
      }
    }
    const released = await Promise.all(
      [...byPool].map(([pool, ips]) =>
        this.#d.committer
          .submit(pool, { kind: 'release', podUid: uid, ips })
          .then((r) => ('released' in r ? r.released.map((ip) => ({ pool, ip })) : []), ignoreMissingPool),
      ),
    );
    return released.flat();
  }

  async removeEndpoint(endpoint: EndpointObject): Promise<void> {
    await this.#d.endpoints.remove(endpoint.metadata?.namespace ?? '', endpoint.metadata?.name ?? '', endpoint.status?.current.uid ?? '');
  }

  /**
   * Deletes the endpoint when it still names `podUid` and no pool records any of its addresses
   * for that UID any more (read live: this decides a deletion). True when it was deleted.
   */
  async removeEndpointIfUnbacked(endpoint: EndpointObject, podUid: string): Promise<boolean> {
    if (!podUid || endpoint.status?.current.uid !== podUid) return false;
    const held = (endpoint.status.current.ips ?? []).flatMap((nic) => [
      { pool: nic.ipv4Pool, address: nic.ipv4 },
      { pool: nic.ipv6Pool, address: nic.ipv6 },
    ]);
    for (const { pool, address } of held) {
      if (!pool || !address) continue;
      const current = await this.#d.pools.fetch(pool).catch(ignoreMissingPoolObject);
      const ip = address.split('/')[0] ?? '';
      if (current && decodeAllocatedIPs(current.status?.allocatedIPs, pool).get(ip)?.podUid === podUid) return false;
    }
    await this.removeEndpoint(endpoint);
    return true;
  }

  #record(ctx: Context, nic: string) {
    return {
      pod: ctx.identity.recordPod,
      podUid: ctx.pod.uid,
      containerID: ctx.input.containerId,
      nic,
      node: ctx.input.node,
      ...(ctx.identity.fixed ? { ownerKind: ctx.identity.owner.ownerKind } : {}),
    };
  }
}

/** A deleted pool records nothing. */
function ignoreMissingPoolObject(err: unknown): undefined {
  if (err instanceof SpiderpoolError && err.code === 'NOT_FOUND') return undefined;
  throw err;
}

/** A deleted pool has no records to release. */
function ignoreMissingPool(err: unknown): Array<{ pool: string; ip: string }> {
  if (err instanceof SpiderpoolError && err.code === 'NOT_FOUND') return [];
  throw err;
}
