// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { IpSet } from '../ip/ip-set.ts';
import { planAutoPoolResize } from './auto-pool-resize.ts';

const v4 = (...entries: string[]): IpSet => IpSet.fromRanges(4, entries, 'test');
const subnet = v4('192.0.2.10-192.0.2.30');

describe('planAutoPoolResize', () => {
  it('grows with the lowest addresses nobody else holds', () => {
    const plan = planAutoPoolResize({ current: v4('192.0.2.10-192.0.2.11'), allocated: v4(), desired: 5, subnetUsable: subnet, taken: v4('192.0.2.12', '192.0.2.14') });
    expect(plan.ips.toRanges()).toEqual(['192.0.2.10-192.0.2.11', '192.0.2.13', '192.0.2.15-192.0.2.16']);
    expect([plan.short, plan.surplus]).toEqual([0, 0]);
  });

  it('reports what the subnet could not give', () => {
    const plan = planAutoPoolResize({ current: v4(), allocated: v4(), desired: 5, subnetUsable: v4('192.0.2.10-192.0.2.12'), taken: v4('192.0.2.11') });
    expect(plan.ips.toRanges()).toEqual(['192.0.2.10', '192.0.2.12']);
    expect(plan.short).toBe(3);
  });

  it('shrinks by the highest addresses no pod holds, never one a pod holds', () => {
    const plan = planAutoPoolResize({ current: v4('192.0.2.10-192.0.2.14'), allocated: v4('192.0.2.14', '192.0.2.10'), desired: 3, subnetUsable: subnet, taken: v4() });
    expect(plan.ips.toRanges()).toEqual(['192.0.2.10-192.0.2.11', '192.0.2.14']);
    const tight = planAutoPoolResize({ current: v4('192.0.2.10-192.0.2.12'), allocated: v4('192.0.2.10-192.0.2.12'), desired: 1, subnetUsable: subnet, taken: v4() });
    expect(tight.ips.toRanges()).toEqual(['192.0.2.10-192.0.2.12']);
    expect(tight.surplus).toBe(2);
  });

  it('walks only as far as it needs in a huge IPv6 pool', () => {
    const big = IpSet.fromRanges(6, ['2001:db8::-2001:db8::ffff:ffff:ffff'], 'test');
    const plan = planAutoPoolResize({ current: big, allocated: IpSet.empty(6), desired: Number(big.size()) - 2, subnetUsable: big, taken: IpSet.empty(6) });
    expect(plan.ips.toRanges()).toEqual(['2001:db8::-2001:db8::ffff:ffff:fffd']);
  });

  it('changes nothing at the desired size', () => {
    const current = v4('192.0.2.20-192.0.2.22');
    expect(planAutoPoolResize({ current, allocated: v4(), desired: 3, subnetUsable: subnet, taken: v4() }).ips).toBe(current);
  });
});
