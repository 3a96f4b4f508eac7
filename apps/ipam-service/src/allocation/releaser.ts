// SPDX-License-Identifier: Apache-2.0
import type { V1Pod } from '@kubernetes/client-node';
import { SpiderpoolError } from '@spiderpool/errors';
import { isPodAlive, isKubevirtVmValid, isValidStatefulSetReplica, type IpamSettings } from '@spiderpool/ipam-domain';
import { Resources, type KubeObject } from '@spiderpool/k8s';
import type { Logger } from '@spiderpool/observability';
import type { ClusterView } from '../k8s/cluster-view.ts';
import { podLifecycle } from '../k8s/facts.ts';
import type { EndpointObject } from './endpoint-store.ts';
import type { FixedIpKeeper } from './fixed-ip-keeper.ts';
import type { PoolCommitter } from './pool-committer.ts';

export interface ReleaseInput {
  namespace: string;
  podName: string;
  podUid: string;
  nic: string;
  /** Every NIC of the pod; otherwise only `nic` (the endpoint stays for the other NICs). */
  allInterfaces: boolean;
  reason: 'cni-del' | 'add-rollback' | 'gc' | 'cni-gc';
  /** GC: exactly these records, each only if the pool still records it for `podUid`. */
  expected: Array<{ pool: string; ip: string }>;
  /** GC: then delete the endpoint once no pool records any of its addresses for `podUid`. */
  removeEndpoint?: boolean;
}

export interface ReleaseOutput {
  released: Array<{ pool: string; ip: string }>;
  kept: boolean;
  keptReason: string;
  endpointRemoved?: boolean;
}

export interface ReleaserDeps {
  view: ClusterView;
  committer: PoolCommitter;
  keeper: FixedIpKeeper;
  settings: IpamSettings;
  logger: Logger;
}

const kept = (reason: string): ReleaseOutput => ({ released: [], kept: true, keptReason: reason });

/**
 * CNI DEL semantics (§4.6): idempotent, never fails because something is already gone, keeps
 * the addresses of a pod that is still alive (sandbox re-creation) and of a fixed-IP replica
 * that is still valid, and removes only records whose owner UID matches the request.
 */
export class Releaser {
  readonly #d: ReleaserDeps;

  constructor(deps: ReleaserDeps) {
    this.#d = deps;
  }

  async release(input: ReleaseInput): Promise<ReleaseOutput> {
    if (input.reason === 'cni-gc') return this.#releaseUnlisted(input);
    if (input.reason === 'gc' && (input.expected.length > 0 || input.removeEndpoint)) return this.#releaseForGc(input);
    const successor = this.#successorHolds(input);
    if (successor) return successor;
    const pod = this.#successorPod(input) ?? (await this.#d.view.livePod(input.namespace, input.podName));
    const podUid = input.podUid || pod?.metadata?.uid || '';
    if (!podUid) return kept('no pod UID to release for; the GC reconciles');
    if (input.reason === 'cni-del' && pod?.metadata?.uid === podUid && isPodAlive(podLifecycle(pod))) {
      return kept('pod is still alive: its addresses stay for the re-created sandbox');
    }
    const endpoint = await this.#endpointOf(input, pod);
    const keep = await this.#mustKeep(endpoint, podUid, input);
    if (keep || !endpoint) return keep ?? { released: [], kept: false, keptReason: '' };
    const released = await this.#releaseFrom(endpoint, input, pod);
    this.#d.logger.info({ pod: `${input.namespace}/${input.podName}`, podUid, released, reason: input.reason }, 'released');
    return { released, kept: false, keptReason: '' };
  }

  /**
   * A pod-named endpoint that already belongs to another UID (a same-name successor took it
   * over) leaves this UID nothing to release here: answer without asking the API server.
   */
  #successorHolds(input: ReleaseInput): ReleaseOutput | undefined {
    const named = input.podUid ? this.#d.view.endpoint(input.namespace, input.podName) : undefined;
    const namedUid = named?.status?.current.uid;
    return namedUid && namedUid !== input.podUid ? kept(`endpoint belongs to pod UID ${namedUid}`) : undefined;
  }

  /**
   * Decisions that free addresses look at the live API — except when the cache already shows
   * another pod (another UID) under this name: a name is held by one pod at a time, so the
   * pod being deleted is gone for certain. A cache that still shows the same UID proves nothing
   * (the deletion may not have arrived yet) and falls through to the live GET.
   */
  #successorPod(input: ReleaseInput): V1Pod | undefined {
    const cached = input.podUid ? this.#d.view.pods.get(input.podName, input.namespace) : undefined;
    return cached?.metadata?.uid && cached.metadata.uid !== input.podUid ? cached : undefined;
  }

  /** Why this endpoint's addresses stay (another owner, a still-valid fixed IP), if they do. */
  async #mustKeep(endpoint: EndpointObject | undefined, podUid: string, input: ReleaseInput): Promise<ReleaseOutput | undefined> {
    if (!endpoint?.status) return undefined;
    if (endpoint.status.current.uid !== podUid) return kept(`endpoint belongs to pod UID ${endpoint.status.current.uid}`);
    if (input.reason === 'add-rollback') return undefined;
    const reason = await this.#stillValidFixedIp(endpoint);
    return reason ? kept(reason) : undefined;
  }

  /**
   * The whole endpoint, or only the named NIC while the pod has others (DEL of one attachment).
   * When a same-name successor pod already exists, only the addresses are freed: the endpoint
   * object is left to the successor's ADD, which takes it over with one update.
   */
  #releaseFrom(endpoint: EndpointObject, input: ReleaseInput, pod: V1Pod | undefined): Promise<Array<{ pool: string; ip: string }>> {
    const successorUid = pod?.metadata?.uid;
    if (successorUid && successorUid !== endpoint.status?.current.uid && endpoint.metadata?.name === input.podName) {
      return this.#d.keeper.releaseRecords(endpoint);
    }
    const otherNics = (endpoint.status?.current.ips ?? []).some((n) => n.interface !== input.nic);
    return input.allInterfaces || !otherNics ? this.#d.keeper.releaseEndpoint(endpoint) : this.#d.keeper.releaseNic(endpoint, input.nic);
  }

  async #endpointOf(input: ReleaseInput, pod: V1Pod | undefined): Promise<EndpointObject | undefined> {
    const vmi = pod?.metadata?.ownerReferences?.find((o) => o.kind === 'VirtualMachineInstance');
    const name = vmi && this.#d.settings.enableKubevirtStaticIP ? vmi.name : input.podName;
    // The cache is safe here: releases are guarded by the record's pod UID and the endpoint's
    // removal re-checks its UID on the server; a miss falls back to the live API.
    const endpoint = this.#d.view.endpoint(input.namespace, name) ?? (await this.#d.view.liveEndpoint(input.namespace, name));
    if (endpoint || pod || !input.podUid) return endpoint;
    // The pod is gone, and with it the owner reference that named a KubeVirt VM's endpoint.
    return this.#d.view.liveEndpointOfPodUid(input.namespace, input.podUid);
  }

  /** Why a fixed IP must stay, or undefined when it may go. */
  async #stillValidFixedIp(endpoint: EndpointObject): Promise<string | undefined> {
    const kind = endpoint.status?.ownerControllerType;
    const owner = endpoint.status?.ownerControllerName ?? '';
    const namespace = endpoint.metadata?.namespace ?? '';
    if (kind === 'StatefulSet' && this.#d.settings.enableStatefulSet) {
      return (await this.#statefulSetKeeps(owner, namespace, endpoint.metadata?.name ?? '')) ? `StatefulSet ${owner} still has replica ${endpoint.metadata?.name}` : undefined;
    }
    if (kind === 'VirtualMachineInstance' && this.#d.settings.enableKubevirtStaticIP) {
      return (await this.#vmKeeps(owner, namespace)) ? `KubeVirt VM ${owner} is still valid` : undefined;
    }
    return undefined;
  }

  async #statefulSetKeeps(name: string, namespace: string, podName: string): Promise<boolean> {
    const sts = await this.#d.view.client.find<KubeObject & { spec?: { replicas?: number; ordinals?: { start?: number } } }>(Resources.statefulSets, name, namespace);
    if (!sts || sts.metadata?.deletionTimestamp) return false;
    return isValidStatefulSetReplica({ podName, stsName: name, replicas: sts.spec?.replicas, ordinalsStart: sts.spec?.ordinals?.start });
  }

  async #vmKeeps(name: string, namespace: string): Promise<boolean> {
    const [vmi, vm] = await Promise.all([
      this.#d.view.client.find<KubeObject>(Resources.virtualMachineInstances, name, namespace),
      this.#d.view.client.find<KubeObject>(Resources.virtualMachines, name, namespace),
    ]);
    return isKubevirtVmValid({
      vmiExists: Boolean(vmi),
      vmiTerminating: Boolean(vmi?.metadata?.deletionTimestamp),
      vmExists: Boolean(vm),
      vmTerminating: Boolean(vm?.metadata?.deletionTimestamp),
    });
  }

  /**
   * CNI GC: the runtime no longer lists these attachments. Fixed IPs of still-valid replicas
   * stay; everything else of that pod UID goes, and its endpoint with it.
   */
  async #releaseUnlisted(input: ReleaseInput): Promise<ReleaseOutput> {
    const endpoint = await this.#endpointOf(input, await this.#d.view.livePod(input.namespace, input.podName));
    if (endpoint?.status?.current.uid === input.podUid) {
      const reason = await this.#stillValidFixedIp(endpoint);
      if (reason) return kept(reason);
    }
    const out = await this.#releaseExpected(input);
    if (endpoint) await this.#d.keeper.removeEndpointIfUnbacked(endpoint, input.podUid);
    return out;
  }

  /**
   * gc-service's release: the records it decided on, then (when asked) the endpoint, once it
   * backs nothing — so ipam-service writes both halves of an allocation, pool and endpoint.
   */
  async #releaseForGc(input: ReleaseInput): Promise<ReleaseOutput> {
    const out = await this.#releaseExpected(input);
    if (!input.removeEndpoint) return out;
    const endpoint = await this.#d.view.liveEndpoint(input.namespace, input.podName);
    const endpointRemoved = endpoint ? await this.#d.keeper.removeEndpointIfUnbacked(endpoint, input.podUid) : false;
    if (endpointRemoved) this.#d.logger.info({ endpoint: `${input.namespace}/${input.podName}`, podUid: input.podUid }, 'endpoint removed for GC');
    return { ...out, endpointRemoved };
  }

  /** GC path: free exactly the records the caller decided on, each guarded by the pod UID. */
  async #releaseExpected(input: ReleaseInput): Promise<ReleaseOutput> {
    if (!input.podUid) throw new SpiderpoolError('INVALID_INPUT', 'a GC release must name the pod UID it expects', { field: 'pod.uid' });
    const byPool = new Map<string, string[]>();
    for (const r of input.expected) byPool.set(r.pool, [...(byPool.get(r.pool) ?? []), r.ip]);
    const released = await Promise.all(
      [...byPool].map(async ([pool, ips]) => {
        const result = await this.#d.committer.submit(pool, { kind: 'release', podUid: input.podUid, ips });
        return ('released' in result ? result.released : []).map((ip) => ({ pool, ip }));
      }),
    );
    return { released: released.flat(), kept: false, keptReason: '' };
  }
}
