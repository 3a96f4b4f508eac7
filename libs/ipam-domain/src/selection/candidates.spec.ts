// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { isSpiderpoolError } from '@spiderpool/errors';
import type { IpamSettings, NamespaceFacts, NicRequest, PodFacts } from '../types.ts';
import { planNics } from './candidates.ts';
import { namespaceFixture, podFixture, requestFixture, settingsFixture } from './selection-fixtures.ts';

const IPPOOLS = 'ipam.spidernet.io/ippools';
const IPPOOL = 'ipam.spidernet.io/ippool';
const NS_V4 = 'ipam.spidernet.io/default-ipv4-ippool';
const NS_V6 = 'ipam.spidernet.io/default-ipv6-ippool';

interface Case {
  pod?: Partial<PodFacts>;
  namespace?: Partial<NamespaceFacts>;
  request?: Partial<NicRequest>;
  settings?: Partial<IpamSettings>;
}

function plan(c: Case = {}): ReturnType<typeof planNics> {
  return planNics({
    pod: podFixture(c.pod),
    namespace: namespaceFixture(c.namespace),
    request: requestFixture(c.request),
    settings: settingsFixture(c.settings),
  });
}

function errorOf(run: () => unknown): Error & { code?: string; field?: string } {
  try {
    run();
  } catch (err) {
    return err as Error & { code?: string };
  }
  throw new Error('expected an error');
}

const netconf = { defaultIpv4Pools: ['conf-v4'], defaultIpv6Pools: ['conf-v6'] };
const nsAnnotations = { [NS_V4]: '["ns-v4"]', [NS_V6]: '["ns-v6"]' };

describe('planNics priority', () => {
  it('falls back to the cluster default when nothing else names pools', () => {
    const { plans, current } = plan();
    expect(current).toEqual({ nic: 'eth0', cleanGateway: false, ipv4: [], ipv6: [], source: 'cluster-default' });
    expect(plans).toEqual([current]);
  });

  it('uses netconf default pools before the cluster default', () => {
    expect(plan({ request: netconf }).current).toMatchObject({ ipv4: ['conf-v4'], ipv6: ['conf-v6'], source: 'netconf' });
  });

  it('uses namespace annotations before netconf, without merging', () => {
    const { current } = plan({ namespace: { annotations: { [NS_V4]: '["ns-v4"]' } }, request: netconf });
    expect(current).toMatchObject({ ipv4: ['ns-v4'], ipv6: [], source: 'namespace-annotation' });
  });

  it('skips empty namespace annotations', () => {
    const { current } = plan({ namespace: { annotations: { [NS_V4]: '[]', [NS_V6]: '[]' } }, request: netconf });
    expect(current.source).toBe('netconf');
  });

  it('uses the ippool annotation before namespace annotations', () => {
    const { plans, current } = plan({
      pod: { annotations: { [IPPOOL]: '{"ipv4":["pod-v4"]}' } },
      namespace: { annotations: nsAnnotations },
      request: { ...netconf, nic: 'net1', cleanGateway: true },
    });
    expect(current).toEqual({ nic: 'net1', cleanGateway: true, ipv4: ['pod-v4'], ipv6: [], source: 'ippool-annotation' });
    expect(plans).toEqual([current]);
  });

  it('uses the ippools annotation before ippool, planning all NICs', () => {
    const { plans, current } = plan({
      pod: {
        annotations: {
          [IPPOOL]: '{"ipv4":["pod-v4"]}',
          [IPPOOLS]: '[{"interface":"eth0","ipv4":["a"]},{"interface":"net1","ipv6":["b"],"cleangateway":true}]',
        },
      },
      namespace: { annotations: nsAnnotations },
    });
    expect(plans).toEqual([
      { nic: 'eth0', cleanGateway: false, ipv4: ['a'], ipv6: [], source: 'ippools-annotation' },
      { nic: 'net1', cleanGateway: true, ipv4: [], ipv6: ['b'], source: 'ippools-annotation' },
    ]);
    expect(current).toBe(plans[0]);
  });

  it('plans the subnets of every NIC of the subnets annotation, above the pool annotations', () => {
    const subnets = '[{"interface":"eth0","ipv4":["s4","other"],"ipv6":["s6"]},{"interface":"net1","ipv4":["t4"]}]';
    const { plans, current } = plan({ pod: { annotations: { 'ipam.spidernet.io/subnets': subnets, 'ipam.spidernet.io/subnet': '{"ipv4":["x"]}', [IPPOOL]: '{"ipv4":["a"]}' } } });
    expect(plans).toEqual([
      { nic: 'eth0', cleanGateway: false, ipv4: [], ipv6: [], source: 'subnet-annotation', subnets: { ipv4: 's4', ipv6: 's6' } },
      { nic: 'net1', cleanGateway: false, ipv4: [], ipv6: [], source: 'subnet-annotation', subnets: { ipv4: 't4' } },
    ]);
    expect(current).toBe(plans[0]);
  });

  it('drops subnets of a disabled family, and refuses when the NIC keeps none', () => {
    const { current } = plan({ pod: { annotations: { 'ipam.spidernet.io/subnet': '{"ipv4":["s4"],"ipv6":["s6"]}' } }, settings: { enableIPv6: false } });
    expect(current.subnets).toEqual({ ipv4: 's4' });
    const err = errorOf(() => plan({ pod: { annotations: { 'ipam.spidernet.io/subnet': '{"ipv6":["s6"]}' } }, settings: { enableIPv6: false } }));
    expect(isSpiderpoolError(err, 'INVALID_INPUT')).toBe(true);
    expect(err.message).toContain('must list interface "eth0"');
  });

  it('refuses subnet annotations when auto-pools are disabled, and malformed ones', () => {
    const off = errorOf(() => plan({ pod: { annotations: { 'ipam.spidernet.io/subnet': '{"ipv4":["s"]}' } }, settings: { enableAutoPoolForApplication: false } }));
    expect(isSpiderpoolError(off, 'NOT_SUPPORTED')).toBe(true);
    expect(off.message).toContain('enableAutoPoolForApplication: false');
    const bad = errorOf(() => plan({ pod: { annotations: { 'ipam.spidernet.io/subnets': '{' } } }));
    expect(isSpiderpoolError(bad, 'INVALID_INPUT')).toBe(true);
    expect(bad.field).toBe('ipam.spidernet.io/subnets');
  });

  it('refuses a subnets annotation that does not list the NIC being set up', () => {
    const err = errorOf(() => plan({ pod: { annotations: { 'ipam.spidernet.io/subnets': '[{"interface":"net1","ipv4":["s"]}]' } } }));
    expect(err.field).toBe('ipam.spidernet.io/subnets');
  });

  it('ignores subnet annotations when the SpiderSubnet feature is off', () => {
    const { current } = plan({ pod: { annotations: { 'ipam.spidernet.io/subnet': '{"ipv4":["s"]}' } }, settings: { enableSpiderSubnet: false }, request: netconf });
    expect(current.source).toBe('netconf');
  });
});

describe('planNics with the ippools annotation', () => {
  it('names unnamed entries eth0, net1, net2 by order', () => {
    const annotations = { [IPPOOLS]: '[{"ipv4":["a"]},{"ipv4":["b"]},{"ipv4":["c"],"cleangateway":true}]' };
    const { plans, current } = plan({ pod: { annotations }, request: { nic: 'net2' } });
    expect(plans.map((p) => p.nic)).toEqual(['eth0', 'net1', 'net2']);
    expect(current).toMatchObject({ nic: 'net2', ipv4: ['c'], cleanGateway: true });
  });

  it('takes cleanGateway from the entry, else from the request', () => {
    const annotations = { [IPPOOLS]: '[{"interface":"eth0","ipv4":["a"]},{"interface":"net1","ipv4":["b"],"cleangateway":false}]' };
    const { plans } = plan({ pod: { annotations }, request: { cleanGateway: true } });
    expect(plans.map((p) => p.cleanGateway)).toEqual([true, false]);
  });

  it('requires the current NIC to be listed when interfaces are named', () => {
    const err = errorOf(() => plan({ pod: { annotations: { [IPPOOLS]: '[{"interface":"eth0","ipv4":["a"]}]' } }, request: { nic: 'net1' } }));
    expect(isSpiderpoolError(err, 'INVALID_INPUT')).toBe(true);
    expect(err.field).toBe(IPPOOLS);
    expect(err.message).toContain('must list interface "net1"');
  });

  it('reports a NIC outside the implicit names of unnamed entries', () => {
    const err = errorOf(() => plan({ pod: { annotations: { [IPPOOLS]: '[{"ipv4":["a"]}]' } }, request: { nic: 'net3' } }));
    expect(err.field).toBe(IPPOOLS);
    expect(err.message).toContain('read as NICs eth0, which do not include "net3"');
  });

  it('reports malformed annotations as INVALID_INPUT', () => {
    const err = errorOf(() => plan({ pod: { annotations: { [IPPOOLS]: 'nope' } } }));
    expect(isSpiderpoolError(err, 'INVALID_INPUT')).toBe(true);
  });
});

describe('planNics with disabled families', () => {
  it('drops lists of disabled families without error', () => {
    const { current } = plan({ pod: { annotations: { [IPPOOL]: '{"ipv4":["a"],"ipv6":["b"]}' } }, settings: { enableIPv6: false } });
    expect(current).toMatchObject({ ipv4: ['a'], ipv6: [] });
  });

  it('fails with NO_AVAILABLE_POOL when the winning rule names only disabled families', () => {
    const err = errorOf(() => plan({ pod: { annotations: { [IPPOOL]: '{"ipv6":["b"]}' } }, settings: { enableIPv6: false }, request: netconf }));
    expect(isSpiderpoolError(err, 'NO_AVAILABLE_POOL')).toBe(true);
    expect(err.message).toBe(
      'no IPPool available: no pool selection rules of any type are specified for eth0: the pod annotation ipam.spidernet.io/ippool names only pools of disabled IP families: IPv6 [b] (enableIPv6: false)',
    );
  });

  it('keeps the cluster default even though its lists are empty', () => {
    expect(plan({ settings: { enableIPv6: false } }).current.source).toBe('cluster-default');
  });

  it('omits other NICs left without pools but keeps the current one', () => {
    const annotations = { [IPPOOLS]: '[{"interface":"eth0","ipv4":["a"]},{"interface":"net1","ipv6":["b"]}]' };
    const { plans } = plan({ pod: { annotations }, settings: { enableIPv6: false } });
    expect(plans.map((p) => p.nic)).toEqual(['eth0']);
  });
});
