// SPDX-License-Identifier: Apache-2.0
// A task that runs on one replica at a time: a service component (start/stop) that campaigns
// for a Lease and runs the task only while leading. On leadership loss the term's signal aborts
// the task, and the elector waits for it to finish before the Lease is released, so that two
// replicas never act at once.
import { randomBytes } from 'node:crypto';
import type { KubeClient } from './kube-client.ts';
import { LeaderElector, type LeaderElectorOptions } from './leader-election.ts';

/** The logger calls made here (pino's Logger fits). */
export interface ElectionLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface LeaderElectedOptions {
  /** Component name, and the words of its log lines. */
  name: string;
  client: KubeClient;
  logger: ElectionLogger;
  lease: { namespace: string; name: string };
  /** This replica's name (pod name); a random suffix makes the election identity unique. */
  replica: string;
  /** Off: start() only logs `disabledReason`. */
  enabled: boolean;
  disabledReason?: string;
  timings?: Pick<LeaderElectorOptions, 'leaseDurationMs' | 'renewDeadlineMs' | 'retryPeriodMs'>;
  /** One leadership term; resolves once the work has stopped after `signal` aborted. */
  run: (signal: AbortSignal) => Promise<void>;
}

export interface LeaderElectedComponent {
  name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function leaderElectedComponent(o: LeaderElectedOptions): LeaderElectedComponent {
  let elector: LeaderElector | undefined;
  return {
    name: o.name,
    async start() {
      if (!o.enabled) {
        o.logger.info({ component: o.name }, `${o.name} disabled${o.disabledReason ? ` (${o.disabledReason})` : ''}`);
        return;
      }
      elector = new LeaderElector({
        client: o.client,
        namespace: o.lease.namespace,
        name: o.lease.name,
        identity: `${o.replica}-${randomBytes(4).toString('hex')}`,
        ...o.timings,
        onStartedLeading: (signal) => o.run(signal),
        onNewLeader: (identity) => o.logger.info({ component: o.name, leader: identity }, `${o.name} leader`),
        onError: (err) => o.logger.warn({ component: o.name, err }, `${o.name} leader election`),
      });
      await elector.start();
    },
    async stop() {
      await elector?.stop();
    },
  };
}
