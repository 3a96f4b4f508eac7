// SPDX-License-Identifier: Apache-2.0
// Test-only in-memory fake of OUR OWN IpamService client: Allocate hands out a fixed set of
// addresses and remembers them, Release forgets them and records the request.
import { IpVersion, type IPConfig } from '@spiderpool/proto';
import type { IpamClient } from '../spiderpool-plugin.ts';

export type ReleaseCall = Parameters<IpamClient['release']>[0];

export interface FakeIpam {
  client: IpamClient;
  /** Addresses currently allocated. */
  held: Set<string>;
  releases: ReleaseCall[];
  /** Makes Release fail, to test that a failed roll-back does not hide the original error. */
  failRelease: boolean;
}

/** One allocated address; defaults: IPv4, eth0, no gateway, detection off. */
export function ipConfig(o: Partial<Omit<IPConfig, '$typeName' | '$unknown'>> & { address: string }): IPConfig {
  return {
    $typeName: 'spiderpool.ipam.v1.IPConfig',
    version: o.address.includes(':') ? IpVersion.V6 : IpVersion.V4,
    pool: 'pool-a',
    gateway: '',
    nic: 'eth0',
    vlan: 0,
    mac: '',
    enableGatewayDetection: false,
    enableIpConflictDetection: false,
    ...o,
  };
}

const notUsed = async (): Promise<never> => {
  throw new Error('fake ipam: not used by these tests');
};

export function fakeIpam(ips: IPConfig[]): FakeIpam {
  const fake: FakeIpam = {
    held: new Set(),
    releases: [],
    failRelease: false,
    client: {
      allocate: async () => {
        for (const ip of ips) fake.held.add(ip.address);
        return { $typeName: 'spiderpool.ipam.v1.AllocateResponse', ips, routes: [] };
      },
      release: async (req) => {
        fake.releases.push(req);
        if (fake.failRelease) throw new Error('ipam-service unavailable');
        const released = [...fake.held].map((ip) => ({ $typeName: 'spiderpool.ipam.v1.AllocationRecord' as const, pool: 'pool-a', ip, containerId: '', interface: '', node: '' }));
        fake.held.clear();
        return { $typeName: 'spiderpool.ipam.v1.ReleaseResponse', released, kept: false, keptReason: '', endpointRemoved: false };
      },
      check: notUsed,
      garbageCollect: notUsed,
      status: notUsed,
      close: () => undefined,
      waitForReady: async () => undefined,
    },
  };
  return fake;
}
