// SPDX-License-Identifier: Apache-2.0
/**
 * The SpiderSubnet controller: one leadership term of it. It keeps every application's
 * auto-pools at the size the application asks for, reclaims the pools of deleted applications
 * (unless they asked to keep them), and keeps each subnet's records equal to its pools.
 *
 * Work is keyed — `app:<Kind/ns/name>`, `pod:<ns/name>` (a new third-party pod),
 * `subnet:<name>`, `resync` — and done one key at a time
 * by one worker, so that the controller's own writes never race each other; events only mark
 * keys. A full resync runs at the start of the term and every `resyncPeriodMs`.
 */
import { Labels, type SpiderIPPool } from '@spiderpool/crds';
import { isSpiderpoolError } from '@spiderpool/errors';
import { appOfPoolLabels, autoPoolWants, isBuiltInController, type ApplicationTemplate, type IpSet, type IpVersion } from '@spiderpool/ipam-domain';
import type { Logger } from '@spiderpool/observability';
import { Reflector, Resources, type KubeClient, type KubeObject, type WatchEventType } from '@spiderpool/k8s';
import type { ClusterView } from '../k8s/cluster-view.ts';
import type { PoolStore } from '../k8s/pool-store.ts';
import { ApplicationExistence } from './application-existence.ts';
import { appKey, thirdPartyApplicationOf, thirdPartyApplications, WorkloadCaches } from './applications.ts';
import { AutoPoolReconciler, type EnsureResult } from './auto-pool-reconciler.ts';
import { syncSubnetRecords } from './ledger-sync.ts';
import { SubnetLedger, type SubnetObject } from './subnet-ledger.ts';
import { WorkQueue } from './work-queue.ts';

export interface SubnetControllerDeps {
  client: KubeClient;
  view: ClusterView;
  pools: PoolStore;
  reserved: (version: IpVersion) => IpSet;
  logger: Logger;
  settings: { enableIPv4: boolean; enableIPv6: boolean; defaultExtra: number; resyncPeriodMs: number };
  observer?: { ensured?: (result: EnsureResult) => void; reclaimed?: () => void; failed?: (key: string) => void };
}

const RESYNC = 'resync';

export class SubnetControllerTerm {
  readonly #d: SubnetControllerDeps;
  readonly #queue = new WorkQueue();
  readonly #workloads: WorkloadCaches;
  readonly #subnets: Reflector<SubnetObject>;
  readonly #ledger: SubnetLedger;
  readonly #reconciler: AutoPoolReconciler;
  readonly #existence: ApplicationExistence;
  /** Spec generations seen, so that status-only writes (allocation, records) cause no work. */
  readonly #generations = new Map<string, number | undefined>();

  constructor(deps: SubnetControllerDeps) {
    this.#d = deps;
    const onError = (err: unknown): void => deps.logger.warn({ err }, 'subnet controller watch failed; re-listing');
    this.#workloads = new WorkloadCaches(deps.client, { onError, onEvent: (_type, key) => this.#queue.mark(`app:${key}`) });
    this.#subnets = new Reflector<SubnetObject>(deps.client, Resources.subnets, { onError, onEvent: (type, s) => this.#onSubnet(type, s) });
    this.#ledger = new SubnetLedger(deps.client, this.#subnets);
    this.#reconciler = new AutoPoolReconciler({ client: deps.client, pools: deps.pools, ledger: this.#ledger, reserved: deps.reserved });
    this.#existence = new ApplicationExistence(deps.client, this.#workloads);
  }

  /** Runs until `signal` aborts; then stops its caches and returns. */
  async run(signal: AbortSignal): Promise<void> {
    const unsubscribe = [this.#d.pools.onChange((type, pool) => this.#onPool(type, pool)), this.#d.view.onPodEvent((type, pod) => this.#onPod(type, pod))];
    const resync = setInterval(() => this.#queue.mark(RESYNC), this.#d.settings.resyncPeriodMs);
    resync.unref();
    try {
      await Promise.all([this.#workloads.start(), this.#subnets.start()]);
      this.#queue.mark(RESYNC);
      for (let key = await this.#queue.next(signal); key !== undefined; key = await this.#queue.next(signal)) {
        await this.#work(key, signal);
      }
    } finally {
      clearInterval(resync);
      for (const u of unsubscribe) u();
      this.#queue.clear();
      this.#workloads.stop();
      this.#subnets.stop();
    }
  }

  async #work(key: string, signal: AbortSignal): Promise<void> {
    try {
      if (key === RESYNC) await this.#resync(signal);
      else if (key.startsWith('app:')) await this.#application(key.slice(4));
      else if (key.startsWith('pod:')) await this.#thirdPartyPod(key.slice(4));
      else if (key.startsWith('subnet:')) await syncSubnetRecords({ client: this.#d.client, pools: this.#d.pools, ledger: this.#ledger }, key.slice(7));
      this.#queue.succeeded(key);
    } catch (err) {
      if (signal.aborted) return;
      if (isSpiderpoolError(err, 'INVALID_INPUT')) {
        // Invalid input (mostly the application's own annotations): an immediate retry cannot
        // help; the application's next change or the next resync tries again.
        this.#d.logger.warn({ err, key }, 'subnet controller: invalid input; retried on the next change or resync');
        this.#d.observer?.failed?.(key);
        this.#queue.succeeded(key);
        return;
      }
      this.#d.logger.warn({ err, key }, 'subnet controller: work failed; retrying');
      this.#d.observer?.failed?.(key);
      this.#queue.failed(key);
    }
  }

  async #resync(signal: AbortSignal): Promise<void> {
    const apps = new Set([...this.#applications().map((a) => a.key), ...this.#autoPools().map(poolAppKey)]);
    for (const key of apps) {
      if (signal.aborted) return;
      await this.#work(`app:${key}`, signal);
    }
    for (const subnet of this.#subnets.list()) {
      if (signal.aborted) return;
      await this.#work(`subnet:${subnet.metadata.name}`, signal);
    }
  }

  #applications(): Array<{ key: string; template: ApplicationTemplate }> {
    return [...this.#workloads.applications(), ...thirdPartyApplications(this.#d.view.pods.list())];
  }

  /** Ensures the application's pools, or reclaims them when it is gone. */
  async #application(key: string): Promise<void> {
    const template = this.#workloads.application(key) ?? thirdPartyApplications(this.#d.view.pods.list()).find((a) => a.key === key)?.template;
    if (template) {
      const wants = autoPoolWants(template, this.#d.settings);
      for (const want of wants) this.#report(key, await this.#reconciler.ensure(want));
    }
    await this.#reclaim(key, template?.app.uid);
  }

  /** A new third-party pod: its application's pools, sized by this pod's annotations. */
  async #thirdPartyPod(podKey: string): Promise<void> {
    const [namespace = '', name = ''] = podKey.split('/');
    const pod = this.#d.view.pods.get(name, namespace);
    const found = pod ? thirdPartyApplicationOf(pod) : undefined;
    if (!found) return;
    for (const want of autoPoolWants(found.template, this.#d.settings)) this.#report(found.key, await this.#reconciler.ensure(want));
  }

  #report(key: string, result: EnsureResult): void {
    this.#d.observer?.ensured?.(result);
    if (result.outcome === 'skipped') this.#d.logger.warn({ app: key, pool: result.pool, reason: result.reason }, 'auto-pool not reconciled');
    else if (result.short > 0) this.#d.logger.warn({ app: key, pool: result.pool, short: result.short }, 'SpiderSubnet has too few free addresses for the auto-pool');
    else if (result.outcome !== 'unchanged') this.#d.logger.info({ app: key, pool: result.pool, outcome: result.outcome, size: result.size, surplus: result.surplus }, 'auto-pool reconciled');
  }

  /** Deletes reclaimable pools of this application key whose incarnation (UID) no longer exists. */
  async #reclaim(key: string, liveUid: string | undefined): Promise<void> {
    for (const pool of this.#autoPools().filter((p) => poolAppKey(p) === key)) {
      const labels = pool.metadata?.labels ?? {};
      const app = appOfPoolLabels(labels);
      const uid = app.uid;
      if (uid === liveUid || labels[Labels.IPPOOL_RECLAIM] !== 'true' || pool.metadata?.deletionTimestamp) continue;
      if ((await this.#existence.exists(app)) !== false) continue;
      await this.#deletePool(pool);
      this.#d.logger.info({ app: key, pool: pool.metadata?.name, uid }, 'application deleted: auto-pool reclaimed');
      this.#d.observer?.reclaimed?.();
    }
  }

  async #deletePool(pool: SpiderIPPool): Promise<void> {
    try {
      await this.#d.client.delete(Resources.ipPools, pool.metadata?.name ?? '', undefined, { uid: pool.metadata?.uid ?? '' });
    } catch (err) {
      if (!isSpiderpoolError(err, 'NOT_FOUND') && !isSpiderpoolError(err, 'CONFLICT')) throw err;
    }
  }

  #autoPools(): SpiderIPPool[] {
    return this.#d.pools.all().filter((p) => p.metadata?.labels?.[Labels.OWNER_APPLICATION_UID] !== undefined);
  }

  #onSubnet(type: WatchEventType, subnet: SubnetObject): void {
    if (!this.#specChanged(`subnet/${subnet.metadata.name}`, type, subnet)) return;
    // A new or changed subnet may be what an application was waiting for.
    this.#queue.mark(type === 'ADDED' ? RESYNC : `subnet:${subnet.metadata.name}`);
  }

  #onPool(type: WatchEventType, pool: SpiderIPPool): void {
    const name = pool.metadata?.name ?? '';
    if (!this.#specChanged(`pool/${name}`, type, pool)) return;
    const subnet = pool.metadata?.labels?.[Labels.OWNER_SPIDER_SUBNET] ?? this.#subnetOfCidr(pool.spec.subnet);
    if (subnet) this.#queue.mark(`subnet:${subnet}`);
  }

  /** Third-party pods: a new one sizes its application's pools; a gone one may end the application. */
  #onPod(type: WatchEventType, pod: KubeObject): void {
    const owner = pod.metadata?.ownerReferences?.find((o) => o.controller);
    if (!owner || isBuiltInController(owner.apiVersion)) return;
    const namespace = pod.metadata?.namespace ?? '';
    if (type === 'ADDED' && !pod.metadata?.deletionTimestamp) this.#queue.mark(`pod:${namespace}/${pod.metadata?.name ?? ''}`);
    else if (type === 'DELETED' || pod.metadata?.deletionTimestamp) this.#queue.mark(`app:${appKey(owner.kind, namespace, owner.name)}`);
  }

  /** Creation, deletion and spec changes (generation) count; status and label writes do not. */
  #specChanged(key: string, type: WatchEventType, obj: KubeObject): boolean {
    const generation = obj.metadata?.generation;
    if (type === 'DELETED') {
      this.#generations.delete(key);
      return true;
    }
    const seen = this.#generations.has(key);
    const before = this.#generations.get(key);
    this.#generations.set(key, generation);
    return !seen || before !== generation || Boolean(obj.metadata?.deletionTimestamp);
  }

  #subnetOfCidr(cidr: string): string | undefined {
    return this.#subnets.list().find((s) => s.spec.subnet === cidr)?.metadata.name;
  }
}

function poolAppKey(pool: SpiderIPPool): string {
  const app = appOfPoolLabels(pool.metadata?.labels ?? {});
  return appKey(app.kind, app.namespace, app.name);
}
