// SPDX-License-Identifier: Apache-2.0
// Mutating admission of Pods for resource injection (resource-inject.ts). It must never stand in
// the way of a pod: a pod without the annotations returns at once, and any failure (unreadable
// cache, malformed networks annotation, a slow read) admits the pod unchanged. It never validates.
import type { SpiderMultusConfig } from '@spiderpool/crds';
import type { V1Pod } from '@kubernetes/client-node';
import type { AdmissionContext, AdmissionRequestView, KindAdmission } from '../admission/admission-types.ts';
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

export function createPodInjectionAdmission(options: PodInjectionOptions = {}): KindAdmission<V1Pod> {
  const excluded = new Set(options.excludedNamespaces ?? ['kube-system']);
  const readTimeoutMs = options.readTimeoutMs ?? 2_000;

  async function mutate(req: AdmissionRequestView<V1Pod>, ctx: AdmissionContext): Promise<V1Pod> {
    const pod = req.object;
    if (!pod) return req.oldObject ?? {};
    const namespace = req.namespace ?? pod.metadata?.namespace ?? 'default';
    if (req.operation !== 'CREATE' || !wantsInjection(pod) || excluded.has(namespace)) return pod;
    try {
      const smcs = await within(ctx.list<SpiderMultusConfig>('SpiderMultusConfig'), readTimeoutMs);
      return injectNetworks(pod, namespace, smcs) ?? pod;
    } catch (err) {
      options.onError?.(err, { namespace, name: req.name || pod.metadata?.generateName || '' });
      return pod;
    }
  }

  return { kind: 'Pod', mutate, validate: () => [] };
}

export const podInjectionAdmission: KindAdmission<V1Pod> = createPodInjectionAdmission();
