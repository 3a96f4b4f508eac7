// SPDX-License-Identifier: Apache-2.0
/**
 * Annotation and label keys with a meaning to Spiderpool. Values are wire-compatible with
 * upstream (`pkg/constant/k8s.go`), so objects written by either implementation are read by
 * the other.
 */
export const Annotations = {
  /** Pod: SpiderSubnet auto-pool for one NIC, `{"interface","ipv4":[..],"ipv6":[..]}`. */
  SUBNET: 'ipam.spidernet.io/subnet',
  /** Pod: SpiderSubnet auto-pools for several NICs (a JSON array); wins over `SUBNET`. */
  SUBNETS: 'ipam.spidernet.io/subnets',
  /** Pod / auto-pool: pool size, `"N"` fixed or `"+N"` for replicas plus N. */
  IPPOOL_IP_NUMBER: 'ipam.spidernet.io/ippool-ip-number',
  /** Pod: whether the auto-pool is deleted with its application (default `"true"`). */
  IPPOOL_RECLAIM: 'ipam.spidernet.io/ippool-reclaim',
  /** Pod: candidate pools of the current NIC, `{"ipv4":[..],"ipv6":[..]}`; wildcards allowed. */
  IPPOOL: 'ipam.spidernet.io/ippool',
  /** Pod: candidate pools per NIC (a JSON array); wins over `IPPOOL`. */
  IPPOOLS: 'ipam.spidernet.io/ippools',
  /** Pod: extra routes `[{"dst","gw"}]`, each attached to the NIC whose subnet holds `gw`. */
  ROUTES: 'ipam.spidernet.io/routes',
  /** Pod: the NIC that owns the default route; overrides the SpiderCoordinator setting. */
  DEFAULT_ROUTE_NIC: 'ipam.spidernet.io/default-route-nic',
  /** Declared upstream but read by nothing; kept so the key is not reused for something else. */
  DNS: 'ipam.spidernet.io/dns',
  /** Namespace: default IPv4 pools, a JSON string array (wildcards allowed). */
  NS_DEFAULT_IPV4_IPPOOL: 'ipam.spidernet.io/default-ipv4-ippool',
  /** Namespace: default IPv6 pools, a JSON string array (wildcards allowed). */
  NS_DEFAULT_IPV6_IPPOOL: 'ipam.spidernet.io/default-ipv6-ippool',
  /** Pod (Multus): the cluster network of the first NIC. */
  MULTUS_DEFAULT_NETWORK: 'v1.multus-cni.io/default-network',
  /** Pod (Multus): additional networks, a comma list or JSON. */
  MULTUS_NETWORKS: 'k8s.v1.cni.cncf.io/networks',
  /** NetworkAttachmentDefinition (Multus): device-plugin resource the NIC needs. */
  MULTUS_RESOURCE_NAME: 'k8s.v1.cni.cncf.io/resourceName',
  /** Pod or Namespace: selects SpiderMultusConfigs whose RDMA resources are injected. */
  RDMA_RESOURCE_INJECT: 'cni.spidernet.io/rdma-resource-inject',
  /** Pod or Namespace: selects SpiderMultusConfigs whose network resources are injected. */
  NETWORK_RESOURCE_INJECT: 'cni.spidernet.io/network-resource-inject',
  /** SpiderMultusConfig: the `name` inside the generated CNI conflist. */
  CNI_CONFIG_NAME: 'cni.spidernet.io/cniconfig-name',
  /** SpiderMultusConfig: name of the generated NetworkAttachmentDefinition; immutable once set. */
  MULTUS_CR_NAME: 'multus.spidernet.io/cr-name',
  /** SpiderMultusConfig: `cniVersion` of the generated conflist (default `0.3.1`). */
  MULTUS_CNI_VERSION: 'multus.spidernet.io/cni-version',
  /** Pod (KubeVirt): set on a live-migration target, which must skip IP-conflict detection. */
  KUBEVIRT_MIGRATION_JOB_NAME: 'kubevirt.io/migrationJobName',
} as const;

export const Labels = {
  /** IPPool: the SpiderSubnet that owns it. */
  OWNER_SPIDER_SUBNET: 'ipam.spidernet.io/owner-spider-subnet',
  /** Auto-pool: group and version of the owning application, e.g. `apps_v1`. */
  OWNER_APPLICATION_GV: 'ipam.spidernet.io/owner-application-gv',
  OWNER_APPLICATION_KIND: 'ipam.spidernet.io/owner-application-kind',
  OWNER_APPLICATION_NAMESPACE: 'ipam.spidernet.io/owner-application-namespace',
  OWNER_APPLICATION_NAME: 'ipam.spidernet.io/owner-application-name',
  OWNER_APPLICATION_UID: 'ipam.spidernet.io/owner-application-uid',
  /** Auto-pool: the pod NIC it serves. */
  INTERFACE: 'ipam.spidernet.io/interface',
  /** Auto-pool: `IPv4` or `IPv6`. */
  IP_VERSION: 'ipam.spidernet.io/ip-version',
  /** Auto-pool: `true` deletes the pool with its application. */
  IPPOOL_RECLAIM: 'ipam.spidernet.io/ippool-reclaim',
  /** IPPool: its CIDR with `.`, `:` and `/` replaced by `-`, e.g. `192-0-2-0-24`. */
  IPPOOL_CIDR: 'ipam.spidernet.io/ippool-cidr',
  /** SpiderSubnet: its CIDR in the same encoding as `IPPOOL_CIDR`. */
  SUBNET_CIDR: 'ipam.spidernet.io/subnet-cidr',
  /** Auto-pool `podAffinity.matchLabels` keys; no other keys are accepted on auto-pools. */
  APP_API_GROUP: 'ipam.spidernet.io/app-api-group',
  APP_API_VERSION: 'ipam.spidernet.io/app-api-version',
  APP_KIND: 'ipam.spidernet.io/app-kind',
  APP_NAMESPACE: 'ipam.spidernet.io/app-namespace',
  APP_NAME: 'ipam.spidernet.io/app-name',
  /** SpiderMultusConfig: copies of the resource-inject annotations, so they can be selected. */
  RDMA_RESOURCE_INJECT: 'cni.spidernet.io/rdma-resource-inject',
  NETWORK_RESOURCE_INJECT: 'cni.spidernet.io/network-resource-inject',
} as const;
