// SPDX-License-Identifier: Apache-2.0
import { envBool, envLogLevel, envPort, loadConfig, z } from '@spiderpool/service-runtime';
import type { IpamSettings } from '@spiderpool/ipam-domain';

/** ipam-service settings, from environment variables (upstream names where they exist). */
export const IpamServiceConfigSchema = z.object({
  SPIDERPOOL_LOG_LEVEL: envLogLevel,
  /** gRPC listen address: `host:port` or `unix:///path`. */
  SPIDERPOOL_GRPC_ADDRESS: z.string().min(1).default('0.0.0.0:5720'),
  SPIDERPOOL_OPS_HOST: z.string().default('0.0.0.0'),
  SPIDERPOOL_OPS_PORT: envPort(5721),
  /** Redis for per-pool allocation locks; correctness never depends on it. Unset = no locks. */
  SPIDERPOOL_REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional(),
  SPIDERPOOL_LOCK_TTL_MS: z.coerce.number().int().min(500).default(5_000),
  KUBECONFIG: z.string().optional(),
  SPIDERPOOL_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(20_000),
  SPIDERPOOL_ENABLE_IPV4: envBool(true),
  SPIDERPOOL_ENABLE_IPV6: envBool(true),
  SPIDERPOOL_ENABLE_STATEFULSET: envBool(true),
  SPIDERPOOL_ENABLE_KUBEVIRT_STATIC_IP: envBool(true),
  /** SpiderSubnet: the leader-elected auto-pool controller and the subnet annotations on the allocation path. */
  SPIDERPOOL_ENABLE_SPIDER_SUBNET: envBool(false),
  /** Subnet annotations create pools for applications (upstream enableAutoPoolForApplication). */
  SPIDERPOOL_ENABLE_AUTO_POOL_FOR_APPLICATION: envBool(true),
  /**
   * The `+N` of applications without `ipam.spidernet.io/ippool-ip-number`: spare addresses of an
   * auto-pool beyond the replica count (upstream's chart key clusterSubnetDefaultFlexibleIPNumber,
   * default 1; its code read another key and used 0 — one value is used everywhere here).
   */
  SPIDERPOOL_CLUSTER_SUBNET_DEFAULT_FLEXIBLE_IP_NUMBER: z.coerce.number().int().min(0).max(1024).default(1),
  /** Longest time an Allocate waits for its application's auto-pool to exist and have room. */
  SPIDERPOOL_AUTO_POOL_WAIT_MS: z.coerce.number().int().min(0).max(600_000).default(30_000),
  /** Full re-check of every application, auto-pool and subnet record (events do the rest). */
  SPIDERPOOL_SUBNET_RESYNC_PERIOD_MS: z.coerce.number().int().min(500).default(60_000),
  /** Run the subnet controller in this process (off: replicas that only serve allocation). */
  SPIDERPOOL_SUBNET_CONTROLLER_ENABLED: envBool(true),
  /** Lease that elects the one replica running the subnet controller (in SPIDERPOOL_NAMESPACE). */
  SPIDERPOOL_SUBNET_CONTROLLER_LEASE_NAME: z.string().min(1).default('spiderpool-subnet-controller'),
  /** Set on every allocated IP: the CNI plugin probes the address (ARP / IPv6 DAD) before ADD succeeds. */
  SPIDERPOOL_ENABLE_IP_CONFLICT_DETECTION: envBool(false),
  /** Set on every allocated IP: the CNI plugin checks that the pool's gateway answers ARP / NDP. */
  SPIDERPOOL_ENABLE_GATEWAY_DETECTION: envBool(false),
  /** Upstream's cap on records per pool (SPIDERPOOL_IPPOOL_MAX_ALLOCATED_IPS). */
  SPIDERPOOL_IPPOOL_MAX_ALLOCATED_IPS: z.coerce.number().int().positive().default(5_000),
  /** Namespace of the installation; Multus names without a namespace resolve here. */
  SPIDERPOOL_NAMESPACE: z.string().min(1).default('kube-system'),
  /** Multus cluster network (`namespace/name`) of the first NIC when a pod names none. */
  MULTUS_CLUSTER_NETWORK: z.string().optional(),
  /** Name of this replica (pod name), used as the lock owner. */
  SPIDERPOOL_POD_NAME: z.string().default(`ipam-service-${process.pid}`),
});

export type IpamServiceConfig = z.infer<typeof IpamServiceConfigSchema>;

export const loadIpamServiceConfig = (env: NodeJS.ProcessEnv = process.env): IpamServiceConfig =>
  loadConfig(IpamServiceConfigSchema, env);

export function ipamSettings(config: IpamServiceConfig): IpamSettings {
  return {
    enableIPv4: config.SPIDERPOOL_ENABLE_IPV4,
    enableIPv6: config.SPIDERPOOL_ENABLE_IPV6,
    enableStatefulSet: config.SPIDERPOOL_ENABLE_STATEFULSET,
    enableKubevirtStaticIP: config.SPIDERPOOL_ENABLE_KUBEVIRT_STATIC_IP,
    enableSpiderSubnet: config.SPIDERPOOL_ENABLE_SPIDER_SUBNET,
    enableAutoPoolForApplication: config.SPIDERPOOL_ENABLE_AUTO_POOL_FOR_APPLICATION,
    maxAllocatedIPsPerPool: config.SPIDERPOOL_IPPOOL_MAX_ALLOCATED_IPS,
    installNamespace: config.SPIDERPOOL_NAMESPACE,
    ...(config.MULTUS_CLUSTER_NETWORK ? { multusClusterNetwork: config.MULTUS_CLUSTER_NETWORK } : {}),
  };
}
