// SPDX-License-Identifier: Apache-2.0
// Every metric of gc-service, on the service's own registry. Reason labels are the stable
// reason texts of the GC decisions and error codes: a bounded set, never object names.
import { Counter, Gauge, Histogram, type Registry } from '@spiderpool/observability';

export interface GcMetrics {
  candidates: Counter<'source'>;
  reclaimed: Counter<'reason'>;
  keptUnsure: Counter<'reason'>;
  failures: Counter<'reason'>;
  endpointsDeleted: Counter;
  scanDuration: Histogram;
  traceEntries: Gauge;
}

export function createGcMetrics(registry: Registry): GcMetrics {
  return {
    candidates: new Counter({ name: 'spiderpool_gc_candidates_total', help: 'Pool records or pods GC judged releasable on cached reads, by source (scan, trace).', labelNames: ['source'], registers: [registry] }),
    reclaimed: new Counter({ name: 'spiderpool_gc_reclaimed_ips_total', help: 'Addresses GC released through ipam-service, by reason.', labelNames: ['reason'], registers: [registry] }),
    keptUnsure: new Counter({ name: 'spiderpool_gc_kept_unsure_total', help: 'Records GC kept only because a fact was unknown, by reason.', labelNames: ['reason'], registers: [registry] }),
    failures: new Counter({ name: 'spiderpool_gc_failures_total', help: 'GC steps that failed, by reason.', labelNames: ['reason'], registers: [registry] }),
    endpointsDeleted: new Counter({ name: 'spiderpool_gc_endpoints_deleted_total', help: 'SpiderEndpoints GC deleted after their addresses were released or lost.', registers: [registry] }),
    scanDuration: new Histogram({ name: 'spiderpool_gc_scan_duration_seconds', help: 'Duration of full scans.', buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300], registers: [registry] }),
    traceEntries: new Gauge({ name: 'spiderpool_gc_trace_entries', help: 'Pods waiting in the tracing queue for their grace period to end.', registers: [registry] }),
  };
}
