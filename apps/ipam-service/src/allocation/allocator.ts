// SPDX-License-Identifier: Apache-2.0
import type { V1Pod } from '@kubernetes/client-node';
import { Annotations, type IPAllocationDetail } from '@spiderpool/crds';
import { SpiderpoolError } from '@spiderpool/errors';
import {
  expandPoolNames,
  isPodAlive,
  multusNetworkOfNic,
  parseDefaultRouteNic,
  parseRoutesAnnotation,
  planNics,
  type IpamSettings,
  type NamespaceFacts,
  type NicPlan,
  type NodeFacts,
  type PodFacts,
} from '@spiderpool/ipam-domain';
import type { Logger } from '@spiderpool/observability';
import type { ClusterView } from '../k8s/cluster-view.ts';
import { namespaceFacts, nodeFacts, podFacts, podLifecycle } from '../k8s/facts.ts';
import type { PoolStore } from '../k8s/pool-store.ts';
import type { AllocateInput, AllocateOutput, AllocatedIp } from './allocation-types.ts';
import { endpointIdentity, endpointToOutput, type EndpointIdentity } from './endpoint-identity.ts';
import type { EndpointStore, EndpointObject } from './endpoint-store.ts';
import { FixedIpKeeper } from './fixed-ip-keeper.ts';
import { choosePools } from './pool-chooser.ts';
import type { PoolCommitter } from './pool-committer.ts';
import { routesFor } from './routes-for.ts';

export interface AllocatorDeps {
  view: ClusterView;
  /** Shared with the releaser; created from the other dependencies when absent. */
  keeper?: FixedIpKeeper;
  pools: PoolStore;
  committer: PoolCommitter;
  endpoints: EndpointStore;
  settings: IpamSettings;
  logger: Logger;
}

export interface Context {
  input: AllocateInput;
  pod: PodFacts;
  identity: EndpointIdentity;
  log: Logger;
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

  async allocate(input: AllocateInput): Promise<AllocateOutput> {
    const ctx = await this.#context(input);
    const existing = await this.#existingEndpoint(ctx);
    if (existing) {
      const reused = await this.#fixed.reuse(ctx, existing, () => this.#candidatesChanged(ctx, existing));
      if (reused) return reused;
    }
    const plans = await this.#plans(ctx);
    const known = new Set((existing?.status?.current.ips ?? []).map((n) => n.interface));
    const todo = plans.filter((p) => !known.has(p.nic));
    const allocated = await Promise.all(todo.map((plan) => this.#allocateNic(ctx, plan)));
    const endpoint = await this.#writeEndpoint(ctx, allocated);
    ctx.log.info({ nics: allocated.map((n) => n.interface) }, 'allocated');
    return this.#output(ctx, endpoint);
  }

  /** Pool records are written; now the endpoint, replacing one left by an earlier same-name pod. */
  async #writeEndpoint(ctx: Context, nics: IPAllocationDetail[]): Promise<EndpointObject> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const result = await this.#d.endpoints.upsert(ctx.identity.owner, nics, ctx.identity.fixed);
      if ('endpoint' in result) return result.endpoint;
      ctx.log.info({ staleUid: result.stale.status?.current.uid }, 'releasing the addresses of an earlier pod with the same name');
      await this.#fixed.releaseEndpoint(result.stale);
    }
    throw new SpiderpoolError('CONFLICT', `endpoint ${ctx.identity.owner.namespace}/${ctx.identity.owner.name} still belongs to an earlier pod; retry`, { retryable: true });
  }

  async #context(input: AllocateInput): Promise<Context> {
    const pod = await this.#alivePod(input);
    const owner = await this.#d.view.topController(pod);
    const facts = podFacts(pod, owner);
    const identity = endpointIdentity(facts, input.node, this.#d.settings);
    const log = this.#d.logger.child({ pod: `${facts.namespace}/${facts.name}`, podUid: facts.uid, containerId: input.containerId, nic: input.nic });
    return { input: { ...input, podUid: facts.uid }, pod: facts, identity, log };
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
   */
  async #existingEndpoint(ctx: Context): Promise<EndpointObject | undefined> {
    const { namespace, name } = ctx.identity.owner;
    // The cache is enough here: an endpoint it has not seen yet surfaces at write time (409).
    const endpoint = this.#d.view.endpoint(namespace, name);
    if (!endpoint?.status) return undefined;
    if (endpoint.status.current.uid === ctx.pod.uid || ctx.identity.fixed) return endpoint;
    ctx.log.info({ staleUid: endpoint.status.current.uid }, 'releasing the addresses of an earlier pod with the same name');
    await this.#fixed.releaseEndpoint(endpoint);
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
    return plans;
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

  async #allocateNic(ctx: Context, plan: NicPlan): Promise<IPAllocationDetail> {
    const [namespace, node] = await Promise.all([this.#d.view.namespace(ctx.pod.namespace), this.#d.view.node(ctx.input.node)]);
    const families = ([4, 6] as const).filter((v) => (v === 4 ? plan.ipv4 : plan.ipv6).length > 0 || plan.source === 'cluster-default');
    const detail: IPAllocationDetail = { interface: plan.nic, cleanGateway: plan.cleanGateway, vlan: 0 };
    const results = await Promise.all(
      families.map((version) =>
        this.#allocateFamily(ctx, plan, version, {
          namespace: namespaceFacts(namespace, ctx.pod.namespace),
          node: nodeFacts(node, ctx.input.node),
        }),
      ),
    );
    for (const r of results.filter((x): x is AllocatedIp => x !== undefined)) {
      if (r.version === 4) Object.assign(detail, { ipv4: r.address, ipv4Pool: r.pool, ...(r.gateway ? { ipv4Gateway: r.gateway } : {}) });
      else Object.assign(detail, { ipv6: r.address, ipv6Pool: r.pool, ...(r.gateway ? { ipv6Gateway: r.gateway } : {}) });
    }
    if (!detail.ipv4 && !detail.ipv6) throw new SpiderpoolError('NO_AVAILABLE_POOL', `no pool of an enabled IP family for ${plan.nic}`);
    return detail;
  }

  /** Tries the ordered pools of one family until one has a free address. */
  async #allocateFamily(ctx: Context, plan: NicPlan, version: 4 | 6, facts: { namespace: NamespaceFacts; node: NodeFacts }): Promise<AllocatedIp | undefined> {
    if (plan.source === 'cluster-default' && !(version === 4 ? this.#d.settings.enableIPv4 : this.#d.settings.enableIPv6)) return undefined;
    const pools = choosePools(this.#d.pools.all(), {
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
    const exhausted: string[] = [];
    for (const pool of pools) {
      const result = await this.#d.committer.submit(pool.name, {
        kind: 'allocate',
        record: { pod: `${ctx.pod.namespace}/${ctx.pod.name}`, podUid: ctx.pod.uid, containerID: ctx.input.containerId, nic: plan.nic, node: ctx.input.node, ...(ctx.identity.fixed ? { ownerKind: ctx.identity.owner.ownerKind } : {}) },
      });
      if ('ip' in result) return this.#describe(pool.name, version, plan.nic, result.ip);
      exhausted.push(`${pool.name}: ${'exhausted' in result ? result.exhausted : 'refused'}`);
    }
    throw new SpiderpoolError('IP_USED_OUT', `IPv${version} IPPools of ${plan.nic} have no free address: ${exhausted.join('; ')}`);
  }

  #describe(poolName: string, version: 4 | 6, nic: string, ip: string): AllocatedIp {
    const pool = this.#d.pools.cached(poolName);
    const prefix = pool?.spec.subnet.split('/')[1] ?? (version === 4 ? '32' : '128');
    return { version, address: `${ip}/${prefix}`, pool: poolName, gateway: pool?.spec.gateway ?? '', nic, vlan: 0 };
  }

  async #output(ctx: Context, endpoint: EndpointObject): Promise<AllocateOutput> {
    const routesText = ctx.pod.annotations[Annotations.ROUTES];
    const nicText = ctx.pod.annotations[Annotations.DEFAULT_ROUTE_NIC];
    const annotationRoutes = routesText ? parseRoutesAnnotation(routesText) : [];
    const defaultRouteNic = nicText ? parseDefaultRouteNic(nicText) : undefined;
    const out = endpointToOutput(endpoint);
    const { routes, unattached } = await routesFor({ pools: this.#d.pools, view: this.#d.view, endpoint, annotationRoutes, defaultRouteNic });
    if (unattached.length > 0) ctx.log.warn({ unattached }, 'routes annotation entries match no NIC subnet; dropped');
    return { ips: out, routes };
  }
}
