// SPDX-License-Identifier: Apache-2.0
// One reconcile of one SpiderMultusConfig: make its NetworkAttachmentDefinition exist and match
// the rendering, or remove it when the SpiderMultusConfig is gone. It reads the SMC and the
// NADs labelled for it from caches (ports below) and the target NAD live, and writes with
// compare-and-swap; API failures are thrown for the queue to retry.
import { isSpiderpoolError } from '@spiderpool/errors';
import type { NetworkAttachmentDefinition, SpiderMultusConfig } from '@spiderpool/crds';
import type { V1OwnerReference } from '@kubernetes/client-node';
import type { ReconcileResult } from './multus-metrics.ts';
import { renderNetworkAttachmentDefinition, type RenderOptions } from './nad-render.ts';
import { isNadOf, ownerOfNad } from './nad-ownership.ts';
import { SMC_KIND } from './multus-keys.ts';

type Nad = NetworkAttachmentDefinition;

/** Writes to the API server. `update` is a compare-and-swap on the body's resourceVersion. */
export interface NadApi {
  find(namespace: string, name: string): Promise<Nad | undefined>;
  create(nad: Nad): Promise<Nad>;
  update(nad: Nad): Promise<Nad>;
  /** Deletes only the object with this uid; gone already is success. */
  delete(namespace: string, name: string, uid: string | undefined): Promise<void>;
}

/** Reads from the watch caches. */
export interface MultusView {
  multusConfig(namespace: string, name: string): SpiderMultusConfig | undefined;
  /** NADs of `namespace` that name `smcName` as their SpiderMultusConfig (owner reference or label). */
  nadsOf(namespace: string, smcName: string): Nad[];
}

export interface ReconcileDeps {
  api: NadApi;
  view: MultusView;
  render?: RenderOptions;
  /** Told why a NAD is left alone (invalid SMC, a NAD that belongs to someone else). */
  note?: (message: string, details: Record<string, unknown>) => void;
}

export interface ReconcileKey {
  namespace: string;
  name: string;
}

/** Owner references of `existing` other than any SpiderMultusConfig controller, then ours. */
function ownersWith(existing: Nad, ours: V1OwnerReference): V1OwnerReference[] {
  const others = (existing.metadata?.ownerReferences ?? []).filter((r) => !(r.controller && r.kind === SMC_KIND));
  return [...others, ours];
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

const sortedEntries = (o: Record<string, string> | undefined): Array<[string, string]> => Object.entries(o ?? {}).sort(([a], [b]) => a.localeCompare(b));

/** `existing` with the desired config, annotations, label and owner; undefined when nothing drifted. */
export function driftFix(existing: Nad, desired: Nad): Nad | undefined {
  const ours = desired.metadata?.ownerReferences?.[0] as V1OwnerReference;
  const owners = ownersWith(existing, ours);
  const labels = { ...existing.metadata?.labels, ...desired.metadata?.labels };
  const annotations = desired.metadata?.annotations ?? {};
  const unchanged =
    existing.spec?.config === desired.spec?.config &&
    sameJson(sortedEntries(existing.metadata?.annotations), sortedEntries(annotations)) &&
    sameJson(sortedEntries(existing.metadata?.labels), sortedEntries(labels)) &&
    sameJson(existing.metadata?.ownerReferences ?? [], owners);
  if (unchanged) return undefined;
  return { ...existing, metadata: { ...existing.metadata, labels, annotations, ownerReferences: owners }, spec: { ...existing.spec, config: desired.spec?.config } };
}

/** The SMC is gone: remove what it generated (the garbage collector would too; this is faster). */
async function removeOrphans(key: ReconcileKey, deps: ReconcileDeps): Promise<ReconcileResult> {
  const orphans = deps.view.nadsOf(key.namespace, key.name);
  for (const nad of orphans) await deps.api.delete(key.namespace, nad.metadata?.name ?? '', nad.metadata?.uid);
  return orphans.length ? 'deleted' : 'absent';
}

function rendered(smc: SpiderMultusConfig, deps: ReconcileDeps): Nad | undefined {
  try {
    return renderNetworkAttachmentDefinition(smc, deps.render);
  } catch (err) {
    if (!isSpiderpoolError(err, 'INVALID_INPUT')) throw err;
    deps.note?.('SpiderMultusConfig cannot be rendered; its NetworkAttachmentDefinition is left as it is', { smc: `${smc.metadata?.namespace}/${smc.metadata?.name}`, error: err.message });
    return undefined;
  }
}

async function ensure(smc: SpiderMultusConfig, desired: Nad, deps: ReconcileDeps): Promise<ReconcileResult> {
  const namespace = desired.metadata?.namespace ?? '';
  const name = desired.metadata?.name ?? '';
  const existing = await deps.api.find(namespace, name);
  if (!existing) {
    await deps.api.create(desired);
    return 'created';
  }
  // A NAD being deleted cannot be updated into ours; its DELETED event brings us back.
  if (existing.metadata?.deletionTimestamp) return 'waiting';
  if (!isNadOf(existing, smc.metadata?.name ?? '')) {
    deps.note?.('NetworkAttachmentDefinition belongs to someone else; not touched', { nad: `${namespace}/${name}`, owner: ownerOfNad(existing) });
    return 'foreign';
  }
  const fixed = driftFix(existing, desired);
  if (!fixed) return 'unchanged';
  await deps.api.update(fixed);
  return 'updated';
}

export async function reconcileMultusConfig(key: ReconcileKey, deps: ReconcileDeps): Promise<ReconcileResult> {
  const smc = deps.view.multusConfig(key.namespace, key.name);
  if (!smc) return removeOrphans(key, deps);
  // The garbage collector removes the NAD after the SMC; re-creating it now would race that.
  if (smc.metadata?.deletionTimestamp) return 'terminating';
  const desired = rendered(smc, deps);
  return desired ? ensure(smc, desired, deps) : 'invalid';
}
