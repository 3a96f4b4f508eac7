// SPDX-License-Identifier: Apache-2.0
import { Counter, Gauge, Histogram, type Registry } from '@spiderpool/observability';

/** The admission server's metrics, on the service's own registry. */
export interface AdmissionMetrics {
  /** kind: a registered kind or `other`; operation: CREATE/UPDATE/DELETE/CONNECT; webhook: mutate/validate. */
  duration: Histogram<'kind' | 'operation' | 'webhook'>;
  /** One per denied request and broken rule id. */
  denials: Counter<'kind' | 'rule'>;
  /** Requests whose kind logic threw or timed out (answered allowed:false, code 5xx). */
  errors: Counter<'kind'>;
  /** Bodies that were not an AdmissionReview (answered HTTP 4xx). */
  badRequests: Counter<'webhook'>;
  /** 1 while Redis (locks and claims) is configured but unreachable. */
  redisDegraded: Gauge;
}

export function createAdmissionMetrics(registry: Registry): AdmissionMetrics {
  return {
    duration: new Histogram({
      name: 'spiderpool_webhook_admission_duration_seconds',
      help: 'Time to answer one AdmissionReview, by kind, operation and webhook (mutate or validate).',
      labelNames: ['kind', 'operation', 'webhook'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    denials: new Counter({
      name: 'spiderpool_webhook_admission_denials_total',
      help: 'Requests denied by a validation rule, by kind and rule id.',
      labelNames: ['kind', 'rule'],
      registers: [registry],
    }),
    errors: new Counter({
      name: 'spiderpool_webhook_admission_errors_total',
      help: 'Requests whose admission logic failed or timed out; they are denied (fail closed).',
      labelNames: ['kind'],
      registers: [registry],
    }),
    badRequests: new Counter({
      name: 'spiderpool_webhook_admission_bad_requests_total',
      help: 'Request bodies that were not a well-formed AdmissionReview v1 (answered with HTTP 4xx).',
      labelNames: ['webhook'],
      registers: [registry],
    }),
    redisDegraded: new Gauge({
      name: 'spiderpool_webhook_redis_degraded',
      help: '1 while Redis is configured but unreachable: admission locks and claims are per replica only.',
      registers: [registry],
    }),
  };
}
