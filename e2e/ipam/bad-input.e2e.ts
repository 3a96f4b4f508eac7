// SPDX-License-Identifier: Apache-2.0
// Bad input end to end: every malformed annotation and request field is refused with a code and
// a message naming the annotation or field and the broken rule, and nothing is written — no pool
// record, no SpiderEndpoint.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { uniqueName } from '../testbed/index.ts';
import {
  addRequest, createNamespace, createNode, createPod, createPool, endpointOf, poolRecords,
  startIpamServices, stopIpamServices, type IpamClient, type IpamProcess, type PodObject,
} from './ipam-harness.ts';

const IPPOOL = 'ipam.spidernet.io/ippool';
const IPPOOLS = 'ipam.spidernet.io/ippools';
const ROUTES = 'ipam.spidernet.io/routes';
const DEFAULT_ROUTE_NIC = 'ipam.spidernet.io/default-route-nic';
const NS_V4 = 'ipam.spidernet.io/default-ipv4-ippool';
const SUBNET = 'ipam.spidernet.io/subnet';
const SUBNETS = 'ipam.spidernet.io/subnets';
const DEFAULT_NET = 'v1.multus-cni.io/default-network';
const NETWORKS = 'k8s.v1.cni.cncf.io/networks';

let services: IpamProcess[];
let svc: IpamClient;
/**
 * A replica with SPIDERPOOL_ENABLE_SPIDER_SUBNET=true, without the subnet controller (which acts
 * on every application of the shared cluster; e2e/subnet runs the one controller of the run).
 */
let withSubnets: IpamClient;
let ns: string;
let node: string;
/** Valid pools every case could allocate from if its input were accepted. */
let v4: string;
let v4b: string;
let v6: string;

beforeAll(async () => {
  const [plain, subnets] = await Promise.all([startIpamServices(1), startIpamServices(1, { env: { SPIDERPOOL_ENABLE_SPIDER_SUBNET: 'true', SPIDERPOOL_SUBNET_CONTROLLER_ENABLED: 'false' } })]);
  services = [...plain, ...subnets];
  svc = services[0]!.client;
  withSubnets = services[1]!.client;
  [ns, node] = await Promise.all([createNamespace(), createNode()]);
  [v4, v4b, v6] = await Promise.all([
    createPool({ subnet: '192.0.2.0/24', ips: ['192.0.2.200-192.0.2.209'], gateway: '192.0.2.1' }),
    createPool({ subnet: '198.51.100.0/24', ips: ['198.51.100.200-198.51.100.209'], gateway: '198.51.100.1' }),
    createPool({ ipVersion: 6, subnet: '2001:db8:bad::/64', ips: ['2001:db8:bad::10-2001:db8:bad::19'] }),
  ]);
});
afterAll(async () => stopIpamServices(services));

const valid = (): Record<string, string> => ({ [IPPOOL]: JSON.stringify({ ipv4: [v4] }) });
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

interface Case {
  title: string;
  annotations?: Record<string, string>;
  /** Namespace annotations (a fresh namespace is created for the case). */
  namespaceAnnotations?: Record<string, string>;
  nic?: string;
  node?: string;
  client?: () => IpamClient;
  code: 'INVALID_INPUT' | 'NO_AVAILABLE_POOL' | 'NOT_SUPPORTED';
  /** Pieces the message must contain, in order (annotation or field, then the rule). */
  message: string[];
}

/** Runs one ADD that must fail and proves it wrote nothing. */
async function expectRefused(c: Case): Promise<void> {
  const namespace = c.namespaceAnnotations ? await createNamespace({}, c.namespaceAnnotations) : ns;
  const pod = await createPod({ namespace, node: c.node ?? node, annotations: c.annotations ?? {} });
  const client = c.client?.() ?? svc;
  const err = await client.allocate(addRequest(pod, c.node ?? node, c.nic ?? 'eth0')).catch((e: unknown) => e);
  expect(err).toMatchObject({ code: c.code });
  expect((err as Error).message).toMatch(new RegExp(c.message.map(escape).join('.*')));
  await expectNothingWritten(pod);
}

async function expectNothingWritten(pod: PodObject): Promise<void> {
  for (const pool of [v4, v4b, v6]) expect((await poolRecords(pool)).records.size).toBe(0);
  expect(await endpointOf(pod.metadata.namespace, pod.metadata.name)).toBeUndefined();
}

const ippoolsCases = (): Case[] => [
  { title: 'not JSON', annotations: { [IPPOOLS]: '[{"interface":' }, code: 'INVALID_INPUT', message: [IPPOOLS, 'not valid JSON'] },
  { title: 'an empty array', annotations: { [IPPOOLS]: '[]' }, code: 'INVALID_INPUT', message: [IPPOOLS, 'with at least one entry'] },
  {
    title: 'interface set on some entries only',
    annotations: { [IPPOOLS]: JSON.stringify([{ interface: 'eth0', ipv4: [v4] }, { ipv4: [v4b] }]) },
    code: 'INVALID_INPUT',
    message: [IPPOOLS, 'must set "interface" on every entry or on none'],
  },
  {
    title: 'an interface listed twice',
    annotations: { [IPPOOLS]: JSON.stringify([{ interface: 'eth0', ipv4: [v4] }, { interface: 'eth0', ipv4: [v4b] }]) },
    code: 'INVALID_INPUT',
    message: [IPPOOLS, 'lists interface "eth0" twice'],
  },
  {
    title: 'no entry for the NIC being set up',
    annotations: { [IPPOOLS]: JSON.stringify([{ interface: 'net1', ipv4: [v4] }]) },
    code: 'INVALID_INPUT',
    message: [IPPOOLS, 'must list interface "eth0"'],
  },
  {
    title: 'cleangateway that is not a boolean',
    annotations: { [IPPOOLS]: JSON.stringify([{ interface: 'eth0', ipv4: [v4], cleangateway: 'yes' }]) },
    code: 'INVALID_INPUT',
    message: [IPPOOLS, 'cleangateway must be true or false'],
  },
];

const ippoolCases = (): Case[] => [
  { title: 'an array instead of an object', annotations: { [IPPOOL]: JSON.stringify([v4]) }, code: 'INVALID_INPUT', message: [IPPOOL, 'must be a JSON object'] },
  { title: 'ipv4 as a string', annotations: { [IPPOOL]: JSON.stringify({ ipv4: v4 }) }, code: 'INVALID_INPUT', message: [IPPOOL, 'ipv4 must be an array of names'] },
  { title: 'no pool at all', annotations: { [IPPOOL]: '{}' }, code: 'INVALID_INPUT', message: [IPPOOL, 'must name at least one IPv4 or IPv6 pool'] },
  { title: 'a pool named twice', annotations: { [IPPOOL]: JSON.stringify({ ipv4: [v4, v4] }) }, code: 'INVALID_INPUT', message: [IPPOOL, `lists "${v4}" twice`] },
];

const routesCases = (): Case[] => [
  { title: 'not JSON', annotations: { ...valid(), [ROUTES]: '[{"dst"' }, code: 'INVALID_INPUT', message: [ROUTES, 'not valid JSON'] },
  {
    title: 'a dst that is not a CIDR',
    annotations: { ...valid(), [ROUTES]: JSON.stringify([{ dst: '203.0.113.1', gw: '192.0.2.254' }]) },
    code: 'INVALID_INPUT',
    message: [ROUTES, 'dst "203.0.113.1" must be a CIDR'],
  },
  {
    title: 'a gateway of the other family',
    annotations: { ...valid(), [ROUTES]: JSON.stringify([{ dst: '2001:db8:1::/64', gw: '192.0.2.254' }]) },
    code: 'INVALID_INPUT',
    message: [ROUTES, 'must be of the same IP family'],
  },
  {
    title: 'a default route',
    annotations: { ...valid(), [ROUTES]: JSON.stringify([{ dst: '0.0.0.0/0', gw: '192.0.2.254' }]) },
    code: 'INVALID_INPUT',
    message: [ROUTES, 'must not be a default route'],
  },
];

const defaultRouteNicCases = (): Case[] => [
  { title: 'a slash', annotations: { ...valid(), [DEFAULT_ROUTE_NIC]: 'net1/x' }, code: 'INVALID_INPUT', message: [DEFAULT_ROUTE_NIC, 'must be an interface name'] },
  { title: 'a name too long', annotations: { ...valid(), [DEFAULT_ROUTE_NIC]: 'net-with-a-long-name' }, code: 'INVALID_INPUT', message: [DEFAULT_ROUTE_NIC, 'must be an interface name'] },
];

const namespaceCases = (): Case[] => [
  { title: 'an object', namespaceAnnotations: { [NS_V4]: JSON.stringify({ pool: v4 }) }, code: 'INVALID_INPUT', message: [NS_V4, 'must be a JSON array of pool names'] },
  { title: 'a number in the list', namespaceAnnotations: { [NS_V4]: '[1]' }, code: 'INVALID_INPUT', message: [NS_V4, 'must hold non-empty strings'] },
  { title: 'a bare name', namespaceAnnotations: { [NS_V4]: 'pool-a' }, code: 'INVALID_INPUT', message: [NS_V4, 'not valid JSON'] },
];

const subnetCases = (): Case[] => [
  {
    title: 'subnet (valid) on a pod without a controller → NOT_SUPPORTED',
    annotations: { ...valid(), [SUBNET]: JSON.stringify({ interface: 'eth0', ipv4: ['subnet-a'] }) },
    client: () => withSubnets,
    code: 'NOT_SUPPORTED',
    message: ['has no controller', 'auto-pools belong to applications'],
  },
  {
    title: 'subnets (valid, winning over subnet) on a pod without a controller → NOT_SUPPORTED',
    annotations: { ...valid(), [SUBNET]: '{"ipv4":["subnet-a"]}', [SUBNETS]: JSON.stringify([{ interface: 'eth0', ipv4: ['subnet-a'] }]) },
    client: () => withSubnets,
    code: 'NOT_SUPPORTED',
    message: ['has no controller'],
  },
  {
    title: 'subnets not listing the NIC being set up',
    annotations: { ...valid(), [SUBNETS]: JSON.stringify([{ interface: 'net1', ipv4: ['subnet-a'] }]) },
    client: () => withSubnets,
    code: 'INVALID_INPUT',
    message: [SUBNETS, 'must list interface "eth0"'],
  },
  {
    title: 'subnet with ipv4 as a string',
    annotations: { ...valid(), [SUBNET]: JSON.stringify({ ipv4: 'subnet-a' }) },
    client: () => withSubnets,
    code: 'INVALID_INPUT',
    message: [SUBNET, 'ipv4 must be an array of names'],
  },
  {
    title: 'subnets using one subnet for two interfaces',
    annotations: { ...valid(), [SUBNETS]: JSON.stringify([{ interface: 'eth0', ipv4: ['subnet-a'] }, { interface: 'net1', ipv4: ['subnet-a'] }]) },
    client: () => withSubnets,
    code: 'INVALID_INPUT',
    message: [SUBNETS, 'uses SpiderSubnet "subnet-a" for more than one interface'],
  },
];

const multusCases = (): Case[] => [
  { title: 'networks with two slashes', annotations: { ...valid(), [NETWORKS]: 'ns/a/b' }, nic: 'net1', code: 'INVALID_INPUT', message: [NETWORKS, 'must be [namespace/]name[@interface]'] },
  { title: 'networks JSON entry without a name', annotations: { ...valid(), [NETWORKS]: '[{"namespace":"x"}]' }, nic: 'net1', code: 'INVALID_INPUT', message: [NETWORKS, 'name is required'] },
  { title: 'networks with an invalid name', annotations: { ...valid(), [NETWORKS]: 'Bad_Name' }, nic: 'net1', code: 'INVALID_INPUT', message: [NETWORKS, 'must be a DNS-1123 subdomain'] },
  { title: 'default-network naming two networks', annotations: { ...valid(), [DEFAULT_NET]: 'a,b' }, code: 'INVALID_INPUT', message: [DEFAULT_NET, 'must name exactly one network'] },
  {
    // net1's network is read while eth0 is being set up: nothing may be written for eth0 either.
    title: 'networks broken for net1 of an ippools pod, at the ADD of eth0',
    annotations: { [IPPOOLS]: JSON.stringify([{ interface: 'eth0', ipv4: [v4] }, { interface: 'net1', ipv4: [v4b] }]), [NETWORKS]: 'ns/a/b' },
    code: 'INVALID_INPUT',
    message: [NETWORKS, 'must be [namespace/]name[@interface]'],
  },
];

const poolCases = (): Case[] => [
  {
    title: 'an unknown pool',
    annotations: { [IPPOOL]: JSON.stringify({ ipv4: ['no-such-pool-e2e'] }) },
    code: 'NO_AVAILABLE_POOL',
    message: ['all IPv4 IPPools [no-such-pool-e2e] of eth0 filtered out', 'no-such-pool-e2e: no such SpiderIPPool'],
  },
  { title: 'a pool of the wrong family', annotations: { [IPPOOL]: JSON.stringify({ ipv4: [v6] }) }, code: 'NO_AVAILABLE_POOL', message: [`${v6}: is an IPv6 pool, not IPv4`] },
  {
    // The IPv4 half is fine; the IPv6 half must fail before the IPv4 address is taken.
    title: 'a dual-stack request whose IPv6 pool is IPv4',
    annotations: { [IPPOOL]: JSON.stringify({ ipv4: [v4], ipv6: [v4b] }) },
    code: 'NO_AVAILABLE_POOL',
    message: [`all IPv6 IPPools [${v4b}] of eth0 filtered out`, `${v4b}: is an IPv4 pool, not IPv6`],
  },
];

describe.each([
  ['ipam.spidernet.io/ippools', ippoolsCases],
  ['ipam.spidernet.io/ippool', ippoolCases],
  ['ipam.spidernet.io/routes', routesCases],
  ['ipam.spidernet.io/default-route-nic', defaultRouteNicCases],
  ['namespace ipam.spidernet.io/default-ipv4-ippool', namespaceCases],
  ['ipam.spidernet.io/subnet and subnets (SpiderSubnet enabled)', subnetCases],
  ['Multus network annotations', multusCases],
  ['pool names', poolCases],
])('%s', (_group, cases) => {
  it('refuses every malformed value and writes nothing', async () => {
    for (const c of cases()) {
      try {
        await expectRefused(c);
      } catch (err) {
        throw new Error(`case "${c.title}": ${(err as Error).message}`, { cause: err });
      }
    }
  });
});

describe('other refusals', () => {
  it('refuses a pod on a node outside the pool’s nodeAffinity', async () => {
    const rack = uniqueName('rack');
    const pinned = await createPool({ subnet: '192.0.2.0/24', ips: ['192.0.2.210'], nodeAffinity: { matchLabels: { 'e2e.spidernet.io/rack': rack } } });
    const pod = await createPod({ namespace: ns, node, annotations: { [IPPOOL]: JSON.stringify({ ipv4: [pinned] }) } });
    const err = await svc.allocate(addRequest(pod, node)).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'NO_AVAILABLE_POOL' });
    expect((err as Error).message).toContain(`${pinned}: spec.nodeAffinity does not match the labels of node ${node}`);
    expect((await poolRecords(pinned)).records.size).toBe(0);
    await expectNothingWritten(pod);
  });

  it('ignores the subnet annotations while SpiderSubnet is disabled', async () => {
    const pool = await createPool({ subnet: '203.0.113.0/24', ips: ['203.0.113.200'] });
    const pod = await createPod({ namespace: ns, node, annotations: { [IPPOOL]: JSON.stringify({ ipv4: [pool] }), [SUBNET]: 'not even JSON', [SUBNETS]: '[]' } });
    const res = await svc.allocate(addRequest(pod, node));
    expect(res.ips).toEqual([expect.objectContaining({ pool, address: '203.0.113.200/24' })]);
  });
});

describe('malformed gRPC requests', () => {
  let pod: PodObject;
  beforeAll(async () => {
    pod = await createPod({ namespace: ns, node, annotations: valid() });
  });

  const base = () => addRequest(pod, node);
  const cases: Array<[string, () => Record<string, unknown>, string[]]> = [
    ['a missing pod name', () => ({ ...base(), pod: { ...base().pod, name: '' } }), ['pod.name', 'is required']],
    ['a namespace that is not a DNS label', () => ({ ...base(), pod: { ...base().pod, namespace: 'Bad_NS' } }), ['pod.namespace', '"Bad_NS"', 'must be a valid Kubernetes DNS label']],
    ['a missing container id', () => ({ ...base(), attachment: { ...base().attachment, containerId: '' } }), ['attachment.container_id', 'is required']],
    ['an interface name with a colon', () => ({ ...base(), attachment: { ...base().attachment, interface: 'eth0:1' } }), ['attachment.interface', '"eth0:1"', 'must be a Linux interface name']],
    ['an interface name of 16 characters', () => ({ ...base(), attachment: { ...base().attachment, interface: 'a'.repeat(16) } }), ['attachment.interface', 'must be a Linux interface name']],
    ['a missing node', () => ({ ...base(), node: '' }), ['node', 'is required']],
    ['an empty netconf pool name', () => ({ ...base(), defaultIpv4Pools: [' '] }), ['default_ipv4_pools[0]', 'must not be empty']],
  ];

  it.each(cases)('Allocate with %s → INVALID_INPUT naming the field and rule, nothing written', async (_title, request, message) => {
    const err = await svc.allocate(request()).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'INVALID_INPUT' });
    expect((err as Error).message).toMatch(new RegExp(message.map(escape).join('.*')));
    await expectNothingWritten(pod);
  });

  it('GarbageCollect without a node or with an attachment lacking its interface → INVALID_INPUT', async () => {
    const noNode = await svc.garbageCollect({ node: '', validAttachments: [] }).catch((e: unknown) => e);
    expect(noNode).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/^wrong input: node: .*is required/) });
    const noNic = await svc.garbageCollect({ node, validAttachments: [{ containerId: 'c1', interface: '' }] }).catch((e: unknown) => e);
    expect(noNic).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/valid_attachments\[0\]\.interface.*is required/) });
  });

  it('a GC Release without the pod UID → INVALID_INPUT (the ownership guard needs it)', async () => {
    const err = await svc.release({ pod: { namespace: ns, name: pod.metadata.name, uid: '' }, reason: 3, allInterfaces: true }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/pod\.uid.*is required for a GC release/) });
  });
});
