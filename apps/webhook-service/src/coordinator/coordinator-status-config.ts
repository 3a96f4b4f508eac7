// SPDX-License-Identifier: Apache-2.0
// Settings of the SpiderCoordinator status controller (environment variables of webhook-service).
import { envBool, loadConfig, z } from '@spiderpool/service-runtime';

export const CoordinatorStatusConfigSchema = z.object({
  /** Run the controller (on the leader only). Off: statuses are left to something else. */
  SPIDERPOOL_COORDINATOR_STATUS_ENABLED: envBool(true),
  /** Namespace of kubeadm-config, cilium-config and the control-plane static Pods. */
  SPIDERPOOL_COORDINATOR_SOURCE_NAMESPACE: z.string().default('kube-system'),
  /** Only SpiderCoordinators matching this label selector get a status (default: all). */
  SPIDERPOOL_COORDINATOR_LABEL_SELECTOR: z.string().optional(),
  /** Full re-evaluation period; watches trigger passes in between. */
  SPIDERPOOL_COORDINATOR_RESYNC_MS: z.coerce.number().int().min(1_000).default(60_000),
  /** Where the controller's Lease lives (normally the namespace webhook-service runs in). */
  SPIDERPOOL_COORDINATOR_LEASE_NAMESPACE: z.string().default('kube-system'),
  SPIDERPOOL_COORDINATOR_LEASE_NAME: z.string().default('spiderpool-coordinator-status'),
});

export type CoordinatorStatusConfig = z.infer<typeof CoordinatorStatusConfigSchema>;

export const loadCoordinatorStatusConfig = (env: NodeJS.ProcessEnv = process.env): CoordinatorStatusConfig =>
  loadConfig(CoordinatorStatusConfigSchema, env);
