// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { buildRoutes, type RouteNic } from './routes.ts';

const eth0: RouteNic = {
  nic: 'eth0',
  cleanGateway: false,
  ips: [
    { version: 4, address: '192.0.2.10/24', gateway: '192.0.2.1', poolRoutes: [{ dst: '203.0.113.0/24', gw: '192.0.2.254' }] },
    { version: 6, address: '2001:db8:1::10/64', gateway: '2001:db8:1::1', poolRoutes: [] },
  ],
};
const net1: RouteNic = {
  nic: 'net1',
  cleanGateway: false,
  ips: [{ version: 4, address: '198.51.100.20/24', gateway: '198.51.100.1', poolRoutes: [] }],
};

describe('buildRoutes', () => {
  it('adds pool routes and a default route per family via the pool gateway', () => {
    expect(buildRoutes({ nics: [eth0], annotationRoutes: [] })).toEqual({
      routes: [
        { nic: 'eth0', dst: '0.0.0.0/0', gw: '192.0.2.1' },
        { nic: 'eth0', dst: '203.0.113.0/24', gw: '192.0.2.254' },
        { nic: 'eth0', dst: '::/0', gw: '2001:db8:1::1' },
      ],
      unattached: [],
    });
  });

  it('adds no default route for cleanGateway NICs or pools without gateway', () => {
    const clean = { ...eth0, cleanGateway: true };
    const noGateway: RouteNic = { nic: 'net1', cleanGateway: false, ips: [{ version: 4, address: '198.51.100.20/24', poolRoutes: [] }] };
    expect(buildRoutes({ nics: [clean, noGateway], annotationRoutes: [] }).routes).toEqual([
      { nic: 'eth0', dst: '203.0.113.0/24', gw: '192.0.2.254' },
    ]);
  });

  it('puts default routes only on defaultRouteNic when given', () => {
    const { routes } = buildRoutes({ nics: [eth0, net1], annotationRoutes: [], defaultRouteNic: 'net1' });
    expect(routes).toEqual([
      { nic: 'eth0', dst: '203.0.113.0/24', gw: '192.0.2.254' },
      { nic: 'net1', dst: '0.0.0.0/0', gw: '198.51.100.1' },
    ]);
  });

  it('gives every NIC its default route without defaultRouteNic (the coordinator sorts them out)', () => {
    const { routes } = buildRoutes({ nics: [eth0, net1], annotationRoutes: [] });
    expect(routes.filter((r) => r.dst === '0.0.0.0/0').map((r) => r.nic)).toEqual(['eth0', 'net1']);
  });

  it('attaches annotation routes to the NIC whose subnet contains the gateway', () => {
    const { routes, unattached } = buildRoutes({
      nics: [eth0, net1],
      annotationRoutes: [
        { dst: '10.0.0.0/8', gw: '198.51.100.254' },
        { dst: '2001:db8:9::/48', gw: '2001:db8:1::fe' },
        { dst: '172.16.0.0/12', gw: '192.0.2.200' },
      ],
      defaultRouteNic: 'eth0',
    });
    expect(routes.filter((r) => r.nic === 'net1')).toEqual([{ nic: 'net1', dst: '10.0.0.0/8', gw: '198.51.100.254' }]);
    expect(routes.filter((r) => r.nic === 'eth0').slice(-2)).toEqual([
      { nic: 'eth0', dst: '2001:db8:9::/48', gw: '2001:db8:1::fe' },
      { nic: 'eth0', dst: '172.16.0.0/12', gw: '192.0.2.200' },
    ]);
    expect(unattached).toEqual([]);
  });

  it('returns annotation routes that match no NIC subnet separately', () => {
    const stray = { dst: '10.0.0.0/8', gw: '203.0.113.1' };
    const { routes, unattached } = buildRoutes({ nics: [net1], annotationRoutes: [stray] });
    expect(routes).toEqual([{ nic: 'net1', dst: '0.0.0.0/0', gw: '198.51.100.1' }]);
    expect(unattached).toEqual([stray]);
  });

  it('removes duplicates after canonicalising the text', () => {
    const nic: RouteNic = {
      nic: 'eth0',
      cleanGateway: true,
      ips: [{ version: 6, address: '2001:db8:1::10/64', poolRoutes: [{ dst: '2001:DB8:9::/48', gw: '2001:db8:1::FE' }] }],
    };
    const { routes } = buildRoutes({ nics: [nic], annotationRoutes: [{ dst: '2001:db8:9::/48', gw: '2001:db8:1::fe' }] });
    expect(routes).toEqual([{ nic: 'eth0', dst: '2001:db8:9::/48', gw: '2001:db8:1::fe' }]);
  });

  it('is deterministic', () => {
    const input = { nics: [eth0, net1], annotationRoutes: [{ dst: '10.0.0.0/8', gw: '198.51.100.254' }] };
    expect(buildRoutes(input)).toEqual(buildRoutes(input));
  });
});
