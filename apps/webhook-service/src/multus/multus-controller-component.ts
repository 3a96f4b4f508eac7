// SPDX-License-Identifier: Apache-2.0
// The SpiderMultusConfig controller as a service component: it campaigns for its own Lease and
// runs the controller only while leading, so that exactly one replica writes NADs. On
// leadership loss the term's signal stops the controller; the elector waits for the last
// reconcile to finish before the lease is released.
import { leaderElectedComponent, type KubeClient } from '@spiderpool/k8s';
import type { Logger, Registry } from '@spiderpool/observability';
import type { Component } from '@spiderpool/service-runtime';
import { startMultusController } from './multus-controller.ts';
import type { MultusControllerConfig } from './multus-controller-config.ts';

export interface MultusControllerComponentOptions {
  client: KubeClient;
  logger: Logger;
  metrics: Registry;
  config: MultusControllerConfig;
  /** This replica's name (pod name): its election identity. */
  replica: string;
}

export function multusControllerComponent(options: MultusControllerComponentOptions): Component {
  const { client, config, metrics } = options;
  const logger = options.logger.child({ component: 'multus-controller' });
  return leaderElectedComponent({
    name: 'multus-controller',
    client,
    logger,
    lease: { namespace: config.SPIDERPOOL_MULTUS_LEASE_NAMESPACE, name: config.SPIDERPOOL_MULTUS_LEASE_NAME },
    replica: options.replica,
    enabled: config.SPIDERPOOL_MULTUS_CONTROLLER_ENABLED,
    disabledReason: 'SPIDERPOOL_MULTUS_CONTROLLER_ENABLED=false',
    run: (signal) => startMultusController({ client, logger, metrics, signal, resyncIntervalMs: config.SPIDERPOOL_MULTUS_RESYNC_MS }).stopped,
  });
}
