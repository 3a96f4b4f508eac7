// SPDX-License-Identifier: Apache-2.0
// Runs the admission logic of the request's kind and turns its answer into an AdmissionResponse:
// a mutation into a JSON patch, violations into one 422 denial, a throw or a timeout into a 5xx
// denial (fail closed). Objects nested too deep for any of that are turned away before the
// kind's logic runs (object-depth.ts). Nothing here knows HTTP.
import { SpiderpoolError } from '@spiderpool/errors';
import type { KubeObject } from '@spiderpool/k8s';
import type { Logger } from '@spiderpool/observability';
import { runWithDeadline } from './admission-deadline.ts';
import type { AdmissionMetrics } from './admission-metrics.ts';
import type { AdmissionResponse, AdmissionReviewRequest } from './admission-review.ts';
import { DENIED, statusOfError } from './admission-status.ts';
import { violationMessage, type AdmissionContext, type AdmissionRequestView, type KindAdmission, type Violation } from './admission-types.ts';
import { diff } from './json-patch.ts';
import { objectDepthViolation } from './object-depth.ts';

export type Webhook = 'mutate' | 'validate';

export interface DispatcherOptions {
  kinds: Iterable<KindAdmission<KubeObject>>;
  context: AdmissionContext;
  metrics: AdmissionMetrics;
  logger: Logger;
  /** Answer (deny) before the API server gives up on us (its timeoutSeconds, at most 30 s). */
  timeoutMs: number;
}

/** Label of kinds nobody registered: keeps the metric's cardinality bounded. */
const OTHER_KIND = 'other';
const MAX_MESSAGE_LENGTH = 4_096;
const MAX_WARNED_KINDS = 64;

export class AdmissionDispatcher {
  readonly #registry = new Map<string, KindAdmission<KubeObject>>();
  readonly #options: DispatcherOptions;
  readonly #warnedKinds = new Set<string>();

  constructor(options: DispatcherOptions) {
    this.#options = options;
    for (const kind of options.kinds) {
      if (this.#registry.has(kind.kind)) throw new SpiderpoolError('INVALID_INPUT', `admission for kind ${kind.kind} is registered twice`, { field: 'kinds' });
      this.#registry.set(kind.kind, kind);
      // A zero series per kind from the start: error-ratio queries and alerts need no fallback.
      options.metrics.errors.inc({ kind: kind.kind }, 0);
    }
  }

  /** Kinds with admission logic, sorted. */
  get kinds(): string[] {
    return [...this.#registry.keys()].sort();
  }

  /** Always resolves: every outcome of the kind's logic is an AdmissionResponse. */
  async review(webhook: Webhook, request: AdmissionReviewRequest): Promise<AdmissionResponse> {
    const started = performance.now();
    const admission = this.#registry.get(request.kind.kind);
    const kindLabel = admission ? request.kind.kind : OTHER_KIND;
    try {
      if (!admission) return this.#unregistered(request);
      const tooDeep = depthViolation(request);
      if (tooDeep) return webhook === 'mutate' ? unmutated(request, tooDeep) : this.#denied(admission, request, [tooDeep]);
      const what = `admission of ${describe(request)} did not finish within ${this.#options.timeoutMs} ms`;
      return await withTimeout(this.#options.timeoutMs, what, () => (webhook === 'mutate' ? this.#mutate(admission, request) : this.#validate(admission, request)));
    } catch (err) {
      return this.#failed(kindLabel, request, err);
    } finally {
      const seconds = (performance.now() - started) / 1_000;
      this.#options.metrics.duration.observe({ kind: kindLabel, operation: request.operation, webhook }, seconds);
    }
  }

  async #mutate(admission: KindAdmission<KubeObject>, request: AdmissionReviewRequest): Promise<AdmissionResponse> {
    // Nothing to patch on DELETE and CONNECT.
    if (!admission.mutate || !request.object) return { uid: request.uid, allowed: true };
    // The kind gets a copy, so that changing the object in place still shows up in the diff.
    const mutated = await admission.mutate(viewOf(request, structuredClone(request.object)), this.#options.context);
    if (typeof mutated !== 'object' || mutated === null || Array.isArray(mutated)) {
      throw new SpiderpoolError('INTERNAL', `mutate of ${admission.kind} returned no object`);
    }
    const ops = diff(request.object, mutated);
    if (ops.length === 0) return { uid: request.uid, allowed: true };
    return { uid: request.uid, allowed: true, patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(ops)).toString('base64') };
  }

  async #validate(admission: KindAdmission<KubeObject>, request: AdmissionReviewRequest): Promise<AdmissionResponse> {
    const violations = await admission.validate(viewOf(request, request.object), this.#options.context);
    if (!Array.isArray(violations)) throw new SpiderpoolError('INTERNAL', `validate of ${admission.kind} returned no list of violations`);
    if (violations.length === 0) return { uid: request.uid, allowed: true };
    return this.#denied(admission, request, violations);
  }

  #denied(admission: KindAdmission<KubeObject>, request: AdmissionReviewRequest, violations: Violation[]): AdmissionResponse {
    const message = truncate(`${describe(request)}: ${violations.map(violationMessage).join('; ')}`);
    const rules = [...new Set(violations.map((v: Violation) => v.id))];
    for (const rule of rules) this.#options.metrics.denials.inc({ kind: admission.kind, rule });
    this.#options.logger.info({ uid: request.uid, kind: admission.kind, name: request.name, namespace: request.namespace, operation: request.operation, rules }, 'admission denied');
    return { uid: request.uid, allowed: false, status: { ...DENIED, message } };
  }

  /**
   * The webhook configurations decide which kinds are sent here; a kind without logic means
   * they and this build disagree. Allowed (on both paths) with a warning rather than refused:
   * refusing would block every write of that kind in the cluster.
   */
  #unregistered(request: AdmissionReviewRequest): AdmissionResponse {
    const kind = request.kind.kind.slice(0, 63);
    if (!this.#warnedKinds.has(kind) && this.#warnedKinds.size < MAX_WARNED_KINDS) {
      this.#warnedKinds.add(kind);
      this.#options.logger.warn({ kind, registered: this.kinds }, 'admission request for a kind without admission logic: allowed unchanged');
    }
    return { uid: request.uid, allowed: true, warnings: [`spiderpool webhook has no admission rules for kind ${kind}; allowed unchanged`] };
  }

  #failed(kindLabel: string, request: AdmissionReviewRequest, err: unknown): AdmissionResponse {
    this.#options.metrics.errors.inc({ kind: kindLabel });
    const status = statusOfError(err, `${describe(request)}: admission failed`);
    this.#options.logger.error({ err, uid: request.uid, kind: request.kind.kind, name: request.name, operation: request.operation }, 'admission failed: request denied');
    return { uid: request.uid, allowed: false, status: { ...status, message: truncate(status.message) } };
  }
}

/** The first object of the request nested too deep to copy, diff or walk; undefined for most. */
function depthViolation(request: AdmissionReviewRequest): Violation | undefined {
  return objectDepthViolation(request.object, '') ?? objectDepthViolation(request.oldObject, 'oldObject');
}

/**
 * A mutation cannot even copy such an object. It is let through unchanged rather than denied:
 * validation of the same kind denies it naming the field, and pod injection must never deny.
 */
function unmutated(request: AdmissionReviewRequest, violation: Violation): AdmissionResponse {
  return { uid: request.uid, allowed: true, warnings: [truncate(`${describe(request)} not mutated: ${violationMessage(violation)}`)] };
}

function viewOf(request: AdmissionReviewRequest, object: KubeObject | undefined): AdmissionRequestView<KubeObject> {
  return {
    uid: request.uid,
    operation: request.operation,
    name: request.name,
    namespace: request.namespace,
    object,
    oldObject: request.oldObject,
    dryRun: request.dryRun,
    username: request.username,
  };
}

/** `SpiderIPPool pool-a`, `SpiderMultusConfig kube-system/macvlan`, `SpiderIPPool web-*` (generateName). */
export function describe(request: AdmissionReviewRequest): string {
  const generated = request.object?.metadata?.generateName;
  const name = request.name || (typeof generated === 'string' && generated ? `${generated}*` : '<unnamed>');
  return `${request.kind.kind.slice(0, 63)} ${request.namespace ? `${request.namespace}/` : ''}${name}`;
}

function truncate(message: string): string {
  return message.length > MAX_MESSAGE_LENGTH ? `${message.slice(0, MAX_MESSAGE_LENGTH - 3)}...` : message;
}

/**
 * Runs `work` with a deadline: rejects with DEADLINE_EXCEEDED after `ms`. The work cannot be
 * cancelled, but it runs under the deadline's signal (admission-deadline.ts), so what it still
 * has queued (lock waits, API reads) is dropped once the answer has gone out.
 */
function withTimeout<T>(ms: number, what: string, work: () => Promise<T>): Promise<T> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new SpiderpoolError('DEADLINE_EXCEEDED', what)), ms);
  const expired = new Promise<never>((_resolve, reject) => {
    deadline.signal.addEventListener('abort', () => reject(deadline.signal.reason), { once: true });
  });
  return Promise.race([runWithDeadline(deadline.signal, work), expired]).finally(() => clearTimeout(timer));
}
