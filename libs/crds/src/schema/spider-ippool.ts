// SPDX-License-Identifier: Apache-2.0
import { API_VERSION, GROUP, Kinds, Plurals, VERSION } from '../constants.ts';
import { Labels } from '../well-known-keys.ts';
import { arr, bool, labelSelector, obj, str } from './builder.ts';
import { SPIDERPOOL_CATEGORIES, ipCount, ipRanges, ipVersion, route } from './common.ts';
import { defineCrd } from './crd-definition.ts';

const spec = obj(
  {
    ipVersion: ipVersion(),
    subnet: str({
      description: 'The CIDR of the pool in canonical form (e.g. 192.0.2.0/24, not 192.0.2.1/24). Immutable.',
    }),
    ips: ipRanges('Addresses the pool hands out: single IPs or `first-last` ranges inside `subnet`.'),
    excludeIPs: ipRanges('Addresses or ranges removed from `ips`; they are never handed out.'),
    gateway: str({ description: 'Gateway inside `subnet`; gives the pod NIC a default route.' }),
    routes: arr(route(), { description: 'Extra routes for the pod NIC.' }),
    podAffinity: labelSelector('Only pods matching this selector may take IPs from the pool.'),
    namespaceAffinity: labelSelector('Only pods in namespaces matching this selector may use the pool.'),
    namespaceName: arr(str(), {
      description: 'Namespaces allowed to use the pool; when set, `namespaceAffinity` is ignored.',
    }),
    nodeAffinity: labelSelector('Only pods on nodes matching this selector may use the pool.'),
    nodeName: arr(str(), { description: 'Nodes allowed to use the pool; when set, `nodeAffinity` is ignored.' }),
    multusName: arr(str(), {
      description:
        'NetworkAttachmentDefinitions (`namespace/name`, or `name` in the Spiderpool namespace) whose NICs may use the pool.',
    }),
    default: bool({
      description: 'A cluster default pool: used when no annotation, namespace or CNI configuration names a pool.',
      default: false,
    }),
    disable: bool({
      description: 'Stops new allocations from the pool; IPs already handed out can still be released.',
      default: false,
    }),
  },
  { description: 'Desired state of a SpiderIPPool.', required: ['subnet'], typeName: 'SpiderIPPoolSpec' },
);

const status = obj(
  {
    allocatedIPs: str({
      description:
        'JSON object mapping each allocated IP to its holder, `{"<ip>":{"pod":"<ns>/<name>","podUid":"<uid>"}}`. ' +
        'Kept as one string, as upstream does, so that a status update is a single compare-and-swap.',
    }),
    totalIPCount: ipCount('Number of addresses in `ips` minus `excludeIPs`.'),
    allocatedIPCount: ipCount('Number of addresses currently allocated.'),
  },
  { description: 'Observed state of a SpiderIPPool.', typeName: 'SpiderIPPoolStatus' },
);

const appNamespacePath = `.spec.podAffinity.matchLabels['${Labels.APP_NAMESPACE.replace(/[.-]/g, (c) => `\\${c}`)}']`;

export const spiderIPPool = defineCrd({
  group: GROUP,
  version: VERSION,
  kind: Kinds.SpiderIPPool,
  plural: Plurals.SpiderIPPool,
  scope: 'Cluster',
  shortNames: ['sp'],
  categories: SPIDERPOOL_CATEGORIES,
  description: `A set of IP addresses of one subnet that pods may be given (${API_VERSION}).`,
  spec,
  status,
  // The schema requires `spec.subnet`; without this a spec-less pool would slip past it.
  required: ['spec'],
  statusSubresource: true,
  printerColumns: [
    { name: 'VERSION', type: 'integer', jsonPath: '.spec.ipVersion', description: 'IP family' },
    { name: 'SUBNET', type: 'string', jsonPath: '.spec.subnet', description: 'Pool CIDR' },
    {
      name: 'ALLOCATED-IP-COUNT',
      type: 'integer',
      jsonPath: '.status.allocatedIPCount',
      description: 'Allocated addresses',
    },
    { name: 'TOTAL-IP-COUNT', type: 'integer', jsonPath: '.status.totalIPCount', description: 'Usable addresses' },
    { name: 'DEFAULT', type: 'boolean', jsonPath: '.spec.default', description: 'Cluster default pool' },
    { name: 'DISABLE', type: 'boolean', jsonPath: '.spec.disable', description: 'Allocation stopped', priority: 10 },
    { name: 'NodeName', type: 'string', jsonPath: '.spec.nodeName', description: 'Allowed nodes', priority: 10 },
    {
      name: 'MultusName',
      type: 'string',
      jsonPath: '.spec.multusName',
      description: 'Allowed Multus networks',
      priority: 10,
    },
    {
      name: 'APP-NAMESPACE',
      type: 'string',
      jsonPath: appNamespacePath,
      description: 'Namespace of the application owning an auto-created pool',
      priority: 10,
    },
  ],
});
