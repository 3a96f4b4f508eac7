// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { isSpiderpoolError } from '@spiderpool/errors';
import { applicationKey, autoPoolWants, isBuiltInController, subnetChoices } from './auto-pool-request.ts';

const app = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'team-a', name: 'web', uid: '7d3c2a10-1111-4222-8333-abcdef012345' };
const settings = { enableIPv4: true, enableIPv6: true, defaultExtra: 1 };
const SUBNET = 'ipam.spidernet.io/subnet';
const SUBNETS = 'ipam.spidernet.io/subnets';

describe('subnetChoices', () => {
  it('takes the first subnet of each family per NIC and drops disabled families', () => {
    const annotations = { [SUBNETS]: '[{"interface":"eth0","ipv4":["a","b"],"ipv6":["c"]},{"interface":"net1","ipv6":["d"]}]' };
    expect(subnetChoices(annotations, { enableIPv4: true, enableIPv6: false })).toEqual({ key: SUBNETS, choices: [{ nic: 'eth0', version: 4, subnet: 'a' }] });
    expect(subnetChoices({}, settings)).toBeUndefined();
  });
});

describe('autoPoolWants', () => {
  it('wants one pool per NIC and family, sized replicas + the cluster default', () => {
    const wants = autoPoolWants({ app, annotations: { [SUBNET]: '{"interface":"eth0","ipv4":["s4"],"ipv6":["s6"]}' }, replicas: 3 }, settings);
    expect(wants.map((w) => [w.name, w.target.version, w.target.subnet, w.desired, w.ipNumber, w.target.reclaim])).toEqual([
      ['auto4-web-eth0-abcde', 4, 's4', 4, '+1', true],
      ['auto6-web-eth0-abcde', 6, 's6', 4, '+1', true],
    ]);
  });

  it('uses a fixed size, +N, and the reclaim annotation', () => {
    const fixed = autoPoolWants({ app, annotations: { [SUBNET]: '{"ipv4":["s4"]}', 'ipam.spidernet.io/ippool-ip-number': '7', 'ipam.spidernet.io/ippool-reclaim': 'false' }, replicas: 3 }, settings);
    expect(fixed.map((w) => [w.desired, w.ipNumber, w.target.reclaim])).toEqual([[7, '7', false]]);
    const relative = autoPoolWants({ app, annotations: { [SUBNET]: '{"ipv4":["s4"]}', 'ipam.spidernet.io/ippool-ip-number': '+0' }, replicas: 3 }, settings);
    expect(relative.map((w) => [w.desired, w.ipNumber])).toEqual([[3, '+0']]);
  });

  it('requires the size annotation of a third-party application, where +N means N', () => {
    const widget = { ...app, apiVersion: 'e2e.spidernet.io/v1', kind: 'Widget' };
    expect(autoPoolWants({ app: widget, annotations: { [SUBNET]: '{"ipv4":["s4"]}', 'ipam.spidernet.io/ippool-ip-number': '+2' }, replicas: undefined }, settings)[0]?.desired).toBe(2);
    let err: unknown;
    try {
      autoPoolWants({ app: widget, annotations: { [SUBNET]: '{"ipv4":["s4"]}' }, replicas: undefined }, settings);
    } catch (e) {
      err = e;
    }
    expect(isSpiderpoolError(err, 'INVALID_INPUT')).toBe(true);
  });

  it('wants nothing without a subnet annotation, and refuses subnets only of disabled families', () => {
    expect(autoPoolWants({ app, annotations: {}, replicas: 2 }, settings)).toEqual([]);
    expect(() => autoPoolWants({ app, annotations: { [SUBNET]: '{"ipv6":["s6"]}' }, replicas: 2 }, { ...settings, enableIPv6: false })).toThrow(/disabled IP families/);
  });
});

describe('application keys and controller kinds', () => {
  it('writes upstream\'s application string', () => {
    expect(applicationKey(app)).toBe('apps_v1_Deployment_team-a_web');
    expect(applicationKey({ apiVersion: 'v1', kind: 'ReplicationController', namespace: 'n', name: 'r' })).toBe('_v1_ReplicationController_n_r');
  });

  it('knows core, apps and batch as built-in controllers', () => {
    expect(['v1', 'apps/v1', 'batch/v1'].map(isBuiltInController)).toEqual([true, true, true]);
    expect(['apps.kruise.io/v1alpha1', 'e2e.spidernet.io/v1'].map(isBuiltInController)).toEqual([false, false]);
  });
});
