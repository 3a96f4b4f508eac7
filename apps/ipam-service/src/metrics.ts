// SPDX-License-Identifier: Apache-2.0
// Every metric of ipam-service, on the service's own registry. Names follow upstream's
// documented snake_case names (counters end in _total); durations are histograms.
import { Counter, Gauge, Histogram, type Registry } from '@spiderpool/observability';
import type { ErrorCode } from '@spiderpool/errors';

const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15];

export function createIpamMetrics(registry: Registry) {
  const counter = (name: string, help: string, labelNames: string[] = []) => new Counter({ name, help, labelNames, registers: [registry] });
  const histogram = (name: string, help: string) => new Histogram({ name, help, buckets: DURATION_BUCKETS, registers: [registry] });
  const m = {
    allocations: counter('spiderpool_ipam_allocation_counts_total', 'Allocate requests received.'),
    allocationFailures: counter('spiderpool_ipam_allocation_failure_counts_total', 'Allocate requests that failed, by error code.', ['reason']),
    allocationConflicts: counter('spiderpool_ipam_allocation_update_ippool_conflict_counts_total', 'Pool status writes that lost a compare-and-swap.'),
    errInternal: counter('spiderpool_ipam_allocation_err_internal_counts_total', 'Allocate failures caused by internal errors.'),
    errNoPool: counter('spiderpool_ipam_allocation_err_no_available_pool_counts_total', 'Allocate failures: no pool survived selection.'),
    errRetries: counter('spiderpool_ipam_allocation_err_retries_exhausted_counts_total', 'Allocate failures: compare-and-swap retries exhausted.'),
    errUsedOut: counter('spiderpool_ipam_allocation_err_ip_used_out_counts_total', 'Allocate failures: every candidate pool was full.'),
    allocationDuration: histogram('spiderpool_ipam_allocation_duration_seconds', 'Duration of Allocate requests.'),
    allocationQueueWait: histogram('spiderpool_ipam_allocation_limit_duration_seconds', 'Time a pool operation waited in its pool queue (incl. the pool lock).'),
    releases: counter('spiderpool_ipam_release_counts_total', 'Release requests received.'),
    releaseFailures: counter('spiderpool_ipam_release_failure_counts_total', 'Release requests that failed, by error code.', ['reason']),
    releaseErrInternal: counter('spiderpool_ipam_release_err_internal_counts_total', 'Release failures caused by internal errors.'),
    releaseErrRetries: counter('spiderpool_ipam_release_err_retries_exhausted_counts_total', 'Release failures: compare-and-swap retries exhausted.'),
    releaseDuration: histogram('spiderpool_ipam_release_duration_seconds', 'Duration of Release requests.'),
    statusWrites: counter('spiderpool_ipam_ippool_status_writes_total', 'Pool status writes (each commits a batch of operations).'),
    batchedOps: counter('spiderpool_ipam_ippool_batched_operations_total', 'Pool operations committed by status writes.'),
    lockDegraded: new Gauge({ name: 'spiderpool_ipam_lock_degraded', help: '1 while Redis is unreachable and allocation runs on compare-and-swap alone.', registers: [registry] }),
    poolTotal: new Gauge({ name: 'spiderpool_ippool_total_ip_counts', help: 'Usable addresses of a pool.', labelNames: ['pool'], registers: [registry] }),
    poolAvailable: new Gauge({ name: 'spiderpool_ippool_available_ip_counts', help: 'Free addresses of a pool.', labelNames: ['pool'], registers: [registry] }),
    apiRequests: new Histogram({
      name: 'spiderpool_ipam_k8s_request_duration_seconds',
      help: 'Kubernetes API requests of ipam-service by verb, resource and HTTP status.',
      labelNames: ['verb', 'resource', 'status'],
      buckets: DURATION_BUCKETS,
      registers: [registry],
    }),
    pools: new Gauge({ name: 'spiderpool_total_ippool_counts', help: 'SpiderIPPools known to ipam-service.', registers: [registry] }),
    autoPoolReconciles: counter('spiderpool_subnet_auto_pool_reconciles_total', 'Auto-pool reconciliations of the SpiderSubnet controller, by outcome (created, resized, adopted, unchanged, skipped).', ['outcome']),
    autoPoolsReclaimed: counter('spiderpool_subnet_auto_pools_reclaimed_total', 'Auto-pools deleted because their application was deleted.'),
    autoPoolFailures: counter('spiderpool_subnet_controller_failures_total', 'Work items of the SpiderSubnet controller that failed and were retried.'),
  };
  // Zero series for every outcome from the start: rate and ratio queries need no fallback.
  for (const outcome of ['created', 'resized', 'adopted', 'unchanged', 'skipped']) m.autoPoolReconciles.inc({ outcome }, 0);
  return {
    ...m,
    allocationFailed(code: ErrorCode): void {
      m.allocationFailures.inc({ reason: code });
      const byCode: Partial<Record<ErrorCode, Counter>> = { INTERNAL: m.errInternal, NO_AVAILABLE_POOL: m.errNoPool, RETRIES_EXHAUSTED: m.errRetries, IP_USED_OUT: m.errUsedOut };
      byCode[code]?.inc();
    },
    releaseFailed(code: ErrorCode): void {
      m.releaseFailures.inc({ reason: code });
      if (code === 'INTERNAL') m.releaseErrInternal.inc();
      if (code === 'RETRIES_EXHAUSTED') m.releaseErrRetries.inc();
    },
  };
}

export type IpamMetrics = ReturnType<typeof createIpamMetrics>;
