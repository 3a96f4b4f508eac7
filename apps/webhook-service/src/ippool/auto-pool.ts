// SPDX-License-Identifier: Apache-2.0
/**
 * Pools created by the controller for an application out of a SpiderSubnet ("auto-pools"). The
 * subnet's `status.controlledIPPools` is their source of truth: the controller writes the
 * record first and then the pool, so a pool whose `ips` differ from its record was edited by
 * hand and would drift from what the subnet believes it lent.
 */
import { Annotations, Labels, type SpiderIPPool, type SpiderSubnet } from '@spiderpool/crds';
import { listSome, violation } from './violation.ts';
import type { Violation } from '../admission/admission-types.ts';
import { decodeControlledPools } from '@spiderpool/ipam-domain';
import { lenientRanges } from './ip-ranges.ts';
import type { CompiledAddresses } from './address-spec.ts';
import { isRecord } from '../admission/field-types.ts';

const APP_AFFINITY_KEYS: readonly string[] = [
  Labels.APP_API_GROUP,
  Labels.APP_API_VERSION,
  Labels.APP_KIND,
  Labels.APP_NAMESPACE,
  Labels.APP_NAME,
];

/** Auto-pools carry the pool-size annotation or the owning application's UID label. */
export function isAutoPool(pool: SpiderIPPool): boolean {
  const annotations: unknown = pool.metadata?.annotations;
  const labels: unknown = pool.metadata?.labels;
  return (isRecord(annotations) && Object.hasOwn(annotations, Annotations.IPPOOL_IP_NUMBER)) ||
    (isRecord(labels) && Object.hasOwn(labels, Labels.OWNER_APPLICATION_UID));
}

/** Static rules of auto-pools: the app podAffinity only, and never a cluster default pool. */
export function checkAutoPoolFields(pool: SpiderIPPool): Violation[] {
  if (!isAutoPool(pool)) return [];
  const out: Violation[] = [];
  // Wrongly typed fields are reported by checkPoolFields; here they count as absent.
  const spec: unknown = pool.spec;
  const affinity = isRecord(spec) && isRecord(spec['podAffinity']) ? spec['podAffinity'] : {};
  const matchLabels = isRecord(affinity['matchLabels']) ? affinity['matchLabels'] : {};
  const foreign = Object.keys(matchLabels).filter((k) => !APP_AFFINITY_KEYS.includes(k));
  if (foreign.length > 0) {
    const rule = `must use only the application keys ${APP_AFFINITY_KEYS.join(', ')} on an auto-created pool`;
    out.push(violation('spec.podAffinity.matchLabels', foreign, 'auto-pool-affinity-invalid', rule));
  }
  const expressions = affinity['matchExpressions'];
  if (Array.isArray(expressions) && expressions.length > 0) {
    const rule = 'must be empty on an auto-created pool (it selects its application by matchLabels)';
    out.push(violation('spec.podAffinity.matchExpressions', expressions, 'auto-pool-affinity-invalid', rule));
  }
  if (isRecord(spec) && spec['default'] === true) {
    const rule = 'must not be true on an auto-created pool: its addresses belong to one application';
    out.push(violation('spec.default', true, 'auto-pool-default', rule));
  }
  return out;
}

/** The auto-pool's `ips` must equal the record its subnet keeps for it. */
export function checkAutoPoolRecord(pool: SpiderIPPool, addresses: CompiledAddresses, subnet: SpiderSubnet | undefined): Violation[] {
  if (!isAutoPool(pool)) return [];
  const name = pool.metadata?.name ?? '';
  if (!subnet) {
    const rule = 'of an auto-created pool must be the CIDR of an existing SpiderSubnet';
    return [violation('spec.subnet', pool.spec?.subnet, 'auto-pool-without-subnet', rule)];
  }
  const subnetName = subnet.metadata?.name ?? '';
  const decoded = decodeControlledPools(subnet.status?.controlledIPPools);
  const record = decoded.ok ? decoded.records.get(name) : undefined;
  const recorded = record ? lenientRanges(record.ips, addresses.version) : undefined;
  if (recorded?.equals(addresses.ips)) return [];
  const why = !decoded.ok
    ? `SpiderSubnet ${subnetName} status.controlledIPPools ${decoded.reason}`
    : record
      ? `SpiderSubnet ${subnetName} records ${listSome(recorded?.toRanges() ?? [])} for it`
      : `SpiderSubnet ${subnetName} has no record for it in status.controlledIPPools`;
  const rule = `of an auto-created pool are managed by its subnet and must not be edited by hand: ${why}`;
  return [violation('spec.ips', pool.spec?.ips, 'auto-pool-ips-mismatch', rule)];
}
