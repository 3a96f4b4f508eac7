// SPDX-License-Identifier: Apache-2.0
// In-memory fakes of the GC ports for unit tests. The cluster keeps a live view and a cache
// view that a test can let diverge; the releaser frees a record only if the pool still
// records it for the requested pod UID, as ipam-service does.
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import type { SpiderEndpoint } from '@spiderpool/crds';
import { GC_DEFAULTS, type AllocationRecord, type GcSettings } from '@spiderpool/ipam-domain';
import { ManualClock, type KubeObject } from '@spiderpool/k8s';
import { createLogger, Registry } from '@spiderpool/observability';
import { FactGatherer } from './fact-gatherer.ts';
import { createGcMetrics, type GcMetrics } from './metrics.ts';
import { OrphanLedger } from './orphan-ledger.ts';
import type { ClusterReader, IpamReleaser, PoolRecords, ReleaseRequest, ReleaseResult, WorkloadKind } from './ports.ts';
import { Reclaimer } from './reclaimer.ts';

const key = (namespace: string, name: string): string => `${namespace}/${name}`;

export class FakeCluster implements ClusterReader {
  readonly poolRecords = new Map<string, Map<string, AllocationRecord>>();
  readonly livePods = new Map<string, V1Pod>();
  readonly liveEndpoints = new Map<string, SpiderEndpoint>();
  /** Cached pods; by default the cache mirrors the live pods. */
  cachedPods: Map<string, V1Pod> | undefined;
  readonly nodes = new Map<string, V1Node>();
  readonly workloads = new Map<string, KubeObject>();
  liveReads = 0;
  failPools = false;

  addRecord(pool: string, ip: string, record: AllocationRecord): void {
    const records = this.poolRecords.get(pool) ?? new Map<string, AllocationRecord>();
    records.set(ip, record);
    this.poolRecords.set(pool, records);
  }

  addPod(pod: V1Pod): void {
    this.livePods.set(key(pod.metadata?.namespace ?? '', pod.metadata?.name ?? ''), pod);
  }

  addEndpoint(endpoint: SpiderEndpoint): void {
    this.liveEndpoints.set(key(endpoint.metadata?.namespace ?? '', endpoint.metadata?.name ?? ''), endpoint);
  }

  addWorkload(kind: WorkloadKind, object: KubeObject): void {
    this.workloads.set(`${kind}/${key(object.metadata?.namespace ?? '', object.metadata?.name ?? '')}`, object);
  }

  async pools(): Promise<PoolRecords[]> {
    if (this.failPools) throw Object.assign(new Error('apiserver unavailable'), { code: 'UNAVAILABLE' });
    return [...this.poolRecords].map(([pool, records]) => ({ pool, records: new Map(records) }));
  }

  async endpoints(): Promise<SpiderEndpoint[]> {
    return [...this.liveEndpoints.values()];
  }

  async pod(namespace: string, name: string, fresh: boolean): Promise<V1Pod | undefined> {
    if (fresh) this.liveReads += 1;
    return (fresh || !this.cachedPods ? this.livePods : this.cachedPods).get(key(namespace, name));
  }

  async endpoint(namespace: string, name: string): Promise<SpiderEndpoint | undefined> {
    return this.liveEndpoints.get(key(namespace, name));
  }

  node(name: string): V1Node | undefined {
    return this.nodes.get(name);
  }

  async workload(kind: WorkloadKind, namespace: string, name: string): Promise<KubeObject | undefined> {
    return this.workloads.get(`${kind}/${key(namespace, name)}`);
  }
}

/** ipam-service's GC release: UID-guarded record removal, then the endpoint if it backs nothing. */
export class FakeIpam implements IpamReleaser {
  readonly requests: ReleaseRequest[] = [];
  readonly removed: string[] = [];
  failuresLeft = 0;

  readonly #cluster: FakeCluster;

  constructor(cluster: FakeCluster) {
    this.#cluster = cluster;
  }

  async release(request: ReleaseRequest): Promise<ReleaseResult> {
    this.requests.push(request);
    if (this.failuresLeft > 0) {
      this.failuresLeft -= 1;
      throw Object.assign(new Error('ipam-service unavailable'), { code: 'UNAVAILABLE' });
    }
    const released = request.expected.filter(({ pool, ip }) => {
      const records = this.#cluster.poolRecords.get(pool);
      if (records?.get(ip)?.podUid !== request.pod.uid) return false;
      records.delete(ip);
      return true;
    });
    const endpointRemoved = request.removeEndpoint === true && this.#removeIfUnbacked(request.pod.namespace, request.pod.name, request.pod.uid);
    return { released, kept: false, keptReason: '', endpointRemoved };
  }

  #removeIfUnbacked(namespace: string, name: string, podUid: string): boolean {
    const k = key(namespace, name);
    if (this.#cluster.liveEndpoints.get(k)?.status?.current.uid !== podUid) return false;
    const backed = [...this.#cluster.poolRecords.values()].some((records) => [...records.values()].some((r) => r.podUid === podUid));
    if (backed) return false;
    this.#cluster.liveEndpoints.delete(k);
    this.removed.push(k);
    return true;
  }
}

export const testSettings = (over: Partial<GcSettings> = {}): GcSettings => ({ ...GC_DEFAULTS, orphanRecordGraceMs: 60_000, ...over });

export interface Harness {
  cluster: FakeCluster;
  ipam: FakeIpam;
  clock: ManualClock;
  registry: Registry;
  metrics: GcMetrics;
  gatherer: FactGatherer;
  orphans: OrphanLedger;
  reclaimer: Reclaimer;
  settings: GcSettings;
  logger: ReturnType<typeof createLogger>;
}

export function harness(settings: GcSettings = testSettings()): Harness {
  const cluster = new FakeCluster();
  const ipam = new FakeIpam(cluster);
  const clock = new ManualClock();
  const registry = new Registry();
  const metrics = createGcMetrics(registry);
  const logger = createLogger({ service: 'gc-service-test', level: 'silent' });
  const gatherer = new FactGatherer({ cluster, features: { statefulSet: true, kubevirt: true } });
  const orphans = new OrphanLedger();
  const reclaimer = new Reclaimer({ gatherer, releaser: ipam, orphans, settings, clock, metrics, logger });
  return { cluster, ipam, clock, registry, metrics, gatherer, orphans, reclaimer, settings, logger };
}

// Object builders.
export const readyNode = (name: string): V1Node => ({ metadata: { name }, status: { conditions: [{ type: 'Ready', status: 'True' }] } });

export function podObject(o: { namespace: string; name: string; uid: string; phase?: string; node?: string; ips?: string[]; owner?: { kind: string; name: string } }): V1Pod {
  return {
    metadata: {
      namespace: o.namespace,
      name: o.name,
      uid: o.uid,
      ...(o.owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: o.owner.kind, name: o.owner.name, uid: `${o.owner.name}-uid`, controller: true }] } : {}),
    },
    spec: { nodeName: o.node ?? 'node-1', containers: [], terminationGracePeriodSeconds: 30 },
    status: { phase: o.phase ?? 'Running', podIPs: (o.ips ?? ['192.0.2.10']).map((ip) => ({ ip })) },
  };
}

export function endpointObject(o: { namespace: string; name: string; uid: string; ownerKind?: string; ownerName?: string; ip?: string }): SpiderEndpoint {
  return {
    metadata: { namespace: o.namespace, name: o.name },
    status: {
      current: { uid: o.uid, node: 'node-1', ips: [{ interface: 'eth0', ipv4: `${o.ip ?? '192.0.2.10'}/24`, ipv4Pool: 'pool-v4' }] },
      ownerControllerType: o.ownerKind ?? 'Pod',
      ownerControllerName: o.ownerName ?? o.name,
    },
  };
}

export const record = (pod: string, podUid: string, over: Partial<AllocationRecord> = {}): AllocationRecord => ({ pod, podUid, containerID: 'c1', nic: 'eth0', node: 'node-1', ...over });
