// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import type { LinkState, NetnsState, RouteState, RuleState } from '../netlink/netns-state.ts';
import { effectiveConfig, type CoordinatorConfig } from './coordinator-config.ts';
import { parseCoordinatorNetconf } from './coordinator-netconf.ts';
import { planAdd, resolveMode, type PlanInput } from './coordinator-plan.ts';
import { hostVethName, type NetOp } from './net-ops.ts';
import { tableFor } from './policy-routing.ts';

const link = (index: number, name: string, addrs: string[] = [], extra: Partial<LinkState> = {}): LinkState => ({
  index,
  name,
  mac: '02:00:00:00:00:01',
  up: true,
  mtu: 1500,
  peerIndex: undefined,
  peerInOtherNetns: false,
  addresses: addrs.map((a) => {
    const [ip = '', prefix = '24'] = a.split('/');
    return { family: ip.includes(':') ? 6 : 4, ip, prefix: Number(prefix), scope: 'global', tentative: false, dadFailed: false };
  }),
  ...extra,
});
const route = (dst: string, dev: string, gw?: string, table = 'main', extra: Partial<RouteState> = {}): RouteState => ({
  family: dst.includes(':') ? 6 : 4, dst, gw, dev, table, scope: gw ? undefined : 'link', protocol: gw ? undefined : 'kernel', src: undefined, ...extra,
});
const rule = (src: string, table: string, family: 4 | 6 = 4): RuleState => ({ family, priority: 32765, src, table });

function config(over: Record<string, unknown> = {}): CoordinatorConfig {
  const netconf = parseCoordinatorNetconf(JSON.stringify({ cniVersion: '1.0.0', name: 'n', type: 'coordinator', serviceCIDR: ['10.96.0.0/12'], ...over }));
  return effectiveConfig(netconf, undefined, undefined);
}

const hostNs = (): NetnsState => ({ links: [link(1, 'lo'), link(2, 'up0', ['198.51.100.2/24'])], routes: [], rules: [] });

function input(pod: NetnsState, over: Partial<PlanInput> = {}): PlanInput {
  return { config: config(), ifName: 'eth0', containerId: 'abcdef0123456789', podNetns: '/var/run/netns/p', pod, host: hostNs(), hostIps: ['198.51.100.2'], gateways: { 4: '192.0.2.1' }, ...over };
}

const lines = (ops: NetOp[]): string[] =>
  ops.map((o) => (o.kind === 'ip' ? `${o.side}: ${o.family ? `-${o.family} ` : ''}${o.args.join(' ')}` : o.kind === 'sysctl' ? `${o.side}: sysctl ${o.key}=${o.value}` : `pod: announce ${o.ifName} ${o.ips.join(',')}`));

const eth0Pod = (): NetnsState => ({
  links: [link(1, 'lo'), link(3, 'eth0', ['192.0.2.10/24'])],
  routes: [route('0.0.0.0/0', 'eth0', '192.0.2.1'), route('192.0.2.0/24', 'eth0', undefined, 'main', { src: '192.0.2.10' })],
  rules: [],
});

describe('coordinator plan: underlay on the first NIC', () => {
  it('creates veth0, routes the node and the service CIDR through it, and routes the pod IP back on the node', () => {
    const plan = planAdd(input(eth0Pod()));
    expect(plan.mode).toBe('underlay');
    expect(plan.hostVeth).toBe('vethabcdef01234');
    expect(lines(plan.ops)).toEqual([
      'pod: sysctl net/ipv4/conf/all/rp_filter=0',
      'pod: sysctl net/ipv4/conf/eth0/rp_filter=0',
      'host: link add vethabcdef01234 mtu 1500 type veth peer name veth0 mtu 1500 netns /var/run/netns/p',
      'host: link set vethabcdef01234 up',
      'pod: link set veth0 up',
      'pod: route replace 198.51.100.2/32 dev veth0 scope link',
      'pod: route replace 10.96.0.0/12 via 198.51.100.2 dev veth0 onlink',
      'host: -4 rule add from all lookup 500 pref 1000',
      'host: route replace 192.0.2.10/32 dev vethabcdef01234 table 500',
    ]);
  });

  it('is idempotent: with veth0 and the host rule in place nothing is created twice', () => {
    const pod = eth0Pod();
    pod.links.push(link(4, 'veth0'));
    const host = hostNs();
    host.rules.push({ family: 4, priority: 1000, src: 'all', table: '500' });
    const text = lines(planAdd(input(pod, { host })).ops);
    expect(text.some((l) => l.includes('link add'))).toBe(false);
    expect(text.some((l) => l.includes('rule add'))).toBe(false);
    expect(text).toContain('host: route replace 192.0.2.10/32 dev vethabcdef01234 table 500');
  });

  it('dual stack: IPv6 goes through fixed link-local addresses of the veth pair', () => {
    const pod = eth0Pod();
    pod.links[1] = link(3, 'eth0', ['192.0.2.10/24', '2001:db8::10/64']);
    const text = lines(planAdd(input(pod, { hostIps: ['198.51.100.2', '2001:db8:1::2'], config: config({ serviceCIDR: ['10.96.0.0/12', 'fd00:96::/112'] }) })).ops);
    expect(text).toEqual(expect.arrayContaining([
      'host: addr replace fe80::1/64 dev vethabcdef01234 nodad',
      'pod: addr replace fe80::2/64 dev veth0 nodad',
      'pod: route replace 2001:db8:1::2/128 via fe80::1 dev veth0',
      'pod: route replace fd00:96::/112 via fe80::1 dev veth0',
      'host: -6 rule add from all lookup 500 pref 1000',
      'host: route replace 2001:db8::10/128 via fe80::2 dev vethabcdef01234 table 500',
    ]));
  });

  it('applies the MAC prefix from the IPv4 address, then announces it; txQueueLen; rp_filter left alone when negative', () => {
    const text = lines(planAdd(input(eth0Pod(), { config: config({ podMACPrefix: '0A:1b', txQueueLen: 3000, podRPFilter: -1 }) })).ops);
    expect(text.slice(0, 3)).toEqual(['pod: link set dev eth0 address 0a:1b:c0:00:02:0a', 'pod: announce eth0 192.0.2.10', 'pod: link set dev eth0 txqueuelen 3000']);
    expect(text.some((l) => l.includes('rp_filter'))).toBe(false);
  });

  it('vethLinkAddress and vethMTU shape veth0; hijackCIDR and the pod CIDR are routed like the service CIDR', () => {
    const text = lines(planAdd(input(eth0Pod(), { config: config({ vethLinkAddress: '169.254.200.1', vethMTU: 9000, hijackCIDR: ['169.254.25.10'], overlayPodCIDR: ['10.244.0.0/16'] }) })).ops);
    expect(text).toEqual(expect.arrayContaining([
      'host: link add vethabcdef01234 mtu 9000 type veth peer name veth0 mtu 9000 netns /var/run/netns/p',
      'pod: addr replace 169.254.200.1/32 dev veth0',
      'pod: route replace 10.244.0.0/16 via 198.51.100.2 dev veth0 onlink',
      'pod: route replace 169.254.25.10/32 via 198.51.100.2 dev veth0 onlink',
    ]));
  });

  it('disable does nothing', () => {
    expect(planAdd(input(eth0Pod(), { config: config({ mode: 'disabled' }) })).ops).toEqual([]);
  });
});

/** eth0 (first, coordinated) and net1 added by the main plugin with its own default route. */
function twoNicPod(): NetnsState {
  return {
    links: [link(1, 'lo'), link(3, 'eth0', ['192.0.2.10/24']), link(4, 'veth0'), link(5, 'net1', ['198.51.100.20/24'])],
    routes: [
      route('0.0.0.0/0', 'eth0', '192.0.2.1'),
      route('192.0.2.0/24', 'eth0', undefined, 'main', { src: '192.0.2.10' }),
      route('198.51.100.2/32', 'veth0'),
      route('0.0.0.0/0', 'net1', '198.51.100.1'),
      route('198.51.100.0/24', 'net1', undefined, 'main', { src: '198.51.100.20' }),
      route('203.0.113.0/24', 'net1', '198.51.100.254'),
    ],
    rules: [],
  };
}

describe('coordinator plan: a second NIC', () => {
  it('auto mode is underlay once veth0 exists, overlay otherwise; underlay without veth0 is refused', () => {
    expect(resolveMode(config(), 'net1', twoNicPod())).toBe('underlay');
    const noVeth = twoNicPod();
    noVeth.links = noVeth.links.filter((l) => l.name !== 'veth0');
    expect(resolveMode(config(), 'net1', noVeth)).toBe('overlay');
    expect(() => resolveMode(config({ mode: 'underlay' }), 'net1', noVeth)).toThrow(/needs veth0 .* enable the coordinator plugin on eth0/);
    expect(() => resolveMode(config({ mode: 'overlay' }), 'eth0', noVeth)).toThrow(/overlay mode cannot run on the first interface eth0/);
  });

  it('moves net1 into table 101: rule from its IP, its routes and default copied, main default removed, node routes via veth0', () => {
    const text = lines(planAdd(input(twoNicPod(), { ifName: 'net1', gateways: { 4: '198.51.100.1' } })).ops);
    expect(text).toEqual(expect.arrayContaining([
      'pod: rule add from 198.51.100.20 lookup 101',
      'pod: route replace 198.51.100.0/24 dev net1 scope link src 198.51.100.20 table 101',
      'pod: route replace 203.0.113.0/24 via 198.51.100.254 dev net1 table 101',
      'pod: route replace 0.0.0.0/0 via 198.51.100.1 dev net1 table 101',
      'pod: route del 0.0.0.0/0 via 198.51.100.1 dev net1',
      'pod: route replace 198.51.100.2/32 dev veth0 scope link table 101',
      'pod: route replace 10.96.0.0/12 via 198.51.100.2 dev veth0 onlink table 101',
      'host: route replace 198.51.100.20/32 dev vethabcdef01234 table 500',
    ]));
    // eth0 keeps the default route in main and veth0 is not created again.
    expect(text.some((l) => l.includes('dev eth0'))).toBe(false);
    expect(text.some((l) => l.includes('link add'))).toBe(false);
  });

  it('with podDefaultRouteNic net1, eth0 moves into table 100 and net1 keeps main', () => {
    const text = lines(planAdd(input(twoNicPod(), { ifName: 'net1', gateways: { 4: '198.51.100.1' }, config: config({ podDefaultRouteNic: 'net1' }) })).ops);
    expect(text).toEqual(expect.arrayContaining([
      'pod: rule add from 192.0.2.10 lookup 100',
      'pod: route replace 0.0.0.0/0 via 192.0.2.1 dev eth0 table 100',
      'pod: route del 0.0.0.0/0 via 192.0.2.1 dev eth0',
    ]));
    expect(text.some((l) => l.includes('lookup 101') || l.includes('route del 0.0.0.0/0 via 198.51.100.1'))).toBe(false);
  });

  it('policyRoutes go into the NIC table; an existing rule is not added again', () => {
    const pod = twoNicPod();
    pod.rules.push(rule('198.51.100.20/32', '101'));
    const text = lines(planAdd(input(pod, { ifName: 'net1', config: config({ policyRoutes: [{ dst: '203.0.113.128/25', gw: '198.51.100.253' }] }) })).ops);
    expect(text).toContain('pod: route replace 203.0.113.128/25 via 198.51.100.253 table 101');
    expect(text.some((l) => l.startsWith('pod: rule add'))).toBe(false);
  });

  it('tunePodRoutes false leaves the routes alone', () => {
    const text = lines(planAdd(input(twoNicPod(), { ifName: 'net1', config: config({ tunePodRoutes: false }) })).ops);
    expect(text.some((l) => l.includes('table 101') || l.includes('route del'))).toBe(false);
  });

  it('overlay: the node reaches net1 through the first NIC\'s host-side veth', () => {
    const pod = twoNicPod();
    pod.links = pod.links.filter((l) => l.name !== 'veth0');
    pod.links[1] = { ...link(3, 'eth0', ['192.0.2.10/24']), peerIndex: 9, peerInOtherNetns: true };
    const host = hostNs();
    host.links.push(link(9, 'cali12345'));
    const text = lines(planAdd(input(pod, { ifName: 'net1', host })).ops);
    expect(text).toEqual(expect.arrayContaining([
      'host: route replace 198.51.100.20/32 dev cali12345 table 500',
      'pod: rule add from 198.51.100.20 lookup 101',
      'pod: route replace 10.96.0.0/12 via 192.0.2.1 dev eth0 onlink table 101',
    ]));
  });
});

describe('policy table numbers', () => {
  it('come from the trailing number of the NIC name, else from its ifindex', () => {
    const pod: NetnsState = { links: [link(7, 'data')], routes: [], rules: [] };
    expect([tableFor('eth0', pod), tableFor('net1', pod), tableFor('net12', pod), tableFor('data', pod)]).toEqual([100, 101, 112, 107]);
  });
});

describe('host veth names', () => {
  it('use a hex container ID prefix, else a hash; always 15 bytes', () => {
    expect(hostVethName('0123456789abcdef0123')).toBe('veth0123456789a');
    const hashed = hostVethName('cnitool-77383ca0a0715733ca6f');
    expect(hashed).toMatch(/^veth[0-9a-f]{11}$/);
    expect(hashed).not.toBe(hostVethName('cnitool-77383ca0a0715733ca70'));
  });
});
