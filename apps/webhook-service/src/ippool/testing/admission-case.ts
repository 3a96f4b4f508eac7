// SPDX-License-Identifier: Apache-2.0
/**
 * A table row of the admission corpus and the runner that plays it the way the API server
 * does: mutate, then validate the mutated object; an UPDATE applies `change` to the stored
 * (already defaulted) object, as a client that reads, edits and writes back.
 */
import type { KubeObject } from '@spiderpool/k8s';
import type {
  AdmissionRequestView,
  AdmissionSettings,
  KindAdmission,
  Operation,
  Violation,
  WatchedKind,
} from '../../admission/admission-types.ts';
import { admissionRequest, FakeAdmissionContext } from '../../admission/testing/fake-context.ts';

export interface AdmissionCase<T extends KubeObject = KubeObject> {
  title: string;
  operation: Extract<Operation, 'CREATE' | 'UPDATE' | 'DELETE'>;
  /** Objects stored beforehand (as stored: they are not run through admission). */
  existing?: Array<{ kind: WatchedKind; object: KubeObject }>;
  /** CREATE: the object sent. UPDATE/DELETE: the object first created (through mutation). */
  object: T;
  /** UPDATE: the edit applied to the stored object before it is sent back. */
  change?: (stored: T) => void;
  /** Stored status and deletion state of `object` (what the IPAM and the API server set later). */
  stored?: { status?: unknown; deletionTimestamp?: boolean };
  settings?: Partial<AdmissionSettings>;
  /** The violation id the request must be denied with, or `allowed`. */
  expect: string;
  /** Other ids the same request breaks unavoidably (e.g. a changed ipVersion no longer fits the subnet). */
  alsoExpect?: string[];
}

export interface CaseResult<T> {
  violations: Violation[];
  /** The object the API server would store (CREATE/UPDATE). */
  mutated: T | undefined;
  ctx: FakeAdmissionContext;
}

export async function runCase<T extends KubeObject>(admission: KindAdmission<T>, c: AdmissionCase<T>): Promise<CaseResult<T>> {
  const ctx = new FakeAdmissionContext({ settings: c.settings ?? {} });
  for (const e of c.existing ?? []) ctx.put(e.kind, e.object);
  const kind = admission.kind as WatchedKind;
  if (c.operation === 'CREATE') return { ...(await admit(admission, admissionRequest('CREATE', c.object), ctx)), ctx };
  const stored = await storedForm(admission, c, ctx);
  ctx.put(kind, stored);
  if (c.operation === 'DELETE') {
    const violations = await admission.validate({ ...admissionRequest('DELETE', undefined, stored) }, ctx);
    return { violations, mutated: undefined, ctx };
  }
  const edited = structuredClone(stored);
  c.change?.(edited);
  return { ...(await admit(admission, admissionRequest('UPDATE', edited, stored), ctx)), ctx };
}

async function storedForm<T extends KubeObject>(admission: KindAdmission<T>, c: AdmissionCase<T>, ctx: FakeAdmissionContext): Promise<T> {
  const created = admission.mutate ? await admission.mutate(admissionRequest('CREATE', c.object), ctx) : structuredClone(c.object);
  const stored = structuredClone(created) as T & { status?: unknown };
  if (c.stored?.status !== undefined) stored.status = structuredClone(c.stored.status);
  if (c.stored?.deletionTimestamp) (stored.metadata ??= {}).deletionTimestamp = new Date('2026-01-01T00:00:00Z');
  return stored;
}

async function admit<T extends KubeObject>(
  admission: KindAdmission<T>,
  req: AdmissionRequestView<T>,
  ctx: FakeAdmissionContext,
): Promise<{ violations: Violation[]; mutated: T | undefined }> {
  const mutated = admission.mutate ? await admission.mutate(req, ctx) : req.object;
  const violations = await admission.validate({ ...req, object: mutated }, ctx);
  return { violations, mutated };
}
