// SPDX-License-Identifier: Apache-2.0
// Gathers, for one pool record or one pod, the facts the pure GC decisions take: the pod and
// the SpiderEndpoint under the record's namespace/name, the node's state, and whether a
// fixed-IP owner still keeps the address. A failed look-up yields "unknown", which keeps.
import type { V1Pod } from '@kubernetes/client-node';
import type { SpiderEndpoint } from '@spiderpool/crds';
import {
  isKubevirtVmValid,
  isValidStatefulSetReplica,
  type AllocationRecord,
  type FixedOwnerFacts,
  type GcEndpointFacts,
  type GcPodFacts,
  type OwnerValidity,
  type RecordFacts,
} from '@spiderpool/ipam-domain';
import type { KubeObject } from '@spiderpool/k8s';
import { endpointFixedOwner, nodeStateOf, podFactsOf, podFixedOwner } from './pod-facts.ts';
import type { ClusterReader } from './ports.ts';

export interface FactGathererDeps {
  cluster: ClusterReader;
  /** SPIDERPOOL_ENABLE_STATEFULSET / SPIDERPOOL_ENABLE_KUBEVIRT_STATIC_IP: otherwise those pods are stateless. */
  features: { statefulSet: boolean; kubevirt: boolean };
}

export interface RecordInput {
  pool: string;
  ip: string;
  record: AllocationRecord;
  now: number;
  /** Live reads instead of cached ones (the re-check before a release). */
  fresh: boolean;
  orphanSinceMs?: number;
}

/** Owner validity per pass, so a scan asks once per StatefulSet replica or VM. */
export type ValidityMemo = Map<string, Promise<OwnerValidity>>;

type StatefulSetObject = KubeObject & { spec?: { replicas?: number; ordinals?: { start?: number } } };

/** `ns/name` → [ns, name]; undefined when the record's pod key is malformed. */
export function splitPodKey(key: string): [string, string] | undefined {
  const slash = key.indexOf('/');
  if (slash <= 0 || slash === key.length - 1) return undefined;
  return [key.slice(0, slash), key.slice(slash + 1)];
}

export class FactGatherer {
  readonly #d: FactGathererDeps;

  constructor(deps: FactGathererDeps) {
    this.#d = deps;
  }

  async recordFacts(input: RecordInput, memo: ValidityMemo = new Map()): Promise<RecordFacts> {
    const facts: RecordFacts = { pool: input.pool, ip: input.ip, record: input.record, now: input.now };
    if (input.orphanSinceMs !== undefined) facts.orphanSinceMs = input.orphanSinceMs;
    const key = splitPodKey(input.record.pod);
    if (!key) return facts;
    const [namespace, name] = key;
    const [pod, endpoint] = await Promise.all([
      this.#d.cluster.pod(namespace, name, input.fresh),
      this.#d.cluster.endpoint(namespace, name, input.fresh),
    ]);
    if (pod) facts.pod = await this.podFacts(pod, memo);
    if (endpoint) facts.endpoint = await this.endpointFacts(endpoint, memo);
    const recordOwner = this.#recordOwner(input.record, name);
    if (recordOwner) facts.recordOwner = { ...recordOwner, validity: await this.#validity({ ...recordOwner, namespace, podName: name }, memo) };
    return facts;
  }

  async podFacts(pod: V1Pod, memo: ValidityMemo = new Map()): Promise<GcPodFacts> {
    const facts = podFactsOf(pod, nodeStateOf(this.#d.cluster.node(pod.spec?.nodeName ?? '')));
    const owner = this.#enabled(podFixedOwner(pod));
    if (owner) {
      const podName = pod.metadata?.name ?? '';
      facts.fixedOwner = { ...owner, validity: await this.#validity({ ...owner, namespace: pod.metadata?.namespace ?? '', podName }, memo) };
    }
    return facts;
  }

  async endpointFacts(endpoint: SpiderEndpoint, memo: ValidityMemo = new Map()): Promise<GcEndpointFacts> {
    const facts: GcEndpointFacts = { uid: endpoint.status?.current.uid ?? '' };
    const owner = this.#enabled(endpointFixedOwner(endpoint));
    if (owner) {
      const where = { namespace: endpoint.metadata?.namespace ?? '', podName: endpoint.metadata?.name ?? '' };
      facts.fixedOwner = { ...owner, validity: await this.#validity({ ...owner, ...where }, memo) };
    }
    return facts;
  }

  /**
   * The owner a record names by `ownerKind` alone. A KubeVirt record is keyed by the VM; a
   * StatefulSet record by the replica, whose set is the name without its ordinal.
   */
  #recordOwner(record: AllocationRecord, name: string): Omit<FixedOwnerFacts, 'validity'> | undefined {
    if (record.ownerKind === 'StatefulSet') return this.#enabled({ kind: 'StatefulSet', name: name.replace(/-\d+$/, '') });
    if (record.ownerKind === 'VirtualMachineInstance') return this.#enabled({ kind: 'KubeVirt', name });
    return undefined;
  }

  #enabled<T extends { kind: FixedOwnerFacts['kind'] }>(owner: T | undefined): T | undefined {
    if (owner?.kind === 'StatefulSet' && !this.#d.features.statefulSet) return undefined;
    if (owner?.kind === 'KubeVirt' && !this.#d.features.kubevirt) return undefined;
    return owner;
  }

  #validity(o: { kind: FixedOwnerFacts['kind']; name: string; namespace: string; podName: string }, memo: ValidityMemo): Promise<OwnerValidity> {
    const key = `${o.kind}/${o.namespace}/${o.name}/${o.kind === 'StatefulSet' ? o.podName : ''}`;
    let pending = memo.get(key);
    if (!pending) {
      pending = (o.kind === 'StatefulSet' ? this.#statefulSet(o) : this.#kubevirt(o)).catch(() => 'unknown' as const);
      memo.set(key, pending);
    }
    return pending;
  }

  async #statefulSet(o: { name: string; namespace: string; podName: string }): Promise<OwnerValidity> {
    const sts = await this.#d.cluster.workload('StatefulSet', o.namespace, o.name) as StatefulSetObject | undefined;
    if (!sts || sts.metadata?.deletionTimestamp) return 'invalid';
    const valid = isValidStatefulSetReplica({ podName: o.podName, stsName: o.name, replicas: sts.spec?.replicas, ordinalsStart: sts.spec?.ordinals?.start });
    return valid ? 'valid' : 'invalid';
  }

  async #kubevirt(o: { name: string; namespace: string }): Promise<OwnerValidity> {
    const [vmi, vm] = await Promise.all([
      this.#d.cluster.workload('VirtualMachineInstance', o.namespace, o.name),
      this.#d.cluster.workload('VirtualMachine', o.namespace, o.name),
    ]);
    const valid = isKubevirtVmValid({
      vmiExists: Boolean(vmi),
      vmiTerminating: Boolean(vmi?.metadata?.deletionTimestamp),
      vmExists: Boolean(vm),
      vmTerminating: Boolean(vm?.metadata?.deletionTimestamp),
    });
    return valid ? 'valid' : 'invalid';
  }
}
