// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import type { SpiderCoordinator } from '@spiderpool/crds';
import { CniCode } from '../cni/cni-types.ts';
import { effectiveConfig } from './coordinator-config.ts';
import { parseCoordinatorNetconf } from './coordinator-netconf.ts';

const conf = (over: Record<string, unknown> = {}): string => JSON.stringify({ cniVersion: '1.1.0', name: 'n', type: 'coordinator', ...over });

function errorOf(fn: () => unknown): { code: number; message: string } {
  try {
    fn();
  } catch (err) {
    return err as { code: number; message: string };
  }
  throw new Error('expected an error');
}

describe('coordinator netconf', () => {
  it.each([
    [{ mode: 'sideways' }, 'mode must be one of auto, underlay, overlay, disable'],
    [{ tunePodRoutes: 'yes' }, 'tunePodRoutes must be true or false'],
    [{ podDefaultRouteNic: 'a/b' }, 'podDefaultRouteNic must be an interface name'],
    [{ podMACPrefix: '01:00' }, 'podMACPrefix must start with a unicast byte'],
    [{ podMACPrefix: 'zz:00' }, 'podMACPrefix must be two hex bytes'],
    [{ serviceCIDR: ['10.96.0.0/33'] }, 'serviceCIDR[0] must be a CIDR'],
    [{ hijackCIDR: 'x' }, 'hijackCIDR must be a list of CIDRs'],
    [{ policyRoutes: [{ dst: '203.0.113.0/24', gw: '2001:db8::1' }] }, 'policyRoutes[0] dst and gw must be of the same IP family'],
    [{ policyRoutes: [{ dst: '203.0.113.0/24' }] }, 'policyRoutes[0].gw must be an IP address'],
    [{ hostRuleTable: 0 }, 'hostRuleTable must be an integer from 1 to 4294967295'],
    [{ hostRuleTable: 254 }, 'hostRuleTable must not be 253, 254 or 255'],
    [{ podRPFilter: 3 }, 'podRPFilter must be an integer from -1 to 2'],
    [{ txQueueLen: -1 }, 'txQueueLen must be an integer'],
    [{ vethLinkAddress: '2001:db8::1' }, 'vethLinkAddress must be an IPv4 address'],
    [{ vethMTU: 0 }, 'vethMTU must be an integer from 68'],
    [{ prevResult: [] }, 'prevResult must be an object'],
  ])('%j is refused with code 7 naming the field', (over, message) => {
    const err = errorOf(() => parseCoordinatorNetconf(conf(over)));
    expect(err.code).toBe(CniCode.INVALID_NETCONF);
    expect(err.message).toContain(`invalid network config: ${message}`);
  });

  it('refuses undecodable JSON (6) and an unsupported version (1)', () => {
    expect(errorOf(() => parseCoordinatorNetconf('{')).code).toBe(CniCode.DECODE_FAILURE);
    expect(errorOf(() => parseCoordinatorNetconf(conf({ cniVersion: '9.9.9' }))).code).toBe(CniCode.INCOMPATIBLE_VERSION);
  });

  it('normalises bare IPs in hijackCIDR and policy route destinations', () => {
    const n = parseCoordinatorNetconf(conf({ hijackCIDR: ['169.254.25.10', '2001:db8::53'], policyRoutes: [{ dst: '203.0.113.7', gw: '192.0.2.1' }] }));
    expect(n.hijackCIDR).toEqual(['169.254.25.10/32', '2001:db8::53/128']);
    expect(n.policyRoutes).toEqual([{ dst: '203.0.113.7/32', gw: '192.0.2.1' }]);
  });
});

describe('effective coordinator settings', () => {
  const scc: SpiderCoordinator = {
    metadata: { name: 'default' },
    spec: { mode: 'underlay', podCIDRType: 'cluster', podMACPrefix: '0a:0b', hostRuleTable: 600, podDefaultRouteNIC: 'net2', txQueueLen: 100, vethMTU: 1450 },
    status: { phase: 'Synced', serviceCIDR: ['10.96.0.0/12'], overlayPodCIDR: ['10.244.0.0/16'] },
  };

  it('fills what the netconf leaves out from the SpiderCoordinator, else defaults', () => {
    const c = effectiveConfig(parseCoordinatorNetconf(conf()), scc, undefined);
    expect(c).toMatchObject({ mode: 'underlay', podMACPrefix: '0a:0b', hostRuleTable: 600, podDefaultRouteNic: 'net2', txQueueLen: 100, vethMTU: 1450, serviceCIDR: ['10.96.0.0/12'], overlayPodCIDR: ['10.244.0.0/16'], tunePodRoutes: true, podRPFilter: 0 });
    expect(effectiveConfig(parseCoordinatorNetconf(conf()), undefined, undefined)).toMatchObject({ mode: 'auto', hostRuleTable: 500, vethMTU: 1500, podDefaultRouteNic: '', podDefaultCniNic: 'eth0' });
  });

  it('netconf values win; the pod annotation wins over the SpiderCoordinator for the default-route NIC', () => {
    const c = effectiveConfig(parseCoordinatorNetconf(conf({ mode: 'overlay', hostRuleTable: 700, serviceCIDR: [] })), scc, 'net1');
    expect(c).toMatchObject({ mode: 'overlay', hostRuleTable: 700, serviceCIDR: [], podDefaultRouteNic: 'net1' });
    expect(effectiveConfig(parseCoordinatorNetconf(conf({ podDefaultRouteNic: 'net3' })), scc, 'net1').podDefaultRouteNic).toBe('net3');
  });

  it('a SpiderCoordinator with a bad field is refused naming the CR and the field', () => {
    const bad: SpiderCoordinator = { metadata: { name: 'default' }, spec: { podMACPrefix: '03:00' } };
    expect(errorOf(() => effectiveConfig(parseCoordinatorNetconf(conf()), bad, undefined)).message).toContain('SpiderCoordinator default spec.podMACPrefix must start with a unicast byte');
  });
});
