// SPDX-License-Identifier: Apache-2.0
import type { V1Pod } from '@kubernetes/client-node';
import type { IPAllocationDetail } from '@spiderpool/crds';
import { SpiderpoolError, isSpiderpoolError } from '@spiderpool/errors';
import {
  expandPoolNames,
  isPodAlive,
  isWildcard,
  multusNetworkOfNic,
  planNics,
  type IpamSettings,
  type NamespaceFacts,
  type NicPlan,
  type NodeFacts,
  type PodFacts,
  type PoolFacts,
  type RouteSpec,
} from '@spiderpool/ipam-domain';
import type { Logger } from '@spiderpool/observability';
import type { ClusterView } from '../k8s/cluster-view.ts';
import { namespaceFacts, nodeFacts, podFacts, podLifecycle, poolFacts } from '../k8s/facts.ts';
import type { PoolStore } from '../k8s/pool-store.ts';
import type { AllocateInput, AllocateOutput, AllocatedIp } from './allocation-types.ts';
import type { AutoPoolResolver } from './auto-pool-resolver.ts';
import { endpointIdentity, endpointToOutput, type EndpointIdentity } from './endpoint-identity.ts';
import type { EndpointStore, EndpointObject } from './endpoint-store.ts';
import { FixedIpKeeper } from './fixed-ip-keeper.ts';
import { choosePools } from './pool-chooser.ts';
import type { PoolCommitter } from './pool-committer.ts';
import { parseRouting, routesFor } from './routes-for.ts';

export interface AllocatorDeps {
  view: ClusterView;
  /** Shared with the releaser; created from the other dependencies when absent. */
  keeper?: FixedIpKeeper;
  pools: PoolStore;
  committer: PoolCommitter;
  endpoints: EndpointStore;
  settings: IpamSettings;
  logger: Logger;
  /** Resolves SpiderSubnet plans into the application's auto-pools (waiting for them). */
  autoPools: AutoPoolResolver;
}

export interface Context {
  input: AllocateInput;
  pod: PodFacts;
  identity: EndpointIdentity;
  /** The routes annotations, parsed before anything is written (bad input must write nothing). */
  routing: { annotationRoutes: RouteSpec[]; defaultRouteNic: string | undefined };
  log: Logger;
  /** UID of an earlier same-name pod whose endpoint this pod takes over (its records released). */
  takeOverUid?: string;
  /** The caller gave up (cancelled, deadline): stop waiting for an auto-pool. */
  signal?: AbortSignal;
}

/** The ordered pools of every family one NIC takes an address from, chosen before any write. */
interface NicChoice {
  plan: NicPlan;
  families: Array<{ version: 4 | 6; pools: PoolFacts[] }>;
}

/**
 * CNI ADD for one NIC. Order of writes: pool records first (one group-committed CAS per pool),
 * then the SpiderEndpoint. Repeating the call for the same pod UID and NIC returns the same
 * addresses (the pool record is found by UID + NIC), so a retried ADD never takes a second IP.
 */
export class Allocator {
  readonly #d: AllocatorDeps;
  readonly #fixed: FixedIpKeeper;

  constructor(deps: AllocatorDeps) {
    this.#d = deps;
    this.#fixed = deps.keeper ?? new FixedIpKeeper(deps);
  }

  async allocate(input: AllocateInput, signal?: AbortSignal): Promise<AllocateOutput> {
    const ctx = await this.#context(input);
    if (signal) ctx.signal = signal;
    const existing = await this.#existingEndpoint(ctx);
    if (existing) {
      const reused = await this.#fixed.reuse(ctx, existing);
      if (reused) return reused;
    }
    const plans = await this.#plans(ctx);
    const known = new Set((existing?.status?.current.ips ?? []).map((n) => n.interface));
    // Every NIC and family is chosen (and so validated) before the first pool write.
    const choices = await this.#choose(ctx, plans.filter((p) => !known.has(p.nic)));
    const allocated = await Promise.all(choices.map((choice) => this.#allocateNic(ctx, choice)));
    const endpoint = await this.#writeEndpoint(ctx, allocated);
    ctx.log.info({ nics: allocated.map((n) => n.interface) }, 'allocated');
    return this.#output(ctx, endpoint);
  }

  /** Pool records are written; now the endpoint, replacing one left by an earlier same-name pod. */
  async #writeEndpoint(ctx: Context, nics: IPAllocationDetail[]): Promise<EndpointObject> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const result = await this.#d.endpoints.upsert(ctx.identity.owner, nics, ctx.identity.fixed, ctx.takeOverUid);
      if ('endpoint' in result) return result.endpoint;
      ctx.log.info({ staleUid: result.stale.status?.current.uid }, 'releasing the addresses of an earlier pod with the same name');
      await this.#fixed.releaseRecords(result.stale);
      ctx.takeOverUid = result.stale.status?.current.uid;
    }
    throw new SpiderpoolError('CONFLICT', `endpoint ${ctx.identity.owner.namespace}/${ctx.identity.owner.name} still belongs to an earlier pod; retry`, { retryable: true });
  }

  async #context(input: AllocateInput): Promise<Context> {
    const pod = await this.#alivePod(input);
    const owner = await this.#d.view.topController(pod);
    const facts = podFacts(pod, owner);
    const identity = endpointIdentity(facts, input.node, this.#d.settings);
    const log = this.#d.logger.child({ pod: `${facts.namespace}/${facts.name}`, podUid: facts.uid, containerId: input.containerId, nic: input.nic });
    return { input: { ...input, podUid: facts.uid }, pod: facts, identity, routing: parseRouting(facts.annotations), log };
  }

  async #alivePod(input: AllocateInput): Promise<V1Pod> {
    let pod = await this.#d.view.pod(input.namespace, input.podName);
    if (pod && input.podUid && pod.metadata?.uid !== input.podUid) pod = await this.#d.view.livePod(input.namespace, input.podName);
    if (!pod) throw new SpiderpoolError('NOT_FOUND', `pod ${input.namespace}/${input.podName} does not exist`);
    if (input.podUid && pod.metadata?.uid !== input.podUid) {
      throw new SpiderpoolError('NOT_FOUND', `pod ${input.namespace}/${input.podName} has UID ${pod.metadata?.uid}, not ${input.podUid}: the sandbox belongs to a deleted pod`);
    }
    if (!isPodAlive(podLifecycle(pod))) {
      throw new SpiderpoolError('INVALID_INPUT', `pod ${input.namespace}/${input.podName} is terminating or finished`, { field: 'pod', rule: 'must be alive to get addresses' });
    }
    return pod;
  }

  /**
   * The endpoint this pod may build on. A stateless pod's endpoint left by an earlier pod of
   * the same name (another UID) is released and removed first: same name never means same IP.
   * So is a fixed-IP endpoint whose pools are no longer candidates (the user changed the pool
   * annotation): the new incarnation then allocates afresh, for every NIC.
   */
  async #existingEndpoint(ctx: Context): Promise<EndpointObject | undefined> {
    const { namespace, name } = ctx.identity.owner;
    // The cache is enough here: an endpoint it has not seen yet surfaces at write time (409).
    const endpoint = this.#d.view.endpoint(namespace, name);
    if (!endpoint?.status) return undefined;
    if (endpoint.status.current.uid === ctx.pod.uid) return endpoint;
    if (ctx.identity.fixed && !(await this.#candidatesChanged(ctx, endpoint))) return endpoint;
    const why = ctx.identity.fixed ? 'pool candidates changed: the fixed IP moves to a new address' : 'releasing the addresses of an earlier pod with the same name';
    ctx.log.info({ staleUid: endpoint.status.current.uid }, why);
    if (ctx.identity.fixed) {
      await this.#fixed.releaseEndpoint(endpoint);
    } else {
      // One update replaces the earlier pod's endpoint later (no delete + create).
      await this.#fixed.releaseRecords(endpoint);
      ctx.takeOverUid = endpoint.status.current.uid;
    }
    return undefined;
  }

  async #plans(ctx: Context): Promise<NicPlan[]> {
    const namespace = namespaceFacts(await this.#d.view.namespace(ctx.pod.namespace), ctx.pod.namespace);
    const { plans } = planNics({
      pod: ctx.pod,
      namespace,
      request: {
        nic: ctx.input.nic,
        defaultIpv4Pools: ctx.input.defaultIpv4Pools,
        defaultIpv6Pools: ctx.input.defaultIpv6Pools,
        cleanGateway: ctx.input.cleanGateway,
        ...(ctx.input.multusNetwork ? { multusNetwork: ctx.input.multusNetwork } : {}),
      },
      settings: this.#d.settings,
    });
    return Promise.all(plans.map((plan) => this.#d.autoPools.resolve(plan, ctx.pod, ctx.signal)));
  }

  /**
   * For fixed IPs: true when a recorded NIC's pool is no longer among its candidate names
   * (the user changed the pool annotation): the pod then moves to a new address.
   */
  async #candidatesChanged(ctx: Context, endpoint: EndpointObject): Promise<boolean> {
    const plans = await this.#plans(ctx);
    const all = this.#d.pools.all();
    const names = all.map((p) => p.metadata?.name ?? '');
    const isCandidate = (plan: NicPlan, version: 4 | 6, pool: string): boolean => {
      if (plan.source === 'cluster-default') return all.some((p) => p.metadata?.name === pool && p.spec.default);
      return expandPoolNames(version === 4 ? plan.ipv4 : plan.ipv6, names).includes(pool);
    };
    return (endpoint.status?.current.ips ?? []).some((nic) => {
      const plan = plans.find((p) => p.nic === nic.interface);
      if (!plan) return false;
      return Boolean((nic.ipv4Pool && !isCandidate(plan, 4, nic.ipv4Pool)) || (nic.ipv6Pool && !isCandidate(plan, 6, nic.ipv6Pool)));
    });
  }

  #multus(ctx: Context, nic: string): string | undefined {
    if (nic === ctx.input.nic && ctx.input.multusNetwork) return ctx.input.multusNetwork;
    return multusNetworkOfNic({
      annotations: ctx.pod.annotations,
      nic,
      installNamespace: this.#d.settings.installNamespace,
      podNamespace: ctx.pod.namespace,
      ...(this.#d.settings.multusClusterNetwork ? { clusterNetwork: this.#d.settings.multusClusterNetwork } : {}),
    });
  }

  /**
   * Resolves, filters and orders the pools of every NIC and family. Everything that can reject
   * the request (annotations, Multus networks, filters) throws here, before any write.
   */
  async #choose(ctx: Context, plans: NicPlan[]): Promise<NicChoice[]> {
    const [namespace, node] = await Promise.all([this.#d.view.namespace(ctx.pod.namespace), this.#d.view.node(ctx.input.node)]);
    const facts = { namespace: namespaceFacts(namespace, ctx.pod.namespace), node: nodeFacts(node, ctx.input.node) };
    await this.#cacheNamedPools(plans);
    return plans.map((plan) => ({
      plan,
      families: this.#families(plan).map((version) => ({ version, pools: this.#poolsOf(ctx, plan, version, facts) })),
    }));
  }

  #poolsOf(ctx: Context, plan: NicPlan, version: 4 | 6, facts: { namespace: NamespaceFacts; node: NodeFacts }): PoolFacts[] {
    return choosePools(this.#d.pools.all(), {
      version,
      nic: plan.nic,
      patterns: version === 4 ? plan.ipv4 : plan.ipv6,
      clusterDefault: plan.source === 'cluster-default',
      pod: ctx.pod,
      namespace: facts.namespace,
      node: facts.node,
      multusNetwork: this.#multus(ctx, plan.nic),
      settings: this.#d.settings,
    });
  }

  /**
   * The families a NIC gets addresses of: those its plan names; for the cluster default, each
   * enabled family that has a default pool (a single-stack cluster has defaults of one family).
   */
  #families(plan: NicPlan): Array<4 | 6> {
    if (plan.source !== 'cluster-default') return ([4, 6] as const).filter((v) => (v === 4 ? plan.ipv4 : plan.ipv6).length > 0);
    const enabled = ([4, 6] as const).filter((v) => (v === 4 ? this.#d.settings.enableIPv4 : this.#d.settings.enableIPv6));
    const defaults = this.#d.pools.all().filter((p) => p.spec.default);
    const families = enabled.filter((v) => defaults.some((p) => poolFacts(p).ipVersion === v));
    if (families.length === 0) {
      throw new SpiderpoolError(
        'NO_AVAILABLE_POOL',
        `no pool selection rules of any type are specified for ${plan.nic}: no pool annotation, no netconf default pools and no SpiderIPPool with spec.default of an enabled IP family`,
      );
    }
    return families;
  }

  /** A pool created a moment ago may not be in the watch cache yet: named pools missing there are read live. */
  async #cacheNamedPools(plans: NicPlan[]): Promise<void> {
    const names = new Set(plans.flatMap((p) => [...p.ipv4, ...p.ipv6]).filter((n) => !isWildcard(n) && !this.#d.pools.cached(n)));
    await Promise.all(
      [...names].map((name) =>
        this.#d.pools.fetch(name).catch((err: unknown) => {
          if (!isSpiderpoolError(err, 'NOT_FOUND')) throw err;
        }),
      ),
    );
  }

  async #allocateNic(ctx: Context, { plan, families }: NicChoice): Promise<IPAllocationDetail> {
    const detail: IPAllocationDetail = { interface: plan.nic, cleanGateway: plan.cleanGateway, vlan: 0 };
    const results = await Promise.all(families.map(({ version, pools }) => this.#allocateFamily(ctx, { nic: plan.nic, version, pools })));
    for (const r of results) {
      if (r.version === 4) Object.assign(detail, { ipv4: r.address, ipv4Pool: r.pool, ...(r.gateway ? { ipv4Gateway: r.gateway } : {}) });
      else Object.assign(detail, { ipv6: r.address, ipv6Pool: r.pool, ...(r.gateway ? { ipv6Gateway: r.gateway } : {}) });
    }
    return detail;
  }

  /** Tries the ordered pools of one family until one has a free address. */
  async #allocateFamily(ctx: Context, o: { nic: string; version: 4 | 6; pools: PoolFacts[] }): Promise<AllocatedIp> {
    const exhausted: string[] = [];
    for (const pool of o.pools) {
      const result = await this.#d.committer.submit(pool.name, {
        kind: 'allocate',
        record: { pod: ctx.identity.recordPod, podUid: ctx.pod.uid, containerID: ctx.input.containerId, nic: o.nic, node: ctx.input.node, ...(ctx.identity.fixed ? { ownerKind: ctx.identity.owner.ownerKind } : {}) },
      });
      if ('ip' in result) return this.#describe(pool.name, o.version, o.nic, result.ip);
      exhausted.push(`${pool.name}: ${'exhausted' in result ? result.exhausted : 'refused'}`);
    }
    throw new SpiderpoolError('IP_USED_OUT', `IPv${o.version} IPPools of ${o.nic} have no free address: ${exhausted.join('; ')}`);
  }

  #describe(poolName: string, version: 4 | 6, nic: string, ip: string): AllocatedIp {
    const pool = this.#d.pools.cached(poolName);
    const prefix = pool?.spec.subnet.split('/')[1] ?? (version === 4 ? '32' : '128');
    return { version, address: `${ip}/${prefix}`, pool: poolName, gateway: pool?.spec.gateway ?? '', nic, vlan: 0 };
  }

  async #output(ctx: Context, endpoint: EndpointObject): Promise<AllocateOutput> {
    const out = endpointToOutput(endpoint);
    const { routes, unattached } = await routesFor({ pools: this.#d.pools, view: this.#d.view, endpoint, ...ctx.routing });
    if (unattached.length > 0) ctx.log.warn({ unattached }, 'routes annotation entries match no NIC subnet; dropped');
    return { ips: out, routes };
  }
}
