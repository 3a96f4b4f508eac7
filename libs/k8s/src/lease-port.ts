// SPDX-License-Identifier: Apache-2.0
import type { V1ObjectMeta } from '@kubernetes/client-node';
import { SpiderpoolError } from '@spiderpool/errors';
import type { KubeClient, KubeObject } from './kube-client.ts';
import { Resources } from './resources.ts';

/** The part of a coordination.k8s.io/v1 Lease that leader election reads and writes. */
export interface LeaseRecord {
  /** Empty when nobody holds the lease (after a release). */
  holderIdentity: string;
  leaseDurationSeconds: number;
  /** Milliseconds since the epoch; informational, never used to decide expiry. */
  acquireTime: number | undefined;
  renewTime: number | undefined;
  leaseTransitions: number;
}

export interface LeaseSnapshot {
  record: LeaseRecord;
  /** Opaque version for compare-and-swap; any write changes it. */
  resourceVersion: string;
}

/**
 * One Lease object, as leader election needs it. Implementations report a lost create race as
 * ALREADY_EXISTS and a lost update race as CONFLICT (SpiderpoolError codes).
 */
export interface LeasePort {
  get(): Promise<LeaseSnapshot | undefined>;
  create(record: LeaseRecord): Promise<LeaseSnapshot>;
  update(record: LeaseRecord, resourceVersion: string): Promise<LeaseSnapshot>;
}

interface LeaseObject extends KubeObject {
  metadata?: V1ObjectMeta;
  spec?: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
}

/** The Lease `name` in `namespace` through the project's KubeClient. */
export function kubeLeasePort(client: KubeClient, namespace: string, name: string): LeasePort {
  // The last object read or written: an update starts from it so that labels, annotations and
  // fields this code does not know survive the PUT.
  let last: LeaseObject | undefined;
  const remember = (object: LeaseObject): LeaseSnapshot => {
    last = object;
    return snapshotOf(object);
  };
  return {
    async get() {
      const object = await client.find<LeaseObject>(Resources.leases, name, namespace);
      return object ? remember(object) : undefined;
    },
    async create(record) {
      const body: LeaseObject = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace }, spec: specOf(record) };
      return remember(await client.create(Resources.leases, body));
    },
    async update(record, resourceVersion) {
      const base = last?.metadata?.resourceVersion === resourceVersion ? last : undefined;
      const body: LeaseObject = {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { ...base?.metadata, name, namespace, resourceVersion },
        spec: { ...base?.spec, ...specOf(record) },
      };
      return remember(await client.update(Resources.leases, body));
    },
  };
}

function specOf(record: LeaseRecord): NonNullable<LeaseObject['spec']> {
  return {
    holderIdentity: record.holderIdentity,
    leaseDurationSeconds: record.leaseDurationSeconds,
    acquireTime: record.acquireTime === undefined ? undefined : microTime(record.acquireTime),
    renewTime: record.renewTime === undefined ? undefined : microTime(record.renewTime),
    leaseTransitions: record.leaseTransitions,
  };
}

function snapshotOf(object: LeaseObject): LeaseSnapshot {
  const spec = object.spec ?? {};
  const resourceVersion = object.metadata?.resourceVersion;
  if (!resourceVersion) throw new SpiderpoolError('INTERNAL', `lease ${object.metadata?.name} has no resourceVersion`);
  return {
    resourceVersion,
    record: {
      holderIdentity: spec.holderIdentity ?? '',
      leaseDurationSeconds: spec.leaseDurationSeconds ?? 0,
      acquireTime: parseTime(spec.acquireTime),
      renewTime: parseTime(spec.renewTime),
      leaseTransitions: spec.leaseTransitions ?? 0,
    },
  };
}

/** metav1.MicroTime: RFC 3339 with exactly six fractional digits, which the API server requires. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

function parseTime(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
