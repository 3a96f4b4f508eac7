// SPDX-License-Identifier: Apache-2.0
/**
 * Does the application an auto-pool was made for still exist (same UID)? Asked before a pool is
 * reclaimed, so a cache that has not seen the application yet never deletes its pool: built-in
 * kinds are read live when the cache misses, third-party kinds through API discovery.
 */
import { isSpiderpoolError } from '@spiderpool/errors';
import type { AppRef } from '@spiderpool/ipam-domain';
import type { KubeClient, KubeObject, ResourceRef } from '@spiderpool/k8s';
import type { WorkloadCaches } from './applications.ts';

interface ApiResourceList {
  resources?: Array<{ name: string; kind: string; namespaced: boolean }>;
}

export class ApplicationExistence {
  readonly #client: KubeClient;
  readonly #workloads: WorkloadCaches;
  /** `group/version` → kind → resource; discovery answers change rarely. */
  readonly #discovered = new Map<string, Map<string, ResourceRef>>();

  constructor(client: KubeClient, workloads: WorkloadCaches) {
    this.#client = client;
    this.#workloads = workloads;
  }

  /** true / false; undefined when it cannot be told (the caller keeps the pool). */
  async exists(app: AppRef): Promise<boolean | undefined> {
    if (this.#workloads.has(app.kind, app.namespace, app.name, app.uid)) return true;
    try {
      const ref = this.#workloads.refOf(app.kind) ?? (await this.#resourceOf(app.apiVersion, app.kind));
      if (!ref) return false;
      const live = await this.#client.find<KubeObject>(ref, app.name, app.namespace);
      return live?.metadata?.uid === app.uid && !live.metadata?.deletionTimestamp;
    } catch {
      return undefined;
    }
  }

  /** The resource of a kind, or undefined when the API no longer serves it (its CRD is gone). */
  async #resourceOf(apiVersion: string, kind: string): Promise<ResourceRef | undefined> {
    const cached = this.#discovered.get(apiVersion)?.get(kind);
    if (cached) return cached;
    const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    let list: ApiResourceList;
    try {
      list = await this.#client.request<ApiResourceList>('GET', base);
    } catch (err) {
      if (isSpiderpoolError(err, 'NOT_FOUND')) return undefined;
      throw err;
    }
    const byKind = new Map<string, ResourceRef>();
    for (const r of list.resources ?? []) {
      if (!r.name.includes('/')) byKind.set(r.kind, { base, plural: r.name, namespaced: r.namespaced });
    }
    this.#discovered.set(apiVersion, byKind);
    return byKind.get(kind);
  }
}
