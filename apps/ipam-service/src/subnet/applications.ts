// SPDX-License-Identifier: Apache-2.0
/**
 * The applications that may own auto-pools, from watch caches: Deployments, ReplicaSets,
 * StatefulSets, DaemonSets, Jobs and CronJobs, and — from their pods — applications of
 * third-party controllers (any other owner kind). Only top-level applications count: a
 * ReplicaSet of a Deployment and a Job of a CronJob take their owner's pools.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { Annotations } from '@spiderpool/crds';
import { isBuiltInController, workloadReplicas, type ApplicationTemplate, type WorkloadShape } from '@spiderpool/ipam-domain';
import { Reflector, Resources, type KubeClient, type KubeObject, type ResourceRef, type WatchEventType } from '@spiderpool/k8s';

type OwnerRef = NonNullable<NonNullable<KubeObject['metadata']>['ownerReferences']>[number];

/** The fields of a workload object the controller reads (the rest is dropped from the cache). */
export type Workload = KubeObject & WorkloadShape & {
  metadata: { name: string; namespace: string; uid: string };
  spec?: WorkloadShape['spec'] & { template?: PodTemplate; jobTemplate?: { spec?: { template?: PodTemplate } } };
};
interface PodTemplate {
  metadata?: { annotations?: Record<string, string> };
}

export interface WorkloadKind {
  kind: string;
  apiVersion: string;
  ref: ResourceRef;
  /** An object of this kind owned by this owner kind is not an application of its own. */
  ownedBy?: string;
}

export const WORKLOAD_KINDS: readonly WorkloadKind[] = [
  { kind: 'Deployment', apiVersion: 'apps/v1', ref: Resources.deployments },
  { kind: 'ReplicaSet', apiVersion: 'apps/v1', ref: Resources.replicaSets, ownedBy: 'Deployment' },
  { kind: 'StatefulSet', apiVersion: 'apps/v1', ref: Resources.statefulSets },
  { kind: 'DaemonSet', apiVersion: 'apps/v1', ref: Resources.daemonSets },
  { kind: 'Job', apiVersion: 'batch/v1', ref: Resources.jobs, ownedBy: 'CronJob' },
  { kind: 'CronJob', apiVersion: 'batch/v1', ref: Resources.cronJobs },
];

/** `Kind/namespace/name`: one application across its incarnations (UIDs). */
export function appKey(kind: string, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}

export class WorkloadCaches {
  readonly #caches = new Map<string, { kind: WorkloadKind; reflector: Reflector<Workload> }>();

  constructor(client: KubeClient, o: { onEvent: (type: WatchEventType, key: string) => void; onError: (err: unknown) => void }) {
    for (const kind of WORKLOAD_KINDS) {
      const reflector = new Reflector<Workload>(client, kind.ref, {
        onError: o.onError,
        transform: slimWorkload,
        onEvent: (type, w) => o.onEvent(type, appKey(kind.kind, w.metadata.namespace, w.metadata.name)),
      });
      this.#caches.set(kind.kind, { kind, reflector });
    }
  }

  async start(): Promise<void> {
    await Promise.all([...this.#caches.values()].map((c) => c.reflector.start()));
  }

  stop(): void {
    for (const c of this.#caches.values()) c.reflector.stop();
  }

  isWatchedKind(kind: string): boolean {
    return this.#caches.has(kind);
  }

  /** The live application of that key, or undefined (gone, owned by another, or not ours). */
  application(key: string): ApplicationTemplate | undefined {
    const [kind = '', namespace = '', name = ''] = key.split('/');
    const cache = this.#caches.get(kind);
    const w = cache?.reflector.get(name, namespace);
    return cache && w ? templateOf(cache.kind, w) : undefined;
  }

  /** Every top-level application in the caches that names a subnet. */
  applications(): Array<{ key: string; template: ApplicationTemplate }> {
    const out: Array<{ key: string; template: ApplicationTemplate }> = [];
    for (const { kind, reflector } of this.#caches.values()) {
      for (const w of reflector.list()) {
        const template = templateOf(kind, w);
        if (template && namesSubnet(template.annotations)) {
          out.push({ key: appKey(kind.kind, w.metadata.namespace, w.metadata.name), template });
        }
      }
    }
    return out;
  }

  /** Whether the application still exists with this UID, from the cache. */
  has(kind: string, namespace: string, name: string, uid: string): boolean {
    return this.#caches.get(kind)?.reflector.get(name, namespace)?.metadata.uid === uid;
  }

  refOf(kind: string): ResourceRef | undefined {
    return this.#caches.get(kind)?.kind.ref;
  }
}

/** Top-level, not being deleted: an application template; else undefined. */
function templateOf(kind: WorkloadKind, w: Workload): ApplicationTemplate | undefined {
  if (w.metadata.deletionTimestamp) return undefined;
  const owner = w.metadata.ownerReferences?.find((o) => o.controller);
  if (kind.ownedBy && owner?.kind === kind.ownedBy) return undefined;
  const template = kind.kind === 'CronJob' ? w.spec?.jobTemplate?.spec?.template : w.spec?.template;
  return {
    app: { apiVersion: kind.apiVersion, kind: kind.kind, namespace: w.metadata.namespace, name: w.metadata.name, uid: w.metadata.uid },
    annotations: template?.metadata?.annotations ?? {},
    replicas: workloadReplicas({ ...w, kind: kind.kind }) ?? 0,
  };
}

function slimWorkload(w: Workload): Workload {
  const spec = w.spec ?? {};
  const job = spec.jobTemplate?.spec ?? {};
  return {
    metadata: {
      name: w.metadata.name,
      namespace: w.metadata.namespace,
      uid: w.metadata.uid,
      resourceVersion: w.metadata.resourceVersion,
      ownerReferences: w.metadata.ownerReferences,
      deletionTimestamp: w.metadata.deletionTimestamp,
    },
    kind: w.kind,
    spec: {
      replicas: spec.replicas,
      parallelism: spec.parallelism,
      completions: spec.completions,
      template: slimTemplate(spec.template),
      jobTemplate: { spec: { parallelism: job.parallelism, completions: job.completions, template: slimTemplate(job.template) } },
    },
    status: { desiredNumberScheduled: w.status?.desiredNumberScheduled },
  } as Workload;
}

function slimTemplate(template: PodTemplate | undefined): PodTemplate {
  return { metadata: { annotations: template?.metadata?.annotations ?? {} } };
}

/**
 * Applications of third-party controllers, seen through their pods: the pod's controller
 * reference names the application, and a pod's annotations stand for its template. A pod event
 * sizes the pool by that pod (`thirdPartyApplicationOf`), as the pod about to be allocated is the
 * one that must fit; a resync takes the newest pod, and of pods created in the same second the
 * one asking for most, so that it never shrinks a pool a newer template just grew. Their replica
 * count is unknown (the size annotation is then required).
 */
export function thirdPartyApplications(pods: readonly KubeObject[]): Array<{ key: string; template: ApplicationTemplate }> {
  const chosen = new Map<string, { rank: [number, number]; key: string; template: ApplicationTemplate }>();
  for (const pod of pods) {
    const found = thirdPartyApplicationOf(pod);
    if (!found) continue;
    const rank: [number, number] = [new Date(pod.metadata?.creationTimestamp ?? 0).getTime(), sizeOf(found.template.annotations)];
    const seen = chosen.get(found.key);
    if (seen && seen.template.app.uid === found.template.app.uid && (seen.rank[0] > rank[0] || (seen.rank[0] === rank[0] && seen.rank[1] >= rank[1]))) continue;
    chosen.set(found.key, { rank, ...found });
  }
  return [...chosen.values()].map(({ key, template }) => ({ key, template }));
}

/** The third-party application a live pod with subnet annotations belongs to, with its template. */
export function thirdPartyApplicationOf(pod: KubeObject): { key: string; template: ApplicationTemplate } | undefined {
  const owner = controllerOf(pod);
  const annotations = (pod as Pick<V1Pod, 'metadata'>).metadata?.annotations ?? {};
  if (!owner || isBuiltInController(owner.apiVersion) || pod.metadata?.deletionTimestamp) return undefined;
  if (!namesSubnet(annotations)) return undefined;
  const namespace = pod.metadata?.namespace ?? '';
  return {
    key: appKey(owner.kind, namespace, owner.name),
    template: { app: { apiVersion: owner.apiVersion, kind: owner.kind, namespace, name: owner.name, uid: owner.uid }, annotations, replicas: undefined },
  };
}

/**
 * Whether the annotations ask for auto-pools at all. Only their presence: a malformed value is
 * reported when that one application is reconciled, and never stops the others.
 */
function namesSubnet(annotations: Readonly<Record<string, string>>): boolean {
  return Object.hasOwn(annotations, Annotations.SUBNET) || Object.hasOwn(annotations, Annotations.SUBNETS);
}

function sizeOf(annotations: Record<string, string>): number {
  const n = Number((annotations[Annotations.IPPOOL_IP_NUMBER] ?? '').replace('+', ''));
  return Number.isFinite(n) ? n : 0;
}

function controllerOf(pod: KubeObject): OwnerRef | undefined {
  return pod.metadata?.ownerReferences?.find((o) => o.controller);
}
