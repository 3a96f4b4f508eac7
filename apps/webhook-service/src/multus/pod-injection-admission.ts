// SPDX-License-Identifier: Apache-2.0
// Mutating admission of Pods for resource injection (resource-inject.ts). It must never stand in
// the way of a pod: a pod without the annotations returns at once, and any failure (unreadable
// cache, malformed networks annotation, a slow read, a pod object of the wrong shape, any error at
// all) admits the pod unchanged. It never validates.
import type { SpiderMultusConfig } from '@spiderpool/crds';
import type { V1Pod } from '@kubernetes/client-node';
import type { AdmissionContext, AdmissionRequestView, KindAdmission } from '../admission/admission-types.ts';
import { isAbsent, isRecord } from '../admission/field-types.ts';
import { injectNetworks, wantsInjection } from './resource-inject.ts';

export interface PodInjectionOptions {
  /** Namespaces never injected into (the webhook configuration excludes them too). Default kube-system. */
  excludedNamespaces?: readonly string[];
  /** Longest the SpiderMultusConfig read may take; well below the dispatcher's deadline, which would deny. Default 2 s. */
  readTimeoutMs?: number;
  /** Told about every failure that left a pod uninjected. */
  onError?: (err: unknown, pod: { namespace: string; name: string }) => void;
}

function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`reading SpiderMultusConfigs took longer than ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

const isStringMap = (value: unknown): boolean => isRecord(value) && Object.values(value).every((v) => typeof v === 'string');

const absentOrRecord = (value: unknown): boolean => isAbsent(value) || isRecord(value);

/** A container injection can add resources to: an object whose resources, limits and requests are objects when set. */
function isInjectableContainer(container: unknown): boolean {
  if (!isRecord(container)) return false;
  const resources = container['resources'];
  if (isAbsent(resources)) return true;
  return isRecord(resources) && absentOrRecord(resources['limits']) && absentOrRecord(resources['requests']);
}

/**
 * Whether the pod has the shape injection reads: the mutating webhook sees it before the API
 * server checks it, so metadata, annotations, spec or containers may be of any JSON type.
 */
function isInjectable(pod: unknown): pod is V1Pod {
  if (!isRecord(pod) || !isRecord(pod['metadata']) || !isStringMap(pod['metadata']['annotations'])) return false;
  const spec = pod['spec'];
  if (isAbsent(spec)) return true;
  return isRecord(spec) && (isAbsent(spec['containers']) || (Array.isArray(spec['containers']) && spec['containers'].every(isInjectableContainer)));
}

/** Who the pod is, for the error hook; never throws whatever the pod looks like. */
function podRef(req: AdmissionRequestView<V1Pod>, pod: unknown): { namespace: string; name: string } {
  const meta: Record<string, unknown> = isRecord(pod) && isRecord(pod['metadata']) ? pod['metadata'] : {};
  const text = (value: unknown): string => (typeof value === 'string' ? value : '');
  return { namespace: req.namespace ?? (text(meta['namespace']) || 'default'), name: req.name || text(meta['generateName']) };
}

export function createPodInjectionAdmission(options: PodInjectionOptions = {}): KindAdmission<V1Pod> {
  const excluded = new Set(options.excludedNamespaces ?? ['kube-system']);
  const readTimeoutMs = options.readTimeoutMs ?? 2_000;

  async function inject(req: AdmissionRequestView<V1Pod>, pod: V1Pod, ctx: AdmissionContext): Promise<V1Pod> {
    const { namespace } = podRef(req, pod);
    if (req.operation !== 'CREATE' || !isInjectable(pod) || !wantsInjection(pod) || excluded.has(namespace)) return pod;
    const smcs = await within(ctx.list<SpiderMultusConfig>('SpiderMultusConfig'), readTimeoutMs);
    return injectNetworks(pod, namespace, smcs) ?? pod;
  }

  async function mutate(req: AdmissionRequestView<V1Pod>, ctx: AdmissionContext): Promise<V1Pod> {
    const pod = req.object;
    if (!pod) return req.oldObject ?? {};
    try {
      return await inject(req, pod, ctx);
    } catch (err) {
      try {
        options.onError?.(err, podRef(req, pod));
      } catch {
        // The hook only reports; its failure must not deny the pod either.
      }
      return pod;
    }
  }

  return { kind: 'Pod', mutate, validate: () => [] };
}

export const podInjectionAdmission: KindAdmission<V1Pod> = createPodInjectionAdmission();
