// SPDX-License-Identifier: Apache-2.0
// The contract between the admission server (AdmissionReview v1 over HTTPS) and the per-kind
// admission logic. A kind's logic never sees HTTP or AdmissionReview JSON: it gets the request
// as typed objects and answers with the object to store (mutation) and the violations found
// (validation). The server turns a mutation into a JSON patch and violations into one denial.
import type { KubeObject } from '@spiderpool/k8s';

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

export interface AdmissionRequestView<T extends KubeObject> {
  uid: string;
  operation: Operation;
  name: string;
  namespace: string | undefined;
  /** The object as it would be stored (absent on DELETE). */
  object: T | undefined;
  /** The stored object before the change (UPDATE and DELETE). */
  oldObject: T | undefined;
  dryRun: boolean;
  username: string;
}

/**
 * One broken rule. `id` is stable and short (`gateway-in-subnet`): it labels the denial metric
 * and appears in the message; `rule` says it in words (`must be inside spec.subnet 192.0.2.0/24`).
 */
export interface Violation {
  field: string;
  value: unknown;
  id: string;
  rule: string;
}

/** The one message format: `spec.gateway: value "198.51.100.1" must be inside … [gateway-in-subnet]`. */
export function violationMessage(v: Violation): string {
  const value = v.value === undefined ? '' : ` value ${JSON.stringify(v.value)}`;
  return `${v.field}:${value} ${v.rule} [${v.id}]`;
}

export type WatchedKind = 'SpiderIPPool' | 'SpiderSubnet' | 'SpiderReservedIP' | 'SpiderEndpoint' | 'SpiderMultusConfig' | 'SpiderCoordinator' | 'NetworkAttachmentDefinition';

export interface AdmissionSettings {
  /** Refuse deleting a pool or subnet that still has allocations (default true; upstream: off). */
  protectInUseDeletion: boolean;
}

/** What admission logic may read, and the claims through which concurrent admissions see each other. */
export interface AdmissionContext {
  /**
   * Objects of a kind: from the watch cache, or from the API server when `fresh`. The cache hands
   * out the same array until it changes (derived views may be kept per array); never modify it.
   */
  list<T extends KubeObject>(kind: WatchedKind, options?: { fresh?: boolean; namespace?: string }): Promise<readonly T[]>;
  /** One object from the watch cache (read live on a miss), or from the API server when `fresh`. */
  get<T extends KubeObject>(kind: WatchedKind, name: string, namespace?: string, options?: { fresh?: boolean }): Promise<T | undefined>;
  settings: AdmissionSettings;
  /**
   * Objects admitted but maybe not yet visible in the cache or the API server (kept for a short
   * time, shared between replicas): overlap checks consider them too.
   */
  claims: ClaimRegistry;
}

export interface Claim {
  kind: WatchedKind;
  name: string;
  /** What the overlap check compares: e.g. the pool's subnet and IP ranges. */
  payload: Record<string, unknown>;
  /** Set by the registry when the claim is added: unique, names the claim in a withdrawal. */
  id?: string;
  /** Order among the claims of every replica (a counter in the shared store); absent when that store was unusable. */
  seq?: number;
  /** Order among this replica's claims; absent on other replicas' claims. */
  localSeq?: number;
}

export interface ClaimRegistry {
  /** Records the claim; resolves with it as recorded (id and order filled in). */
  add(claim: Claim, ttlMs: number): Promise<Claim>;
  /** Live claims of the kind; the same array again while nothing changed (callers must not modify it). */
  list(kind: WatchedKind): Promise<readonly Claim[]>;
}

/** The admission logic of one kind; registered with the server by kind name. */
export interface KindAdmission<T extends KubeObject> {
  readonly kind: string;
  /** The object to store; the server diffs it against the request's object into a JSON patch. */
  mutate?(req: AdmissionRequestView<T>, ctx: AdmissionContext): Promise<T> | T;
  validate(req: AdmissionRequestView<T>, ctx: AdmissionContext): Promise<Violation[]> | Violation[];
}
