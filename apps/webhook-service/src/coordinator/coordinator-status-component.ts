// SPDX-License-Identifier: Apache-2.0
// The status controller as a service component: it campaigns for a Lease and runs the
// controller only while leading, so that exactly one replica writes SpiderCoordinator status.
// On leadership loss the term's signal aborts the controller; the elector waits for it to
// stop before anyone else can lead.
import { leaderElectedComponent, type KubeClient } from '@spiderpool/k8s';
import type { Logger, Registry } from '@spiderpool/observability';
import type { Component } from '@spiderpool/service-runtime';
import { startCoordinatorStatusController } from './coordinator-status-controller.ts';
import type { CoordinatorStatusConfig } from './coordinator-status-config.ts';

export interface CoordinatorStatusComponentOptions {
  client: KubeClient;
  logger: Logger;
  metrics: Registry;
  config: CoordinatorStatusConfig;
  /** This replica's name (pod name): its election identity. */
  replica: string;
}

export function coordinatorStatusComponent(options: CoordinatorStatusComponentOptions): Component {
  const { client, config } = options;
  const logger = options.logger.child({ component: 'coordinator-status' });
  return leaderElectedComponent({
    name: 'coordinator-status',
    client,
    logger,
    lease: { namespace: config.SPIDERPOOL_COORDINATOR_LEASE_NAMESPACE, name: config.SPIDERPOOL_COORDINATOR_LEASE_NAME },
    replica: options.replica,
    enabled: config.SPIDERPOOL_COORDINATOR_STATUS_ENABLED,
    disabledReason: 'SPIDERPOOL_COORDINATOR_STATUS_ENABLED=false',
    run: (signal) => startCoordinatorStatusController({
      client,
      logger,
      metrics: options.metrics,
      signal,
      namespace: config.SPIDERPOOL_COORDINATOR_SOURCE_NAMESPACE,
      labelSelector: config.SPIDERPOOL_COORDINATOR_LABEL_SELECTOR,
      resyncMs: config.SPIDERPOOL_COORDINATOR_RESYNC_MS,
    }).stopped,
  });
}
