// SPDX-License-Identifier: Apache-2.0
// The pure IPAM domain: IP math, selection, allocation and GC decisions. No I/O imports
// (enforced by lint: type:domain may not import Kubernetes, Redis, gRPC, fastify or node I/O).
export { formatIp, ipVersionOf, parseIp, tryParseIp, type IpAddress, type IpVersion } from './ip/ip-address.ts';
export {
  addressBits,
  addressWithPrefix,
  cidrContains,
  cidrFirst,
  cidrLast,
  cidrsOverlap,
  formatCidr,
  isCanonicalCidr,
  maxAddress,
  parseCidr,
  sameCidr,
  tryParseCidr,
  type Cidr,
} from './ip/cidr.ts';
export { IpSet, type Interval } from './ip/ip-set.ts';
export { lowestFree, type LowestFreeOptions } from './allocation/lowest-free.ts';
export { decodeAllocatedIPs, encodeAllocatedIPs, recordsOfPod } from './allocation/pool-records.ts';
export { compilePool, freeCount, type CompiledPool, type PoolSpecInput } from './allocation/pool-view.ts';
export { allocateInto, releaseFrom, type AllocateIntoOptions, type ReleaseFromOptions } from './allocation/record-ops.ts';
export type * from './types.ts';
export { expandPoolNames, isWildcard, matchWildcard } from './selection/wildcard.ts';
export { matchesSelector } from './selection/label-selector.ts';
export {
  isValidInterfaceName,
  parseDefaultRouteNic,
  parseIppoolAnnotation,
  parseIppoolsAnnotation,
  parseNamespaceDefaultPools,
  parseRoutesAnnotation,
  parseSubnetAnnotations,
  type IppoolAnnotation,
  type IppoolsEntry,
  type SubnetAnnotationEntry,
  type SubnetAnnotationRequest,
} from './selection/pod-annotations.ts';
export {
  multusNetworkOfNic,
  normaliseMultusName,
  parseMultusNetworks,
  type MultusNetworkOfNicOptions,
  type MultusNetworkRef,
} from './selection/multus-network.ts';
export { planNics, type PlanNicsOptions, type PlanNicsResult } from './selection/candidates.ts';
export {
  filterPools,
  noPoolError,
  sortByAffinity,
  type FilterPoolsOptions,
  type FilterPoolsResult,
  type NoPoolErrorOptions,
  type PoolRejection,
} from './selection/pool-filter.ts';
export {
  buildRoutes,
  type BuildRoutesOptions,
  type BuildRoutesResult,
  type NicRoute,
  type RouteNic,
  type RouteNicAddress,
} from './selection/routes.ts';
export {
  isKubevirtVmValid,
  isPodAlive,
  isValidStatefulSetReplica,
  statefulSetOrdinal,
  type KubevirtVmState,
  type PodLiveness,
  type StatefulSetReplicaOptions,
} from './selection/workload.ts';
export { PoolLedger } from './allocation/pool-ledger.ts';
export {
  COORDINATOR_DEFAULTS,
  KERNEL_ROUTE_TABLES,
  ROUTE_TABLE_MAX,
  ROUTE_TABLE_MIN,
  cidrOrIpAsCidr,
  coordinatorModeOf,
  isValidPodRPFilter,
  macPrefixProblem,
  policyRouteProblem,
  routeTableProblem,
  type CoordinatorModeName,
} from './coordinator/coordinator-fields.ts';
export * from './gc/index.ts';
export { desiredIpCount, MAX_AUTO_POOL_IPS, parseIpNumber, parseReclaim, workloadReplicas, type IpNumber, type SizeInput, type WorkloadShape } from './subnet/auto-pool-size.ts';
export { appOfPoolLabels, autoPoolAffinity, autoPoolLabels, autoPoolName, groupVersionLabel, isPoolOf, splitApiVersion, type AppRef, type AutoPoolTarget } from './subnet/auto-pool-identity.ts';
export { planAutoPoolResize, type ResizeInput, type ResizePlan } from './subnet/auto-pool-resize.ts';
export { decodeControlledPools, encodeControlledPools, type ControlledPoolRecord, type ControlledPools } from './subnet/controlled-pools.ts';
export { applicationKey, autoPoolWants, isBuiltInController, subnetChoices, type ApplicationTemplate, type AutoPoolWant, type SubnetChoice, type WantSettings } from './subnet/auto-pool-request.ts';
