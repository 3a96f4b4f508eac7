// SPDX-License-Identifier: Apache-2.0
// Settings of the SpiderMultusConfig controller (environment variables of webhook-service).
import { envBool, loadConfig, z } from '@spiderpool/service-runtime';

export const MultusControllerConfigSchema = z.object({
  /** Run the controller (on the leader only). Off: NADs are left to something else. */
  SPIDERPOOL_MULTUS_CONTROLLER_ENABLED: envBool(true),
  /** Full reconcile period; watches trigger reconciles in between. */
  SPIDERPOOL_MULTUS_RESYNC_MS: z.coerce.number().int().min(1_000).default(300_000),
  /** Where the controller's Lease lives (normally the namespace webhook-service runs in). */
  SPIDERPOOL_MULTUS_LEASE_NAMESPACE: z.string().default('kube-system'),
  SPIDERPOOL_MULTUS_LEASE_NAME: z.string().default('spiderpool-multus-controller'),
});

export type MultusControllerConfig = z.infer<typeof MultusControllerConfigSchema>;

export const loadMultusControllerConfig = (env: NodeJS.ProcessEnv = process.env): MultusControllerConfig => loadConfig(MultusControllerConfigSchema, env);
