// SPDX-License-Identifier: Apache-2.0
import type { GcSettings } from '@spiderpool/ipam-domain';
import type { Clock } from '@spiderpool/k8s';
import type { Logger } from '@spiderpool/observability';
import type { FactGatherer } from './fact-gatherer.ts';
import type { GcMetrics } from './metrics.ts';
import type { OrphanLedger } from './orphan-ledger.ts';

/** What every part of one leadership term shares: settings, time, facts and telemetry. */
export interface GcContext {
  gatherer: FactGatherer;
  orphans: OrphanLedger;
  settings: GcSettings;
  clock: Clock;
  metrics: GcMetrics;
  logger: Logger;
}
