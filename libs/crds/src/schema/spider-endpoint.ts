// SPDX-License-Identifier: Apache-2.0
import { GROUP, Kinds, Plurals, VERSION } from '../constants.ts';
import { arr, bool, int, obj, str } from './builder.ts';
import { SPIDERPOOL_CATEGORIES, route } from './common.ts';
import { defineCrd } from './crd-definition.ts';

const allocationDetail = obj(
  {
    interface: str({ description: 'Name of the pod NIC, e.g. eth0 or net1.' }),
    ipv4: str({ description: 'IPv4 address in CIDR form; the prefix length is that of the pool subnet.' }),
    ipv6: str({ description: 'IPv6 address in CIDR form; the prefix length is that of the pool subnet.' }),
    ipv4Pool: str({ description: 'The SpiderIPPool the IPv4 address came from.' }),
    ipv6Pool: str({ description: 'The SpiderIPPool the IPv6 address came from.' }),
    vlan: int({ description: 'Deprecated; kept for compatibility with existing objects.', format: 'int64', min: 0, max: 4094, default: 0 }),
    ipv4Gateway: str({ description: 'IPv4 gateway of the NIC.' }),
    ipv6Gateway: str({ description: 'IPv6 gateway of the NIC.' }),
    cleanGateway: bool({ description: 'Whether the default route of this NIC was left out.' }),
    routes: arr(route(), { description: 'Routes given to the NIC.' }),
    mac: str({ description: 'MAC address bound to the IP by an IaaS provider, when there is one.' }),
  },
  { description: 'The addresses one pod NIC holds.', required: ['interface'], typeName: 'IPAllocationDetail' },
);

const current = obj(
  {
    uid: str({ description: 'UID of the pod the addresses were allocated to.' }),
    node: str({ description: 'Node the pod ran on when the addresses were allocated.' }),
    ips: arr(allocationDetail, { description: 'One entry per NIC.' }),
  },
  {
    description: 'The allocation of the current pod incarnation.',
    required: ['uid', 'node', 'ips'],
    typeName: 'PodIPAllocation',
  },
);

const status = obj(
  {
    current,
    ownerControllerType: str({
      description: 'Kind of the top owner of the pod, e.g. Deployment, StatefulSet, VirtualMachineInstance or Pod.',
    }),
    ownerControllerName: str({ description: 'Name of the top owner of the pod.' }),
  },
  {
    description: 'What the agent allocated to the pod.',
    required: ['current', 'ownerControllerType', 'ownerControllerName'],
    typeName: 'SpiderEndpointStatus',
  },
);

export const spiderEndpoint = defineCrd({
  group: GROUP,
  version: VERSION,
  kind: Kinds.SpiderEndpoint,
  plural: Plurals.SpiderEndpoint,
  scope: 'Namespaced',
  shortNames: ['se'],
  categories: SPIDERPOOL_CATEGORIES,
  description:
    'The IP addresses allocated to one pod (or KubeVirt VM), named after it. Outlives the pod for StatefulSets and VMs so they get the same addresses back.',
  status,
  // Upstream has no status subresource here and the agent writes the whole object with a plain
  // update; keeping it that way lets one write create the object and its status together.
  statusSubresource: false,
  printerColumns: [
    { name: 'INTERFACE', type: 'string', jsonPath: '.status.current.ips[0].interface', description: 'First NIC' },
    { name: 'IPV4POOL', type: 'string', jsonPath: '.status.current.ips[0].ipv4Pool', description: 'IPv4 pool' },
    { name: 'IPV4', type: 'string', jsonPath: '.status.current.ips[0].ipv4', description: 'IPv4 address' },
    { name: 'IPV6POOL', type: 'string', jsonPath: '.status.current.ips[0].ipv6Pool', description: 'IPv6 pool' },
    { name: 'IPV6', type: 'string', jsonPath: '.status.current.ips[0].ipv6', description: 'IPv6 address' },
    { name: 'NODE', type: 'string', jsonPath: '.status.current.node', description: 'Node' },
  ],
});
