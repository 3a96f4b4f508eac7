// SPDX-License-Identifier: Apache-2.0
// In-memory NadApi and MultusView for reconciler tests: resourceVersions increase on every
// write, update is a compare-and-swap, and every call is recorded.
import type { NetworkAttachmentDefinition, SpiderMultusConfig } from '@spiderpool/crds';
import { SpiderpoolError } from '@spiderpool/errors';
import type { MultusView, NadApi } from '../nad-reconciler.ts';
import { multusConfigOfNad } from '../nad-ownership.ts';

type Nad = NetworkAttachmentDefinition;

export interface FakeCluster {
  api: NadApi;
  view: MultusView;
  nads: Map<string, Nad>;
  smcs: Map<string, SpiderMultusConfig>;
  calls: string[];
  putSmc(smc: SpiderMultusConfig): void;
  putNad(nad: Nad): void;
}

const key = (namespace: string | undefined, name: string | undefined): string => `${namespace ?? ''}/${name ?? ''}`;

export function fakeCluster(): FakeCluster {
  const nads = new Map<string, Nad>();
  const smcs = new Map<string, SpiderMultusConfig>();
  const calls: string[] = [];
  let version = 100;
  const stamp = (nad: Nad): Nad => ({ ...structuredClone(nad), metadata: { ...nad.metadata, resourceVersion: String(++version), uid: nad.metadata?.uid ?? `nad-uid-${version}` } });
  const api: NadApi = {
    async find(namespace, name) {
      calls.push(`find ${namespace}/${name}`);
      const nad = nads.get(key(namespace, name));
      return nad && structuredClone(nad);
    },
    async create(nad) {
      calls.push(`create ${key(nad.metadata?.namespace, nad.metadata?.name)}`);
      const k = key(nad.metadata?.namespace, nad.metadata?.name);
      if (nads.has(k)) throw new SpiderpoolError('ALREADY_EXISTS', k);
      const stored = stamp(nad);
      nads.set(k, stored);
      return structuredClone(stored);
    },
    async update(nad) {
      const k = key(nad.metadata?.namespace, nad.metadata?.name);
      calls.push(`update ${k}`);
      const current = nads.get(k);
      if (!current) throw new SpiderpoolError('NOT_FOUND', k);
      if (current.metadata?.resourceVersion !== nad.metadata?.resourceVersion) throw new SpiderpoolError('CONFLICT', k);
      const stored = stamp(nad);
      nads.set(k, stored);
      return structuredClone(stored);
    },
    async delete(namespace, name, uid) {
      calls.push(`delete ${namespace}/${name}`);
      const current = nads.get(key(namespace, name));
      if (current && (!uid || current.metadata?.uid === uid)) nads.delete(key(namespace, name));
    },
  };
  const view: MultusView = {
    multusConfig: (namespace, name) => smcs.get(key(namespace, name)),
    nadsOf: (namespace, smcName) => [...nads.values()].filter((n) => n.metadata?.namespace === namespace && multusConfigOfNad(n) === smcName),
  };
  return {
    api,
    view,
    nads,
    smcs,
    calls,
    putSmc: (smc) => smcs.set(key(smc.metadata?.namespace, smc.metadata?.name), structuredClone(smc)),
    putNad: (nad) => nads.set(key(nad.metadata?.namespace, nad.metadata?.name), stamp(nad)),
  };
}
