// SPDX-License-Identifier: Apache-2.0
// gc-service settings: upstream's SPIDERPOOL_GC_* names (durations in seconds, as upstream)
// plus our own for the orphan-record grace window, the Lease and endpoint clean-up.
import type { GcSettings } from '@spiderpool/ipam-domain';
import { envBool, envLogLevel, envPort, loadConfig, z } from '@spiderpool/service-runtime';

const seconds = (defaultValue: number) => z.coerce.number().min(0).default(defaultValue);
const positiveInt = (defaultValue: number) => z.coerce.number().int().positive().default(defaultValue);

export const GcServiceConfigSchema = z.object({
  SPIDERPOOL_LOG_LEVEL: envLogLevel,
  SPIDERPOOL_IPAM_SERVICE_ADDRESS: z.string().min(1, 'must be set to the ipam-service address'),
  SPIDERPOOL_OPS_HOST: z.string().default('0.0.0.0'),
  SPIDERPOOL_OPS_PORT: envPort(5731),
  KUBECONFIG: z.string().optional(),
  SPIDERPOOL_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(20_000),
  SPIDERPOOL_POD_NAME: z.string().default(`gc-service-${process.pid}`),

  SPIDERPOOL_GC_IP_ENABLED: envBool(true),
  SPIDERPOOL_GC_STATELESS_TERMINATING_POD_ON_READY_NODE_ENABLED: envBool(true),
  SPIDERPOOL_GC_STATELESS_TERMINATING_POD_ON_NOT_READY_NODE_ENABLED: envBool(true),
  SPIDERPOOL_GC_ENABLE_STATELESS_RUNNING_POD_ON_EMPTY_POD_STATUS_IPS: envBool(false),
  SPIDERPOOL_GC_DEFAULT_INTERVAL_DURATION: z.coerce.number().positive().default(600),
  SPIDERPOOL_GC_TRACE_POD_GAP_DURATION: z.coerce.number().positive().default(5),
  SPIDERPOOL_GC_ADDITIONAL_GRACE_DELAY: seconds(0),
  SPIDERPOOL_GC_PODENTRY_MAX_RETRIES: positiveInt(5),
  SPIDERPOOL_GC_IP_WORKER_NUM: positiveInt(3),
  SPIDERPOOL_GC_MAX_PODENTRY_DB_CAP: positiveInt(100_000),
  SPIDERPOOL_GC_ORPHAN_RECORD_GRACE_DURATION: seconds(120),
  SPIDERPOOL_GC_CLEAN_OUTDATED_ENDPOINT_ENABLED: envBool(true),
  SPIDERPOOL_ENABLE_STATEFULSET: envBool(true),
  SPIDERPOOL_ENABLE_KUBEVIRT_STATIC_IP: envBool(true),

  SPIDERPOOL_GC_LEASE_NAMESPACE: z.string().min(1).default('kube-system'),
  SPIDERPOOL_GC_LEASE_NAME: z.string().min(1).default('spiderpool-gc'),
  SPIDERPOOL_LEADER_DURATION: z.coerce.number().positive().default(15),
  SPIDERPOOL_LEADER_RENEW_DEADLINE: z.coerce.number().positive().default(10),
  SPIDERPOOL_LEADER_RETRY_PERIOD: z.coerce.number().positive().default(2),
});

export type GcServiceConfig = z.infer<typeof GcServiceConfigSchema>;

export const loadGcServiceConfig = (env: NodeJS.ProcessEnv = process.env): GcServiceConfig =>
  loadConfig(GcServiceConfigSchema, env);

/** The decision settings (milliseconds) out of the environment settings (seconds). */
export function gcSettingsOf(config: GcServiceConfig): GcSettings {
  return {
    enabled: config.SPIDERPOOL_GC_IP_ENABLED,
    terminatingOnReadyNode: config.SPIDERPOOL_GC_STATELESS_TERMINATING_POD_ON_READY_NODE_ENABLED,
    terminatingOnNotReadyNode: config.SPIDERPOOL_GC_STATELESS_TERMINATING_POD_ON_NOT_READY_NODE_ENABLED,
    runningWithEmptyPodIps: config.SPIDERPOOL_GC_ENABLE_STATELESS_RUNNING_POD_ON_EMPTY_POD_STATUS_IPS,
    additionalGraceDelayMs: config.SPIDERPOOL_GC_ADDITIONAL_GRACE_DELAY * 1000,
    orphanRecordGraceMs: config.SPIDERPOOL_GC_ORPHAN_RECORD_GRACE_DURATION * 1000,
  };
}
