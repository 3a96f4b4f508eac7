// SPDX-License-Identifier: Apache-2.0
// Builders and bounded waits for SpiderSubnet auto-pool scenarios: simulated nodes, subnets,
// workloads of every application kind the subnet controller serves (built-in and a third-party
// CRD), the pools the controller creates for them and the subnet's own bookkeeping.
//
// Every wait is bounded and its timeout names what was awaited and what was seen last, so that a
// failing scenario says which step of the controller did not happen.
import { randomInt } from 'node:crypto';
import { API_VERSION, Annotations, Labels, type SpiderIPPool, type SpiderSubnet } from '@spiderpool/crds';
import { IpSet, type IpVersion } from '@spiderpool/ipam-domain';
import { apiStatusCode, Resources, type KubeObject, type ResourceRef } from '@spiderpool/k8s';
import { addRequest, createNode, delRequest, kube, type IpamClient, type PodObject } from '../ipam/ipam-harness.ts';
import { eventually, uniqueName } from '../testbed/index.ts';

export { eventually };

export const WAIT_MS = 60_000;


// ---------------------------------------------------------------------------------------------
// Cluster-scoped objects this file creates; namespaced ones go with their namespace.

const cleanups: Array<() => Promise<unknown>> = [];

/** Deletes what the harness created outside namespaces, newest first; never throws. */
export async function cleanupHarness(): Promise<void> {
  while (cleanups.length > 0) await cleanups.pop()?.().catch(() => undefined);
}

const NODE_LABEL = 'e2e.spidernet.io/subnet-node';

/**
 * A node run by kwok (fake kubelet): its pods become Running, so built-in controllers treat them
 * as ordinary replicas, and DaemonSets count it once it is Ready and untainted.
 */
export async function createKwokNode(): Promise<string> {
  const k = await kube();
  const name = uniqueName('kwok-subnet');
  await k.create(Resources.nodes, {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, annotations: { 'kwok.x-k8s.io/node': 'fake' }, labels: { type: 'kwok', [NODE_LABEL]: name } },
  });
  cleanups.push(() => k.delete(Resources.nodes, name));
  type NodeStatus = KubeObject & { spec?: { taints?: Array<{ key: string }> }; status?: { conditions?: Array<{ type: string; status: string }> } };
  await eventually(`kwok node ${name} Ready without taints`, async () => {
    const n = await k.get<NodeStatus>(Resources.nodes, name);
    const ready = n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
    return ready && (n.spec?.taints ?? []).length === 0 ? true : undefined;
  });
  return name;
}

/**
 * A node nobody runs: its pods stay Pending forever. Job pods go here, because kwok completes
 * every running pod a Job owns at once, and Allocate refuses pods that have finished.
 */
export async function createIdleNode(): Promise<string> {
  const name = await createNode();
  cleanups.push(async () => (await kube()).delete(Resources.nodes, name));
  return name;
}

// ---------------------------------------------------------------------------------------------
// Addresses (documentation ranges only).

const hextet = (): string => randomInt(0x1000, 0x10000).toString(16);

export interface SubnetHandle {
  name: string;
  version: IpVersion;
  cidr: string;
  /** The subnet's usable addresses (`spec.ips`), lowest first. */
  usable: IpSet;
}

/** A random /120 inside 2001:db8::/32 whose usable range is `::10`–`::ff`. */
export function randomV6Cidr(): { cidr: string; ips: string[] } {
  const prefix = `2001:db8:${hextet()}:${hextet()}::`;
  return { cidr: `${prefix}/120`, ips: [`${prefix}10-${prefix}ff`] };
}

/** A random /28 of 198.51.100.0/24 (above .96, which other suites use sparsely); usable .x+2–.x+14. */
export function randomV4Cidr(): { cidr: string; ips: string[] } {
  const base = 96 + 16 * randomInt(0, 10);
  return { cidr: `198.51.100.${base}/28`, ips: [`198.51.100.${base + 2}-198.51.100.${base + 14}`] };
}

export const ipSet = (version: IpVersion, ranges: readonly string[]): IpSet => IpSet.fromRanges(version, ranges, 'ips');

/** The bare address of `a/len` (Allocate answers addresses with the subnet's prefix length). */
export const bare = (address: string): string => address.split('/')[0] ?? address;

export const hasIp = (set: IpSet, address: string): boolean => !set.intersection(ipSet(set.version, [bare(address)])).isEmpty();

/** The `count` lowest addresses of `usable` outside `except`. */
export function lowest(usable: IpSet, count: number, except: IpSet = IpSet.empty(usable.version)): IpSet {
  const out: Array<[bigint, bigint]> = [];
  for (const value of usable.difference(except).values()) {
    if (out.length === count) break;
    out.push([value, value]);
  }
  return IpSet.fromIntervals(usable.version, out);
}

export async function createSubnet(version: IpVersion, shape = version === 4 ? randomV4Cidr() : randomV6Cidr(), name = uniqueName(`subnet${version}`)): Promise<SubnetHandle> {
  const k = await kube();
  await k.create(Resources.subnets, { apiVersion: API_VERSION, kind: 'SpiderSubnet', metadata: { name }, spec: { ipVersion: version, subnet: shape.cidr, ips: shape.ips } } as KubeObject);
  cleanups.push(() => forceDelete(Resources.subnets, name));
  return { name, version, cidr: shape.cidr, usable: ipSet(version, shape.ips) };
}

export async function createReservedIPs(version: IpVersion, ips: string[]): Promise<string> {
  const k = await kube();
  const name = uniqueName('rsv-subnet');
  await k.create(Resources.reservedIPs, { apiVersion: API_VERSION, kind: 'SpiderReservedIP', metadata: { name }, spec: { ipVersion: version, ips } } as KubeObject);
  cleanups.push(() => k.delete(Resources.reservedIPs, name));
  return name;
}

/** A pool created by hand with the subnet's CIDR (not by the controller). */
export async function createManualPool(subnet: SubnetHandle, ips: string[]): Promise<string> {
  const k = await kube();
  const name = uniqueName('manual-pool');
  await k.create(Resources.ipPools, { apiVersion: API_VERSION, kind: 'SpiderIPPool', metadata: { name }, spec: { ipVersion: subnet.version, subnet: subnet.cidr, ips } } as KubeObject);
  cleanups.push(() => forceDelete(Resources.ipPools, name));
  return name;
}

/** Deletes an object and drops its finalizers, so that nothing outlives the test bed's run. */
async function forceDelete(ref: ResourceRef, name: string, namespace?: string): Promise<void> {
  const k = await kube();
  await k.delete(ref, name, namespace).catch(() => undefined);
  await k.mergePatch(ref, name, { metadata: { finalizers: null } }, namespace).catch(() => undefined);
}

/** Deletes the pools the controller made out of `subnet` (left by reclaim=false or a failed step). */
export async function deletePoolsOf(subnet: string): Promise<void> {
  const k = await kube();
  const pools = await k.list<Pool>(Resources.ipPools, { labelSelector: `${Labels.OWNER_SPIDER_SUBNET}=${subnet}` }).catch(() => ({ items: [] as Pool[] }));
  await Promise.all(pools.items.map((p) => forceDelete(Resources.ipPools, p.metadata.name)));
}

// ---------------------------------------------------------------------------------------------
// Pod annotations.

export interface SubnetChoice {
  interface?: string;
  ipv4?: string[];
  ipv6?: string[];
}

export interface PoolAnnotations {
  /** One NIC (`ipam.spidernet.io/subnet`). */
  subnet?: SubnetChoice;
  /** Several NICs (`ipam.spidernet.io/subnets`). */
  subnets?: SubnetChoice[];
  /** `N` or `+N`. */
  ipNumber?: string;
  reclaim?: boolean;
}

export function subnetAnnotations(o: PoolAnnotations): Record<string, string> {
  return {
    ...(o.subnet ? { [Annotations.SUBNET]: JSON.stringify(o.subnet) } : {}),
    ...(o.subnets ? { [Annotations.SUBNETS]: JSON.stringify(o.subnets) } : {}),
    ...(o.ipNumber === undefined ? {} : { [Annotations.IPPOOL_IP_NUMBER]: o.ipNumber }),
    ...(o.reclaim === undefined ? {} : { [Annotations.IPPOOL_RECLAIM]: String(o.reclaim) }),
  };
}

// ---------------------------------------------------------------------------------------------
// Applications.

export type AppKind = 'Deployment' | 'ReplicaSet' | 'StatefulSet' | 'DaemonSet' | 'Job' | 'CronJob' | 'Widget';
export type BuiltInKind = Exclude<AppKind, 'Widget'>;

export const WIDGET_GROUP = 'e2e.spidernet.io';
const WIDGETS: ResourceRef = { base: `/apis/${WIDGET_GROUP}/v1`, plural: 'widgets', namespaced: true };

export const KIND_REFS: Record<AppKind, ResourceRef> = {
  Deployment: { base: '/apis/apps/v1', plural: 'deployments', namespaced: true },
  ReplicaSet: Resources.replicaSets,
  StatefulSet: Resources.statefulSets,
  DaemonSet: { base: '/apis/apps/v1', plural: 'daemonsets', namespaced: true },
  Job: Resources.jobs,
  CronJob: { base: '/apis/batch/v1', plural: 'cronjobs', namespaced: true },
  Widget: WIDGETS,
};

/** The `owner-application-gv` label value of each kind. */
export const GV_LABEL: Record<AppKind, string> = {
  Deployment: 'apps_v1',
  ReplicaSet: 'apps_v1',
  StatefulSet: 'apps_v1',
  DaemonSet: 'apps_v1',
  Job: 'batch_v1',
  CronJob: 'batch_v1',
  Widget: `${WIDGET_GROUP}_v1`,
};

export interface App {
  kind: AppKind;
  namespace: string;
  name: string;
  uid: string;
  /** Selects the application's pods. */
  selector: string;
}

export interface AppOptions {
  kind: BuiltInKind;
  namespace: string;
  node: string;
  annotations: Record<string, string>;
  name?: string;
  /** Deployment, ReplicaSet, StatefulSet. */
  replicas?: number;
  /** Job, CronJob. */
  parallelism?: number;
  completions?: number;
}

/** One pod label per kind, so that same-name applications of different kinds never share pods. */
const appLabel = (kind: AppKind): string => `e2e.spidernet.io/${kind.toLowerCase()}`;

type Created = KubeObject & { metadata: { name: string; namespace: string; uid: string } };

function podTemplate(o: AppOptions, name: string, restartPolicy?: 'Never'): Record<string, unknown> {
  return {
    metadata: { labels: { [appLabel(o.kind)]: name }, annotations: o.annotations },
    spec: {
      nodeName: o.node,
      terminationGracePeriodSeconds: 0,
      ...(restartPolicy ? { restartPolicy } : {}),
      ...(o.kind === 'DaemonSet' ? { nodeSelector: { [NODE_LABEL]: o.node } } : {}),
      containers: [{ name: 'c', image: 'example.invalid/none' }],
    },
  };
}

function jobSpec(o: AppOptions, name: string): Record<string, unknown> {
  // Pods stay Pending on an idle node; the deadline only bounds a forgotten Job.
  return {
    parallelism: o.parallelism ?? 1,
    completions: o.completions ?? 1,
    activeDeadlineSeconds: 1800,
    backoffLimit: 0,
    template: podTemplate(o, name, 'Never'),
  };
}

function appSpec(o: AppOptions, name: string): Record<string, unknown> {
  const selector = { matchLabels: { [appLabel(o.kind)]: name } };
  switch (o.kind) {
    case 'Deployment':
    case 'ReplicaSet':
      return { replicas: o.replicas ?? 1, selector, template: podTemplate(o, name) };
    case 'StatefulSet':
      // Parallel: pods without a real kubelet must not wait for each other to become Ready.
      return { replicas: o.replicas ?? 1, serviceName: name, podManagementPolicy: 'Parallel', selector, template: podTemplate(o, name) };
    case 'DaemonSet':
      return { selector, template: podTemplate(o, name) };
    case 'Job':
      return jobSpec(o, name);
    case 'CronJob':
      // Suspended: the schedule would start a Job only at the next minute; see createApp.
      return { schedule: '*/1 * * * *', suspend: true, jobTemplate: { spec: jobSpec(o, name) } };
  }
}

const API_VERSIONS: Record<BuiltInKind, string> = {
  Deployment: 'apps/v1',
  ReplicaSet: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  Job: 'batch/v1',
  CronJob: 'batch/v1',
};

/**
 * Creates a built-in application whose pods are bound to `o.node`. A CronJob stays suspended and
 * gets its Job at once from the harness (a Job it controls, as the CronJob controller would
 * create it), because an every-minute schedule makes a scenario wait up to a minute and more; its pods
 * still resolve to the CronJob through the Job's controller reference.
 */
export async function createApp(o: AppOptions): Promise<App> {
  const k = await kube();
  const name = o.name ?? uniqueName(o.kind.toLowerCase());
  const created = await k.create<Created>(KIND_REFS[o.kind], {
    apiVersion: API_VERSIONS[o.kind],
    kind: o.kind,
    metadata: { name, namespace: o.namespace },
    spec: appSpec(o, name),
  } as unknown as Created);
  if (o.kind === 'CronJob') {
    const owner = { apiVersion: 'batch/v1', kind: 'CronJob', name, uid: created.metadata.uid, controller: true, blockOwnerDeletion: true };
    await k.create(Resources.jobs, {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: `${name}-manual`, namespace: o.namespace, ownerReferences: [owner] },
      spec: jobSpec(o, name),
    } as KubeObject);
  }
  return { kind: o.kind, namespace: o.namespace, name, uid: created.metadata.uid, selector: `${appLabel(o.kind)}=${name}` };
}

export async function scale(app: App, replicas: number): Promise<void> {
  await (await kube()).mergePatch(KIND_REFS[app.kind], app.name, { spec: { replicas } }, app.namespace);
}

/** Deletes the application; Background propagation lets kube-controller-manager delete its pods. */
export async function deleteApp(app: App): Promise<void> {
  const k = await kube();
  await k.request('DELETE', `${k.path(KIND_REFS[app.kind], app.namespace, app.name)}?propagationPolicy=Background`);
}

export async function waitAppGone(app: App): Promise<void> {
  const k = await kube();
  await eventually(`${app.kind} ${app.namespace}/${app.name} deleted`, async () => ((await k.find(KIND_REFS[app.kind], app.name, app.namespace)) ? undefined : true));
}

type PodState = PodObject & { metadata: { deletionTimestamp?: string }; status?: { phase?: string } };

/** Waits until exactly `count` live (not terminating) pods match; answers them sorted by name. */
export async function podsOf(namespace: string, selector: string, count: number, timeoutMs = WAIT_MS): Promise<PodObject[]> {
  const k = await kube();
  return eventually(`${count} pod(s) ${selector} in ${namespace}`, async () => {
    const pods = (await k.list<PodState>(Resources.pods, { namespace, labelSelector: selector })).items.filter((p) => !p.metadata.deletionTimestamp);
    if (pods.length !== count) throw new Error(`${pods.length} live pod(s): ${pods.map((p) => p.metadata.name).join(', ')}`);
    return pods.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name)) as PodObject[];
  }, timeoutMs);
}

/** Waits until no pod, terminating or not, matches. */
export async function noPodsOf(namespace: string, selector: string): Promise<void> {
  const k = await kube();
  await eventually(`no pod ${selector} in ${namespace}`, async () => {
    const pods = (await k.list<PodState>(Resources.pods, { namespace, labelSelector: selector })).items;
    if (pods.length > 0) throw new Error(`still ${pods.map((p) => p.metadata.name).join(', ')}`);
    return true;
  });
}

// ---------------------------------------------------------------------------------------------
// Third-party controller: a namespaced `Widget` CRD; the tests play its controller.

const CRDS: ResourceRef = { base: '/apis/apiextensions.k8s.io/v1', plural: 'customresourcedefinitions', namespaced: false };
const WIDGET_CRD = `widgets.${WIDGET_GROUP}`;

export async function installWidgetCrd(): Promise<void> {
  const k = await kube();
  type Crd = KubeObject & { status?: { conditions?: Array<{ type: string; status: string }> } };
  if (!(await k.find(CRDS, WIDGET_CRD))) {
    cleanups.push(() => k.delete(CRDS, WIDGET_CRD));
    await k.create(CRDS, {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: WIDGET_CRD },
      spec: {
        group: WIDGET_GROUP,
        scope: 'Namespaced',
        names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } } } }],
      },
    } as KubeObject).catch((err: unknown) => {
      if (apiStatusCode((err as Error).cause) !== 409) throw err;
    });
  }
  await eventually(`CRD ${WIDGET_CRD} Established`, async () => {
    const crd = await k.get<Crd>(CRDS, WIDGET_CRD);
    return crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ? true : undefined;
  });
  // The API server serves a new CRD's endpoints a little after it reports Established.
  await eventually(`${WIDGETS.plural} served`, async () => ((await k.list(WIDGETS, { namespace: 'default' })) ? true : undefined));
}

export async function createWidget(namespace: string): Promise<App> {
  const k = await kube();
  const name = uniqueName('widget');
  const w = await k.create<Created>(WIDGETS, { apiVersion: `${WIDGET_GROUP}/v1`, kind: 'Widget', metadata: { name, namespace }, spec: {} } as unknown as Created);
  return { kind: 'Widget', namespace, name, uid: w.metadata.uid, selector: `${appLabel('Widget')}=${name}` };
}

/** A pod the Widget controls, carrying the annotations (the third-party controller's template). */
export async function createWidgetPod(widget: App, node: string, annotations: Record<string, string>): Promise<PodObject> {
  const k = await kube();
  const owner = { apiVersion: `${WIDGET_GROUP}/v1`, kind: 'Widget', name: widget.name, uid: widget.uid, controller: true, blockOwnerDeletion: true };
  return k.create<PodObject>(Resources.pods, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: uniqueName(widget.name), namespace: widget.namespace, labels: { [appLabel('Widget')]: widget.name }, annotations, ownerReferences: [owner] },
    spec: { nodeName: node, terminationGracePeriodSeconds: 0, containers: [{ name: 'c', image: 'example.invalid/none' }] },
  } as unknown as PodObject);
}

export async function deletePodNow(pod: PodObject): Promise<void> {
  const k = await kube();
  await k.request('DELETE', `${k.path(Resources.pods, pod.metadata.namespace, pod.metadata.name)}?gracePeriodSeconds=0`).catch(() => undefined);
}

// ---------------------------------------------------------------------------------------------
// Auto-pools.

export type Pool = SpiderIPPool & KubeObject & { metadata: { name: string; uid: string; labels?: Record<string, string>; deletionTimestamp?: string; finalizers?: string[] } };

export interface PoolKey {
  app: Pick<App, 'kind' | 'namespace' | 'name'>;
  version: IpVersion;
  nic?: string;
}

export const ipVersionLabel = (version: IpVersion): string => `IPv${version}`;

export function poolSelector(key: PoolKey): string {
  return [
    `${Labels.OWNER_APPLICATION_KIND}=${key.app.kind}`,
    `${Labels.OWNER_APPLICATION_NAMESPACE}=${key.app.namespace}`,
    `${Labels.OWNER_APPLICATION_NAME}=${key.app.name}`,
    `${Labels.INTERFACE}=${key.nic ?? 'eth0'}`,
    `${Labels.IP_VERSION}=${ipVersionLabel(key.version)}`,
  ].join(',');
}

export async function findAutoPools(labelSelector: string): Promise<Pool[]> {
  return (await (await kube()).list<Pool>(Resources.ipPools, { labelSelector })).items;
}

export const poolIps = (pool: Pool): IpSet => ipSet(pool.spec.ipVersion ?? (pool.spec.subnet.includes(':') ? 6 : 4), pool.spec.ips ?? []);

const describePools = (pools: Pool[]): string => pools.map((p) => `${p.metadata.name} ips=${JSON.stringify(p.spec.ips)}${p.metadata.deletionTimestamp ? ' (deleting)' : ''}`).join('; ') || 'none';

/**
 * Waits until the application has exactly one auto-pool for the NIC and family and `accept`
 * holds for it; answers the pool. `accept` may throw to explain why it does not hold yet.
 */
export async function waitForAutoPool(key: PoolKey, accept: (pool: Pool) => boolean = () => true, timeoutMs = WAIT_MS): Promise<Pool> {
  const selector = poolSelector(key);
  return eventually(`the IPv${key.version} auto-pool of ${key.app.kind} ${key.app.namespace}/${key.app.name} on ${key.nic ?? 'eth0'}`, async () => {
    const pools = await findAutoPools(selector);
    if (pools.length !== 1 || !pools[0]) throw new Error(`found ${describePools(pools)}`);
    if (!accept(pools[0])) throw new Error(`found ${describePools(pools)}`);
    return pools[0];
  }, timeoutMs);
}

/** Waits until the pool holds exactly `count` addresses. */
export const waitPoolSize = (key: PoolKey, count: number, timeoutMs = WAIT_MS): Promise<Pool> =>
  waitForAutoPool(key, (p) => poolIps(p).size() === BigInt(count), timeoutMs);

export async function waitPoolGone(name: string, timeoutMs = WAIT_MS): Promise<void> {
  const k = await kube();
  await eventually(`pool ${name} deleted`, async () => {
    const p = await k.find<Pool>(Resources.ipPools, name);
    if (p) throw new Error(`still there, deletionTimestamp=${p.metadata.deletionTimestamp ?? 'none'}, finalizers=${JSON.stringify(p.metadata.finalizers ?? [])}`);
    return true;
  }, timeoutMs);
}

export async function getPool(name: string): Promise<Pool | undefined> {
  return (await kube()).find<Pool>(Resources.ipPools, name);
}

/** The name the controller gives an application's pool (the test names are short enough not to be truncated). */
export function autoPoolNameOf(version: IpVersion, app: Pick<App, 'name' | 'uid'>, nic = 'eth0'): string {
  const last = app.uid.split('-').pop() ?? '';
  return `auto${version}-${app.name.toLowerCase()}-${nic}-${last.slice(0, 5)}`;
}

// ---------------------------------------------------------------------------------------------
// Subnet status.

export interface ControlledRecord {
  ips: string[];
  application?: string;
}

export async function subnetRecords(name: string): Promise<{ subnet: SpiderSubnet & KubeObject; records: Map<string, ControlledRecord> }> {
  const subnet = await (await kube()).get<SpiderSubnet & KubeObject>(Resources.subnets, name);
  const raw = subnet.status?.controlledIPPools;
  const parsed = raw ? (JSON.parse(raw) as Record<string, ControlledRecord>) : {};
  return { subnet, records: new Map(Object.entries(parsed)) };
}

/**
 * Why the subnet's bookkeeping disagrees with its pools, or undefined when it agrees: every pool
 * labelled with the subnet has a record with the same addresses and vice versa (records of
 * pools not labelled must match a pool of the subnet's CIDR, e.g. a manual one), the pools are
 * pairwise disjoint, and `allocatedIPCount` is the records' total.
 */
export async function subnetInconsistency(subnet: SubnetHandle): Promise<string | undefined> {
  const { subnet: obj, records } = await subnetRecords(subnet.name);
  const owned = await findAutoPools(`${Labels.OWNER_SPIDER_SUBNET}=${subnet.name}`);
  const problems: string[] = [];
  for (const pool of owned) {
    const record = records.get(pool.metadata.name);
    if (!record) problems.push(`no record for pool ${pool.metadata.name}`);
    else if (!ipSet(subnet.version, record.ips).equals(poolIps(pool))) problems.push(`record ${JSON.stringify(record.ips)} ≠ pool ${pool.metadata.name} ips ${JSON.stringify(pool.spec.ips)}`);
  }
  const k = await kube();
  let total = 0n;
  let union = IpSet.empty(subnet.version);
  for (const [name, record] of records) {
    const ips = ipSet(subnet.version, record.ips);
    if (union.overlaps(ips)) problems.push(`record ${name} overlaps another record`);
    union = union.union(ips);
    total += ips.size();
    if (owned.some((p) => p.metadata.name === name)) continue;
    const pool = await k.find<Pool>(Resources.ipPools, name);
    if (!pool) problems.push(`record for missing pool ${name}`);
    else if (pool.spec.subnet !== subnet.cidr || !poolIps(pool).equals(ips)) problems.push(`record ${name} does not match pool ${name} (${pool.spec.subnet} ${JSON.stringify(pool.spec.ips)})`);
  }
  if (BigInt(obj.status?.allocatedIPCount ?? -1) !== total) problems.push(`allocatedIPCount ${obj.status?.allocatedIPCount} ≠ ${total}`);
  if (obj.status?.totalIPCount !== undefined && BigInt(obj.status.totalIPCount) !== subnet.usable.size()) problems.push(`totalIPCount ${obj.status.totalIPCount} ≠ ${subnet.usable.size()}`);
  return problems.length > 0 ? `${problems.join('; ')} (controlledIPPools ${obj.status?.controlledIPPools ?? 'unset'})` : undefined;
}

/** Waits until the subnet's status agrees with its pools (the controller writes it after the pools). */
export async function waitSubnetConsistent(subnet: SubnetHandle, timeoutMs = WAIT_MS): Promise<void> {
  await eventually(`SpiderSubnet ${subnet.name} status consistent with its pools`, async () => {
    const why = await subnetInconsistency(subnet);
    if (why) throw new Error(why);
    return true;
  }, timeoutMs);
}

// ---------------------------------------------------------------------------------------------
// Allocation, as the CNI ADD / DEL of each pod.

export interface Allocated {
  address: string;
  pool: string;
  nic: string;
}

export async function allocate(svc: IpamClient, pod: PodObject, node: string, nic = 'eth0'): Promise<Allocated[]> {
  const res = await svc.allocate(addRequest(pod, node, nic));
  return res.ips.map((ip) => ({ address: bare(ip.address), pool: ip.pool, nic: ip.nic }));
}

export async function release(svc: IpamClient, pod: PodObject, node: string, nic = 'eth0'): Promise<void> {
  await svc.release(delRequest(pod, node, nic));
}
