// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import type { CoordinatorSpec, SpiderCoordinator } from '@spiderpool/crds';
import { violationMessage, type Violation } from '../admission/admission-types.ts';
import { admissionRequest, FakeAdmissionContext } from '../admission/testing/fake-context.ts';
import { coordinatorAdmission } from './coordinator-admission.ts';

const scc = (spec: Record<string, unknown> | undefined): SpiderCoordinator => ({
  apiVersion: 'spiderpool.spidernet.io/v2beta1',
  kind: 'SpiderCoordinator',
  metadata: { name: 'default' },
  ...(spec === undefined ? {} : { spec: spec as CoordinatorSpec }),
});

/** What the server does: mutate, then validate the mutated object. */
async function admit(spec: Record<string, unknown> | undefined, operation: 'CREATE' | 'UPDATE' = 'CREATE'): Promise<{ stored: SpiderCoordinator; violations: Violation[] }> {
  const ctx = new FakeAdmissionContext();
  const old = operation === 'UPDATE' ? scc({ podCIDRType: 'auto' }) : undefined;
  const stored = await coordinatorAdmission.mutate!(admissionRequest('CREATE', scc(spec), old), ctx);
  const violations = await coordinatorAdmission.validate(admissionRequest(operation, stored, old), ctx);
  return { stored, violations };
}

const DEFAULTS = { mode: 'auto', tunePodRoutes: true, hostRuleTable: 500, podRPFilter: 0, txQueueLen: 0, vethMTU: 1500 };

describe('SpiderCoordinator mutation', () => {
  it('fills every unset default and nothing else', async () => {
    const { stored } = await admit({ podCIDRType: 'cluster' });
    expect(stored).toEqual({
      apiVersion: 'spiderpool.spidernet.io/v2beta1',
      kind: 'SpiderCoordinator',
      metadata: { name: 'default' },
      spec: { podCIDRType: 'cluster', ...DEFAULTS },
    });
  });

  it('keeps values that are set, including zeroes and false, and treats an empty mode as unset', async () => {
    const spec = { podCIDRType: 'none', mode: '', tunePodRoutes: false, hostRuleTable: 1000, podRPFilter: -1, txQueueLen: 2000, vethMTU: 9000 };
    const { stored } = await admit(spec);
    expect(stored.spec).toEqual({ ...spec, mode: 'auto' });
  });

  it('makes bare IPs of hijackCIDR and policy route destinations host CIDRs, leaving CIDRs and bad entries as written', async () => {
    const { stored } = await admit({
      podCIDRType: 'calico',
      hijackCIDR: ['169.254.25.10', '2001:db8::53', '198.51.100.0/24', 'bogus'],
      policyRoutes: [{ dst: '203.0.113.9', gw: '192.0.2.1' }, { dst: '2001:db8:9::/48', gw: '2001:db8::1' }, { dst: 'x', gw: '192.0.2.1' }],
    });
    expect(stored.spec).toEqual({
      podCIDRType: 'calico',
      ...DEFAULTS,
      hijackCIDR: ['169.254.25.10/32', '2001:db8::53/128', '198.51.100.0/24', 'bogus'],
      policyRoutes: [{ dst: '203.0.113.9/32', gw: '192.0.2.1' }, { dst: '2001:db8:9::/48', gw: '2001:db8::1' }, { dst: 'x', gw: '192.0.2.1' }],
    });
  });

  it('creates a spec with defaults when there is none, and never changes the request object', async () => {
    const request = admissionRequest('CREATE', scc(undefined));
    const stored = await coordinatorAdmission.mutate!(request, new FakeAdmissionContext());
    expect(stored.spec).toEqual(DEFAULTS);
    expect(request.object).toEqual(scc(undefined));
  });

  it('passes the status through unchanged', async () => {
    const withStatus = { ...scc({ podCIDRType: 'none' }), status: { phase: 'Synced', overlayPodCIDR: [], serviceCIDR: ['10.96.0.0/16'] } };
    const stored = await coordinatorAdmission.mutate!(admissionRequest('UPDATE', withStatus, withStatus), new FakeAdmissionContext());
    expect(stored.status).toEqual(withStatus.status);
  });
});

describe('SpiderCoordinator validation', () => {
  it.each([
    ['missing podCIDRType', { podCIDRType: undefined }, 'spec.podCIDRType', 'pod-cidr-type-required'],
    ['empty podCIDRType', { podCIDRType: '' }, 'spec.podCIDRType', 'pod-cidr-type-required'],
    ['unknown podCIDRType', { podCIDRType: 'flannel' }, 'spec.podCIDRType', 'pod-cidr-type-enum'],
    ['unknown mode', { mode: 'sideways' }, 'spec.mode', 'mode-enum'],
    ['hijackCIDR entry neither IP nor CIDR', { hijackCIDR: ['198.51.100.0/24', 'dns'] }, 'spec.hijackCIDR[1]', 'hijack-cidr-format'],
    ['hijackCIDR prefix too long', { hijackCIDR: ['198.51.100.0/33'] }, 'spec.hijackCIDR[0]', 'hijack-cidr-format'],
    ['hijackCIDR not a list', { hijackCIDR: '198.51.100.0/24' }, 'spec.hijackCIDR', 'hijack-cidr-format'],
    ['policy route with a bad dst', { policyRoutes: [{ dst: '203.0.113.0/99', gw: '192.0.2.1' }] }, 'spec.policyRoutes[0].dst', 'policy-route-dst-format'],
    ['policy route with a bad gw', { policyRoutes: [{ dst: '203.0.113.0/24', gw: 'router' }] }, 'spec.policyRoutes[0].gw', 'policy-route-gw-format'],
    ['policy route without gw', { policyRoutes: [{ dst: '203.0.113.0/24' }] }, 'spec.policyRoutes[0].gw', 'policy-route-gw-format'],
    ['policy route of mixed families', { policyRoutes: [{ dst: '203.0.113.0/24', gw: '2001:db8::1' }] }, 'spec.policyRoutes[0]', 'policy-route-family'],
    ['MAC prefix of three bytes', { podMACPrefix: '0a:1b:2c' }, 'spec.podMACPrefix', 'pod-mac-prefix-format'],
    ['MAC prefix not hex', { podMACPrefix: 'zz:00' }, 'spec.podMACPrefix', 'pod-mac-prefix-format'],
    ['multicast MAC prefix', { podMACPrefix: '03:00' }, 'spec.podMACPrefix', 'pod-mac-prefix-unicast'],
    ['bad default-route NIC name', { podDefaultRouteNIC: 'net/1' }, 'spec.podDefaultRouteNIC', 'pod-default-route-nic-name'],
    ['negative txQueueLen', { txQueueLen: -1 }, 'spec.txQueueLen', 'tx-queue-len-non-negative'],
    ['fractional txQueueLen', { txQueueLen: 1.5 }, 'spec.txQueueLen', 'tx-queue-len-non-negative'],
    ['podRPFilter 3', { podRPFilter: 3 }, 'spec.podRPFilter', 'pod-rp-filter-value'],
    ['vethLinkAddress not an IP', { vethLinkAddress: '169.254.300.1' }, 'spec.vethLinkAddress', 'veth-link-address-ip'],
    ['IPv6 vethLinkAddress', { vethLinkAddress: 'fe80::1' }, 'spec.vethLinkAddress', 'veth-link-address-ipv4'],
    ['vethMTU 0', { vethMTU: 0 }, 'spec.vethMTU', 'veth-mtu-range'],
    ['negative vethMTU', { vethMTU: -1500 }, 'spec.vethMTU', 'veth-mtu-range'],
    ['vethMTU 67 (below the kernel minimum)', { vethMTU: 67 }, 'spec.vethMTU', 'veth-mtu-range'],
    ['vethMTU above 65535', { vethMTU: 65_536 }, 'spec.vethMTU', 'veth-mtu-range'],
    ['hostRuleTable 0', { hostRuleTable: 0 }, 'spec.hostRuleTable', 'host-rule-table-range'],
    ['hostRuleTable 2^32', { hostRuleTable: 2 ** 32 }, 'spec.hostRuleTable', 'host-rule-table-range'],
    ['hostRuleTable 253 (default)', { hostRuleTable: 253 }, 'spec.hostRuleTable', 'host-rule-table-reserved'],
    ['hostRuleTable 254 (main)', { hostRuleTable: 254 }, 'spec.hostRuleTable', 'host-rule-table-reserved'],
    ['hostRuleTable 255 (local)', { hostRuleTable: 255 }, 'spec.hostRuleTable', 'host-rule-table-reserved'],
  ])('refuses %s', async (_name, spec, field, id) => {
    // A valid base plus the one broken field; `undefined` leaves the field out.
    const full: Record<string, unknown> = { podCIDRType: 'auto', ...spec };
    for (const [key, value] of Object.entries(full)) if (value === undefined) delete full[key];
    const { violations } = await admit(full);
    expect(violations.map((v) => [v.field, v.id])).toEqual([[field, id]]);
  });

  it('refuses a missing podRPFilter when the object did not pass the mutation', async () => {
    const object = scc({ ...DEFAULTS, podCIDRType: 'none', podRPFilter: undefined });
    delete object.spec!.podRPFilter;
    const violations = await coordinatorAdmission.validate(admissionRequest('CREATE', object), new FakeAdmissionContext());
    expect(violations).toEqual([{ field: 'spec.podRPFilter', value: undefined, id: 'pod-rp-filter-required', rule: 'is required: 0, 1, 2, or negative to leave the setting as it is' }]);
  });

  it('reports every broken field of one object, and words each one with field, value and rule id', async () => {
    const { violations } = await admit({ podCIDRType: 'weave', mode: 'x', podMACPrefix: '01:00', vethMTU: 0 });
    expect(violations.map((v) => v.id)).toEqual(['pod-cidr-type-enum', 'mode-enum', 'pod-mac-prefix-unicast', 'veth-mtu-range']);
    expect(violations.map(violationMessage)[0]).toBe('spec.podCIDRType: value "weave" must be one of auto, cluster, calico, cilium, none [pod-cidr-type-enum]');
    expect(violations.map(violationMessage)[2]).toBe('spec.podMACPrefix: value "01:00" must start with a unicast byte (lowest bit 0), or every pod MAC is multicast [pod-mac-prefix-unicast]');
  });

  it.each([
    ['the upstream sample', { podCIDRType: 'auto', hijackCIDR: ['198.51.100.53/32'], policyRoutes: [{ dst: '203.0.113.0/24', gw: '192.0.2.1' }], podMACPrefix: '0a:1b' }],
    ['mode disabled (schema spelling)', { podCIDRType: 'none', mode: 'disabled' }],
    ['mode disable (plugin spelling)', { podCIDRType: 'cluster', mode: 'disable' }],
    ['cilium with underlay mode', { podCIDRType: 'cilium', mode: 'underlay' }],
    ['bare IPs that the mutation made CIDRs', { podCIDRType: 'calico', hijackCIDR: ['169.254.25.10', '2001:db8::53'], policyRoutes: [{ dst: '2001:db8:1::5', gw: '2001:db8::1' }] }],
    ['negative podRPFilter (leave as is) and the edges of every range', { podCIDRType: 'none', podRPFilter: -1, txQueueLen: 0, vethMTU: 65_535, hostRuleTable: 4_294_967_295 }],
    ['rp_filter 2, hostRuleTable 1, vethMTU 68', { podCIDRType: 'none', podRPFilter: 2, hostRuleTable: 1, vethMTU: 68 }],
    ['IPv4 link address, NIC name, tunePodRoutes false', { podCIDRType: 'auto', mode: 'overlay', vethLinkAddress: '169.254.100.1', podDefaultRouteNIC: 'net1', tunePodRoutes: false }],
    ['empty optional strings', { podCIDRType: 'auto', podMACPrefix: '', podDefaultRouteNIC: '', vethLinkAddress: '' }],
  ])('accepts %s', async (_name, spec) => {
    expect((await admit(spec)).violations).toEqual([]);
    expect((await admit(spec, 'UPDATE')).violations).toEqual([]);
  });

  it('checks each podCIDRType of the enum', async () => {
    for (const podCIDRType of ['auto', 'cluster', 'calico', 'cilium', 'none']) expect((await admit({ podCIDRType })).violations).toEqual([]);
  });

  it('does not validate DELETE, whatever the stored object holds', async () => {
    const broken = scc({ podCIDRType: 'weave' });
    expect(await coordinatorAdmission.validate(admissionRequest('DELETE', undefined, broken), new FakeAdmissionContext())).toEqual([]);
  });
});
