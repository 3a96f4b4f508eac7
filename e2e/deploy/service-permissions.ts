// SPDX-License-Identifier: Apache-2.0
// What each service does against the Kubernetes API, written down from its code, and what it must
// never be allowed to do. Every entry names the file and a piece of code that performs the call,
// and the test checks that the code is still there, so a removed call is noticed here instead of
// leaving a stale grant, and the SubjectAccessReviews prove the manifests fit the code rather than
// themselves. Reflector caches are list + watch; KubeClient.find/get are get; update/updateStatus
// are PUTs (update of the resource or its status); mergePatch/jsonPatch are patch.

export type Service = 'ipam-service' | 'webhook-service' | 'gc-service' | 'node-agent';

/** Where the check applies: cluster-wide, the service's own namespace, or a fixed one. */
export type Scope = 'cluster' | 'own' | 'kube-system';

export interface Access {
  verbs: readonly string[];
  group: string;
  resource: string;
  subresource?: string;
  scope: Scope;
  name?: string;
}

export interface Need extends Access {
  /** Repository-relative file that makes the call, and a fragment of that call. */
  source: string;
  evidence: string;
  /** Only in auto TLS mode (without cert-manager). */
  autoTlsOnly?: boolean;
}

const SPIDER = 'spiderpool.spidernet.io';
const IPAM = 'apps/ipam-service/src';
const GC = 'apps/gc-service/src';
const AGENT = 'apps/node-agent/src';
const WEBHOOK = 'apps/webhook-service/src';
const LEASES = 'libs/k8s/src/lease-port.ts';
const LIST_WATCH = ['list', 'watch'] as const;
const READ = ['get', 'list', 'watch'] as const;

/** Leader election (libs/k8s): GET, create and CAS update of one Lease in the given namespace. */
function leaseNeeds(name: string, nameSource: string, nameEvidence: string): Need[] {
  return [
    { verbs: ['create'], group: 'coordination.k8s.io', resource: 'leases', scope: 'own', source: LEASES, evidence: 'client.create(Resources.leases, body)' },
    { verbs: ['get'], group: 'coordination.k8s.io', resource: 'leases', scope: 'own', name, source: nameSource, evidence: nameEvidence },
    { verbs: ['get'], group: 'coordination.k8s.io', resource: 'leases', scope: 'own', name, source: LEASES, evidence: 'client.find<LeaseObject>(Resources.leases, name, namespace)' },
    { verbs: ['update'], group: 'coordination.k8s.io', resource: 'leases', scope: 'own', name, source: LEASES, evidence: 'client.update(Resources.leases, body)' },
  ];
}

const ipamWorkloads: Need[] = (
  [
    ['apps', 'deployments', 'deployments'],
    ['apps', 'replicasets', 'replicaSets'],
    ['apps', 'statefulsets', 'statefulSets'],
    ['apps', 'daemonsets', 'daemonSets'],
    ['batch', 'jobs', 'jobs'],
    ['batch', 'cronjobs', 'cronJobs'],
  ] as const
).flatMap(([group, resource, key]) => [
  { verbs: LIST_WATCH, group, resource, scope: 'cluster', source: `${IPAM}/subnet/applications.ts`, evidence: `ref: Resources.${key}` } satisfies Need,
  // A live GET of an application that is not (yet) in the cache.
  { verbs: ['get'], group, resource, scope: 'cluster', source: `${IPAM}/subnet/application-existence.ts`, evidence: 'this.#client.find<KubeObject>(ref, app.name, app.namespace)' } satisfies Need,
]);

export const NEEDS: Record<Service, readonly Need[]> = {
  'ipam-service': [
    { verbs: LIST_WATCH, group: '', resource: 'pods', scope: 'cluster', source: `${IPAM}/k8s/cluster-view.ts`, evidence: 'new Reflector(client, Resources.pods' },
    { verbs: ['get'], group: '', resource: 'pods', scope: 'cluster', source: `${IPAM}/k8s/cluster-view.ts`, evidence: 'this.client.find<Obj<V1Pod>>(Resources.pods, name, namespace)' },
    { verbs: READ, group: '', resource: 'namespaces', scope: 'cluster', source: `${IPAM}/k8s/cluster-view.ts`, evidence: 'this.#cachedOrLive(this.namespaces, Resources.namespaces, name)' },
    { verbs: READ, group: '', resource: 'nodes', scope: 'cluster', source: `${IPAM}/k8s/cluster-view.ts`, evidence: 'this.#cachedOrLive(this.nodes, Resources.nodes, name)' },
    { verbs: LIST_WATCH, group: SPIDER, resource: 'spiderreservedips', scope: 'cluster', source: `${IPAM}/k8s/cluster-view.ts`, evidence: 'new Reflector(client, Resources.reservedIPs' },
    { verbs: LIST_WATCH, group: SPIDER, resource: 'spiderendpoints', scope: 'cluster', source: `${IPAM}/k8s/cluster-view.ts`, evidence: 'new Reflector(client, Resources.endpoints' },
    { verbs: ['get'], group: SPIDER, resource: 'spiderendpoints', scope: 'cluster', source: `${IPAM}/allocation/endpoint-store.ts`, evidence: 'this.#client.find<EndpointObject>(Resources.endpoints' },
    { verbs: ['create'], group: SPIDER, resource: 'spiderendpoints', scope: 'cluster', source: `${IPAM}/allocation/endpoint-store.ts`, evidence: 'this.#client.create<EndpointObject>(Resources.endpoints' },
    { verbs: ['update'], group: SPIDER, resource: 'spiderendpoints', scope: 'cluster', source: `${IPAM}/allocation/endpoint-store.ts`, evidence: 'this.#client.update<EndpointObject>(Resources.endpoints' },
    { verbs: ['patch'], group: SPIDER, resource: 'spiderendpoints', scope: 'cluster', source: `${IPAM}/allocation/endpoint-store.ts`, evidence: 'this.#client.jsonPatch<EndpointObject>(Resources.endpoints' },
    { verbs: ['delete'], group: SPIDER, resource: 'spiderendpoints', scope: 'cluster', source: `${IPAM}/allocation/endpoint-store.ts`, evidence: 'this.#client.delete(Resources.endpoints' },
    ...ipamWorkloads,
    { verbs: ['get'], group: 'apps', resource: 'replicasets', scope: 'cluster', source: `${IPAM}/k8s/cluster-view.ts`, evidence: "ref.kind === 'ReplicaSet' ? Resources.replicaSets" },
    { verbs: ['get'], group: 'batch', resource: 'jobs', scope: 'cluster', source: `${IPAM}/k8s/cluster-view.ts`, evidence: "ref.kind === 'Job' ? Resources.jobs" },
    { verbs: ['get'], group: 'apps', resource: 'statefulsets', scope: 'cluster', source: `${IPAM}/allocation/releaser.ts`, evidence: '(Resources.statefulSets, name, namespace)' },
    { verbs: ['get'], group: 'kubevirt.io', resource: 'virtualmachineinstances', scope: 'cluster', source: `${IPAM}/allocation/releaser.ts`, evidence: 'find<KubeObject>(Resources.virtualMachineInstances, name, namespace)' },
    { verbs: ['get'], group: 'kubevirt.io', resource: 'virtualmachines', scope: 'cluster', source: `${IPAM}/allocation/releaser.ts`, evidence: 'find<KubeObject>(Resources.virtualMachines, name, namespace)' },
    { verbs: LIST_WATCH, group: SPIDER, resource: 'spiderippools', scope: 'cluster', source: `${IPAM}/k8s/pool-store.ts`, evidence: 'new Reflector<PoolObject>(client, Resources.ipPools' },
    { verbs: ['get'], group: SPIDER, resource: 'spiderippools', scope: 'cluster', source: `${IPAM}/k8s/pool-store.ts`, evidence: 'this.#client.get<PoolObject>(Resources.ipPools, name)' },
    { verbs: ['update'], group: SPIDER, resource: 'spiderippools', subresource: 'status', scope: 'cluster', source: `${IPAM}/k8s/pool-store.ts`, evidence: 'this.#client.updateStatus<PoolObject>(Resources.ipPools' },
    { verbs: ['patch'], group: SPIDER, resource: 'spiderippools', scope: 'cluster', source: `${IPAM}/k8s/pool-finalizer.ts`, evidence: 'this.#client.jsonPatch(Resources.ipPools' },
    { verbs: ['patch'], group: SPIDER, resource: 'spiderippools', scope: 'cluster', source: `${IPAM}/subnet/ledger-sync.ts`, evidence: 'client.mergePatch(Resources.ipPools' },
    { verbs: ['create'], group: SPIDER, resource: 'spiderippools', scope: 'cluster', source: `${IPAM}/subnet/auto-pool-reconciler.ts`, evidence: 'this.#d.client.create<PoolObject>(Resources.ipPools' },
    { verbs: ['update'], group: SPIDER, resource: 'spiderippools', scope: 'cluster', source: `${IPAM}/subnet/auto-pool-reconciler.ts`, evidence: 'this.#d.client.update<PoolObject>(Resources.ipPools' },
    { verbs: ['delete'], group: SPIDER, resource: 'spiderippools', scope: 'cluster', source: `${IPAM}/subnet/subnet-controller.ts`, evidence: 'this.#d.client.delete(Resources.ipPools' },
    { verbs: LIST_WATCH, group: SPIDER, resource: 'spidersubnets', scope: 'cluster', source: `${IPAM}/subnet/subnet-controller.ts`, evidence: 'new Reflector<SubnetObject>(deps.client, Resources.subnets' },
    { verbs: ['get'], group: SPIDER, resource: 'spidersubnets', scope: 'cluster', source: `${IPAM}/subnet/subnet-ledger.ts`, evidence: 'this.#client.find<SubnetObject>(Resources.subnets, name)' },
    { verbs: ['update'], group: SPIDER, resource: 'spidersubnets', subresource: 'status', scope: 'cluster', source: `${IPAM}/subnet/subnet-ledger.ts`, evidence: 'this.#client.updateStatus<SubnetObject>(Resources.subnets' },
    // Owner references with blockOwnerDeletion (OwnerReferencesPermissionEnforcement).
    { verbs: ['update'], group: SPIDER, resource: 'spidersubnets', subresource: 'finalizers', scope: 'cluster', source: `${IPAM}/subnet/auto-pool-reconciler.ts`, evidence: 'blockOwnerDeletion: true' },
    ...leaseNeeds('spiderpool-subnet-controller', `${IPAM}/config.ts`, "SPIDERPOOL_SUBNET_CONTROLLER_LEASE_NAME: z.string().min(1).default('spiderpool-subnet-controller')"),
  ],
  'gc-service': [
    { verbs: LIST_WATCH, group: '', resource: 'pods', scope: 'cluster', source: `${GC}/gc-component.ts`, evidence: 'new Reflector<V1Pod & KubeObject>(client, Resources.pods' },
    { verbs: ['get'], group: '', resource: 'pods', scope: 'cluster', source: `${GC}/k8s/kube-cluster-reader.ts`, evidence: 'find<V1Pod & KubeObject>(Resources.pods, name, namespace)' },
    { verbs: LIST_WATCH, group: '', resource: 'nodes', scope: 'cluster', source: `${GC}/gc-component.ts`, evidence: 'new Reflector<V1Node & KubeObject>(client, Resources.nodes' },
    { verbs: LIST_WATCH, group: SPIDER, resource: 'spiderendpoints', scope: 'cluster', source: `${GC}/gc-component.ts`, evidence: 'new Reflector<SpiderEndpoint & KubeObject>(client, Resources.endpoints' },
    { verbs: ['get'], group: SPIDER, resource: 'spiderendpoints', scope: 'cluster', source: `${GC}/k8s/kube-cluster-reader.ts`, evidence: 'find<SpiderEndpoint & KubeObject>(Resources.endpoints, name, namespace)' },
    { verbs: ['list'], group: SPIDER, resource: 'spiderippools', scope: 'cluster', source: `${GC}/k8s/kube-cluster-reader.ts`, evidence: 'list<SpiderIPPool & KubeObject>(Resources.ipPools)' },
    { verbs: ['get'], group: 'apps', resource: 'statefulsets', scope: 'cluster', source: `${GC}/k8s/kube-cluster-reader.ts`, evidence: 'StatefulSet: Resources.statefulSets' },
    { verbs: ['get'], group: 'kubevirt.io', resource: 'virtualmachines', scope: 'cluster', source: `${GC}/k8s/kube-cluster-reader.ts`, evidence: 'VirtualMachine: Resources.virtualMachines' },
    { verbs: ['get'], group: 'kubevirt.io', resource: 'virtualmachineinstances', scope: 'cluster', source: `${GC}/k8s/kube-cluster-reader.ts`, evidence: 'VirtualMachineInstance: Resources.virtualMachineInstances' },
    ...leaseNeeds('spiderpool-gc', `${GC}/config.ts`, "SPIDERPOOL_GC_LEASE_NAME: z.string().min(1).default('spiderpool-gc')"),
  ],
  'node-agent': [
    { verbs: LIST_WATCH, group: SPIDER, resource: 'spidercoordinators', scope: 'cluster', source: `${AGENT}/k8s/node-view.ts`, evidence: 'new Reflector(client, Resources.coordinators' },
    // Field-selected (spec.nodeName / metadata.name): RBAC sees a cluster-wide list and watch.
    { verbs: LIST_WATCH, group: '', resource: 'pods', scope: 'cluster', source: `${AGENT}/k8s/node-view.ts`, evidence: 'new Reflector(client, Resources.pods, { onError, fieldSelector: `spec.nodeName=' },
    { verbs: ['get'], group: '', resource: 'pods', scope: 'cluster', source: `${AGENT}/k8s/node-view.ts`, evidence: 'find<Obj<V1Pod>>(Resources.pods, name, namespace)' },
    { verbs: LIST_WATCH, group: '', resource: 'nodes', scope: 'cluster', source: `${AGENT}/k8s/node-view.ts`, evidence: 'new Reflector(client, Resources.nodes, { onError, fieldSelector: `metadata.name=' },
  ],
  'webhook-service': [
    ...(
      [
        ['spiderippools', 'SpiderIPPool: Resources.ipPools'],
        ['spidersubnets', 'SpiderSubnet: Resources.subnets'],
        ['spiderreservedips', 'SpiderReservedIP: Resources.reservedIPs'],
        ['spiderendpoints', 'SpiderEndpoint: Resources.endpoints'],
        ['spidermultusconfigs', 'SpiderMultusConfig: Resources.multusConfigs'],
        ['spidercoordinators', 'SpiderCoordinator: Resources.coordinators'],
      ] as const
    ).map(([resource, evidence]): Need => ({ verbs: READ, group: SPIDER, resource, scope: 'cluster', source: `${WEBHOOK}/admission/admission-context.ts`, evidence })),
    { verbs: READ, group: 'k8s.cni.cncf.io', resource: 'network-attachment-definitions', scope: 'cluster', source: `${WEBHOOK}/admission/admission-context.ts`, evidence: 'NetworkAttachmentDefinition: Resources.networkAttachmentDefinitions' },
    { verbs: ['create'], group: 'k8s.cni.cncf.io', resource: 'network-attachment-definitions', scope: 'cluster', source: `${WEBHOOK}/multus/kube-nad-api.ts`, evidence: 'client.create<Nad>(ref, nad)' },
    { verbs: ['update'], group: 'k8s.cni.cncf.io', resource: 'network-attachment-definitions', scope: 'cluster', source: `${WEBHOOK}/multus/kube-nad-api.ts`, evidence: 'client.update<Nad>(ref, nad)' },
    { verbs: ['delete'], group: 'k8s.cni.cncf.io', resource: 'network-attachment-definitions', scope: 'cluster', source: `${WEBHOOK}/multus/kube-nad-api.ts`, evidence: 'client.delete(ref, name, namespace' },
    { verbs: ['update'], group: SPIDER, resource: 'spidermultusconfigs', subresource: 'finalizers', scope: 'cluster', source: `${WEBHOOK}/multus/nad-render.ts`, evidence: 'blockOwnerDeletion: true' },
    { verbs: ['patch'], group: SPIDER, resource: 'spidercoordinators', subresource: 'status', scope: 'cluster', source: `${WEBHOOK}/coordinator/kube-coordinator-store.ts`, evidence: "client.path(Resources.coordinators, undefined, name, 'status'), patch, 'application/merge-patch+json'" },
    { verbs: LIST_WATCH, group: 'networking.k8s.io', resource: 'servicecidrs', scope: 'cluster', source: `${WEBHOOK}/coordinator/kube-network-sources.ts`, evidence: "plural: 'servicecidrs'" },
    { verbs: LIST_WATCH, group: 'crd.projectcalico.org', resource: 'ippools', scope: 'cluster', source: `${WEBHOOK}/coordinator/kube-network-sources.ts`, evidence: "base: '/apis/crd.projectcalico.org/v1', plural: 'ippools'" },
    ...['kubeadm-config', 'cilium-config'].flatMap((name): Need[] => [
      { verbs: ['get'], group: '', resource: 'configmaps', scope: 'kube-system', name, source: `${WEBHOOK}/coordinator/kube-network-sources.ts`, evidence: 'client.get<ConfigMap>(NetworkResources.configMaps, name, ns)' },
      { verbs: LIST_WATCH, group: '', resource: 'configmaps', scope: 'kube-system', name, source: `${WEBHOOK}/coordinator/coordinator-status-controller.ts`, evidence: 'fieldSelector: `metadata.name=${' },
    ]),
    { verbs: LIST_WATCH, group: '', resource: 'pods', scope: 'kube-system', source: `${WEBHOOK}/coordinator/coordinator-status-controller.ts`, evidence: "{ ref: Resources.pods, options: system({ labelSelector: 'component in (kube-controller-manager,kube-apiserver)' }) }" },
    ...leaseNeeds('spiderpool-coordinator-status', `${WEBHOOK}/coordinator/coordinator-status-config.ts`, "SPIDERPOOL_COORDINATOR_LEASE_NAME: z.string().default('spiderpool-coordinator-status')"),
    ...leaseNeeds('spiderpool-multus-controller', `${WEBHOOK}/multus/multus-controller-config.ts`, "SPIDERPOOL_MULTUS_LEASE_NAME: z.string().default('spiderpool-multus-controller')"),
    // Auto TLS: the shared Secret and the caBundles of its own configurations.
    { verbs: ['create'], group: '', resource: 'secrets', scope: 'own', autoTlsOnly: true, source: `${WEBHOOK}/tls/tls-secret.ts`, evidence: 'client.create(Resources.secrets, body)' },
    { verbs: ['get'], group: '', resource: 'secrets', scope: 'own', name: 'spiderpool-webhook-tls', autoTlsOnly: true, source: `${WEBHOOK}/tls/tls-secret.ts`, evidence: 'client.find<SecretObject>(Resources.secrets, name, namespace)' },
    { verbs: ['update'], group: '', resource: 'secrets', scope: 'own', name: 'spiderpool-webhook-tls', autoTlsOnly: true, source: `${WEBHOOK}/tls/tls-secret.ts`, evidence: 'client.update(Resources.secrets, body)' },
    { verbs: LIST_WATCH, group: '', resource: 'secrets', scope: 'own', name: 'spiderpool-webhook-tls', autoTlsOnly: true, source: `${WEBHOOK}/tls/tls-secret.ts`, evidence: 'fieldSelector: `metadata.name=${name}`' },
    ...['mutatingwebhookconfigurations', 'validatingwebhookconfigurations'].map((resource): Need => ({
      verbs: ['get', 'update'], group: 'admissionregistration.k8s.io', resource, scope: 'cluster', name: 'spiderpool-webhook', autoTlsOnly: true,
      source: `${WEBHOOK}/tls/webhook-configurations.ts`, evidence: 'client.update(REFS[kind], configuration)',
    })),
  ],
};

/** Denied to every service account. */
const EVERYONE_DENIED: readonly Access[] = [
  { verbs: ['list', 'watch'], group: '', resource: 'secrets', scope: 'cluster' },
  { verbs: ['get'], group: '', resource: 'secrets', scope: 'kube-system', name: 'any' },
  { verbs: ['list'], group: '', resource: 'secrets', scope: 'own' },
  { verbs: ['create', 'delete', 'update', 'patch'], group: '', resource: 'pods', scope: 'cluster' },
  { verbs: ['create', 'update', 'patch'], group: '', resource: 'pods', subresource: 'status', scope: 'cluster' },
  { verbs: ['create'], group: '', resource: 'pods', subresource: 'exec', scope: 'cluster' },
  { verbs: ['create', 'update', 'patch', 'delete'], group: '', resource: 'nodes', scope: 'cluster' },
  { verbs: ['update', 'patch'], group: '', resource: 'nodes', subresource: 'status', scope: 'cluster' },
  { verbs: ['get', 'list'], group: '', resource: 'configmaps', scope: 'cluster' },
  { verbs: ['create', 'update', 'delete'], group: '', resource: 'namespaces', scope: 'cluster' },
  { verbs: ['create', 'update', 'delete'], group: 'apps', resource: 'deployments', scope: 'cluster' },
  { verbs: ['create', 'update', 'bind', 'escalate'], group: 'rbac.authorization.k8s.io', resource: 'clusterroles', scope: 'cluster' },
  { verbs: ['create'], group: 'rbac.authorization.k8s.io', resource: 'clusterrolebindings', scope: 'cluster' },
  { verbs: ['create', 'update', 'delete'], group: 'apiextensions.k8s.io', resource: 'customresourcedefinitions', scope: 'cluster' },
  { verbs: ['impersonate'], group: '', resource: 'serviceaccounts', scope: 'cluster' },
  { verbs: ['create'], group: '', resource: 'serviceaccounts', subresource: 'token', scope: 'own' },
  // Leases other than its own: no taking over another component's leadership.
  { verbs: ['update', 'delete'], group: 'coordination.k8s.io', resource: 'leases', scope: 'kube-system', name: 'kube-controller-manager' },
  // No wildcard read of arbitrary kinds.
  { verbs: ['get'], group: 'example.com', resource: 'widgets', scope: 'cluster' },
];

export const DENIED: Record<Service, readonly Access[]> = {
  'ipam-service': [
    ...EVERYONE_DENIED,
    { verbs: ['update', 'patch'], group: SPIDER, resource: 'spidersubnets', scope: 'cluster' },
    { verbs: ['create', 'delete'], group: SPIDER, resource: 'spidersubnets', scope: 'cluster' },
    { verbs: ['create', 'update', 'delete'], group: SPIDER, resource: 'spiderreservedips', scope: 'cluster' },
    { verbs: ['create', 'update', 'patch'], group: SPIDER, resource: 'spidercoordinators', scope: 'cluster' },
    { verbs: ['create', 'update', 'delete'], group: 'k8s.cni.cncf.io', resource: 'network-attachment-definitions', scope: 'cluster' },
    { verbs: ['update'], group: 'admissionregistration.k8s.io', resource: 'mutatingwebhookconfigurations', scope: 'cluster', name: 'spiderpool-webhook' },
    { verbs: ['get'], group: '', resource: 'secrets', scope: 'own', name: 'spiderpool-webhook-tls' },
    { verbs: ['update'], group: 'coordination.k8s.io', resource: 'leases', scope: 'own', name: 'spiderpool-gc' },
  ],
  'gc-service': [
    ...EVERYONE_DENIED,
    // It releases through ipam-service, the single writer of pool state.
    { verbs: ['create', 'update', 'patch', 'delete', 'watch', 'get'], group: SPIDER, resource: 'spiderippools', scope: 'cluster' },
    { verbs: ['update', 'patch'], group: SPIDER, resource: 'spiderippools', subresource: 'status', scope: 'cluster' },
    // Endpoints too: ipam-service removes them (Release with remove_endpoint).
    { verbs: ['create', 'update', 'patch', 'delete'], group: SPIDER, resource: 'spiderendpoints', scope: 'cluster' },
    { verbs: ['update', 'patch', 'delete'], group: SPIDER, resource: 'spidersubnets', scope: 'cluster' },
    { verbs: ['get'], group: '', resource: 'secrets', scope: 'own', name: 'spiderpool-webhook-tls' },
    { verbs: ['update'], group: 'coordination.k8s.io', resource: 'leases', scope: 'own', name: 'spiderpool-subnet-controller' },
  ],
  'node-agent': [
    ...EVERYONE_DENIED,
    { verbs: ['create', 'update', 'patch', 'delete', 'get', 'list'], group: SPIDER, resource: 'spiderippools', scope: 'cluster' },
    { verbs: ['update'], group: SPIDER, resource: 'spiderippools', subresource: 'status', scope: 'cluster' },
    { verbs: ['create', 'update', 'patch', 'delete'], group: SPIDER, resource: 'spiderendpoints', scope: 'cluster' },
    { verbs: ['update', 'patch'], group: SPIDER, resource: 'spidercoordinators', scope: 'cluster' },
    { verbs: ['patch'], group: SPIDER, resource: 'spidercoordinators', subresource: 'status', scope: 'cluster' },
    { verbs: ['get'], group: '', resource: 'nodes', scope: 'cluster', name: 'some-node' },
    { verbs: ['create', 'get', 'update'], group: 'coordination.k8s.io', resource: 'leases', scope: 'own', name: 'spiderpool-gc' },
  ],
  'webhook-service': [
    ...EVERYONE_DENIED,
    // Admission reads pools; only ipam-service writes them.
    { verbs: ['create', 'update', 'patch', 'delete'], group: SPIDER, resource: 'spiderippools', scope: 'cluster' },
    { verbs: ['update', 'patch'], group: SPIDER, resource: 'spiderippools', subresource: 'status', scope: 'cluster' },
    { verbs: ['update', 'patch'], group: SPIDER, resource: 'spidersubnets', subresource: 'status', scope: 'cluster' },
    { verbs: ['create', 'update', 'delete'], group: SPIDER, resource: 'spiderendpoints', scope: 'cluster' },
    { verbs: ['update', 'delete'], group: SPIDER, resource: 'spidercoordinators', scope: 'cluster' },
    { verbs: ['get'], group: '', resource: 'configmaps', scope: 'kube-system', name: 'extension-apiserver-authentication' },
    { verbs: ['list'], group: '', resource: 'configmaps', scope: 'kube-system' },
    { verbs: ['get'], group: '', resource: 'secrets', scope: 'own', name: 'some-other-secret' },
    { verbs: ['update', 'delete'], group: '', resource: 'secrets', scope: 'own', name: 'some-other-secret' },
    { verbs: ['update'], group: 'admissionregistration.k8s.io', resource: 'validatingwebhookconfigurations', scope: 'cluster', name: 'some-other-webhook' },
    { verbs: ['create', 'delete', 'list'], group: 'admissionregistration.k8s.io', resource: 'mutatingwebhookconfigurations', scope: 'cluster' },
    { verbs: ['list'], group: '', resource: 'pods', scope: 'cluster' },
  ],
};

/** In provided TLS mode (cert-manager) the auto-TLS grants are gone as well. */
export const DENIED_WITHOUT_AUTO_TLS: readonly Access[] = NEEDS['webhook-service'].filter((n) => n.autoTlsOnly);
