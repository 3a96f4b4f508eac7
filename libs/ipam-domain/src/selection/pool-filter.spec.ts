// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { isSpiderpoolError } from '@spiderpool/errors';
import type { PoolFacts } from '../types.ts';
import { filterPools, noPoolError, sortByAffinity, type FilterPoolsOptions } from './pool-filter.ts';
import { namespaceFixture, nodeFixture, podFixture, poolFixture, settingsFixture } from './selection-fixtures.ts';

function run(pools: PoolFacts[], overrides: Partial<FilterPoolsOptions> = {}): ReturnType<typeof filterPools> {
  return filterPools({
    pools,
    version: 4,
    nic: 'eth0',
    pod: podFixture(),
    namespace: namespaceFixture(),
    node: nodeFixture(),
    settings: settingsFixture(),
    ...overrides,
  });
}

/** Runs one pool through the filters; returns its rejection reason or 'kept'. */
function verdict(pool: PoolFacts, overrides: Partial<FilterPoolsOptions> = {}): string {
  const { kept, rejected } = run([pool], overrides);
  return kept.length === 1 ? 'kept' : (rejected[0]?.reason ?? 'missing');
}

const autoLabels = {
  'ipam.spidernet.io/app-api-group': 'apps',
  'ipam.spidernet.io/app-api-version': 'v1',
  'ipam.spidernet.io/app-kind': 'Deployment',
  'ipam.spidernet.io/app-namespace': 'apps',
  'ipam.spidernet.io/app-name': 'web',
};

describe('filterPools', () => {
  it('keeps a plain pool and preserves candidate order', () => {
    const { kept, rejected } = run([poolFixture('b'), poolFixture('a')]);
    expect(kept.map((p) => p.name)).toEqual(['b', 'a']);
    expect(rejected).toEqual([]);
  });

  it('rejects terminating and disabled pools', () => {
    expect(verdict(poolFixture('p', { terminating: true }))).toBe('is terminating');
    expect(verdict(poolFixture('p', { disable: true }))).toBe('is disabled (spec.disable is true)');
  });

  it('applies filters in upstream order (terminating is reported before disable)', () => {
    expect(verdict(poolFixture('p', { terminating: true, disable: true, ipVersion: 6 }))).toBe('is terminating');
  });

  it('rejects a missing or different ipVersion', () => {
    expect(verdict(poolFixture('p', { ipVersion: undefined }))).toBe('has no spec.ipVersion');
    expect(verdict(poolFixture('p', { ipVersion: 6 }))).toBe('is an IPv6 pool, not IPv4');
    expect(verdict(poolFixture('p', { ipVersion: 6, subnet: '2001:db8::/64' }), { version: 6 })).toBe('kept');
  });

  it('rejects pools of a disabled family', () => {
    expect(verdict(poolFixture('p'), { settings: settingsFixture({ enableIPv4: false }) })).toBe(
      'IPv4 is disabled in the Spiderpool configuration (enableIPv4: false)',
    );
  });

  it('checks nodeName, which overrides nodeAffinity', () => {
    const nodeAffinity = { matchLabels: { zone: 'z9' } };
    expect(verdict(poolFixture('p', { nodeName: ['node-1', 'node-2'], nodeAffinity }))).toBe('kept');
    expect(verdict(poolFixture('p', { nodeName: ['node-2'] }))).toBe('spec.nodeName [node-2] does not include node node-1');
  });

  it('checks nodeAffinity against node labels', () => {
    expect(verdict(poolFixture('p', { nodeAffinity: { matchLabels: { zone: 'z1' } } }))).toBe('kept');
    expect(verdict(poolFixture('p', { nodeAffinity: { matchLabels: { zone: 'z9' } } }))).toBe(
      'spec.nodeAffinity does not match the labels of node node-1',
    );
  });

  it('checks namespaceName, which overrides namespaceAffinity', () => {
    const namespaceAffinity = { matchLabels: { team: 'b' } };
    expect(verdict(poolFixture('p', { namespaceName: ['apps'], namespaceAffinity }))).toBe('kept');
    expect(verdict(poolFixture('p', { namespaceName: ['db', 'ops'] }))).toBe('spec.namespaceName [db ops] does not include namespace apps');
  });

  it('checks namespaceAffinity against namespace labels', () => {
    expect(verdict(poolFixture('p', { namespaceAffinity: { matchExpressions: [{ key: 'team', operator: 'In', values: ['a'] }] } }))).toBe('kept');
    expect(verdict(poolFixture('p', { namespaceAffinity: { matchLabels: { team: 'b' } } }))).toBe(
      'spec.namespaceAffinity does not match the labels of namespace apps',
    );
  });

  it('checks podAffinity against pod labels for ordinary pools', () => {
    expect(verdict(poolFixture('p', { podAffinity: { matchLabels: { app: 'web' } } }))).toBe('kept');
    expect(verdict(poolFixture('p', { podAffinity: { matchLabels: { app: 'db' } } }))).toBe(
      'spec.podAffinity does not match the labels of pod apps/web-0',
    );
  });

  it('checks only the app labels of auto-created pools against the pod owner', () => {
    // The pod labels do not matter for an auto-pool; the owner does.
    expect(verdict(poolFixture('p', { autoPool: true, podAffinity: { matchLabels: autoLabels } }), { pod: podFixture({ labels: {} }) })).toBe('kept');
    const otherApp = { ...autoLabels, 'ipam.spidernet.io/app-name': 'api' };
    expect(verdict(poolFixture('p', { autoPool: true, podAffinity: { matchLabels: otherApp } }))).toBe(
      'spec.podAffinity of the auto-created pool does not match the owner Deployment apps/web (apps/v1) of pod apps/web-0',
    );
  });

  it('matches an auto-pool of an owner whose name is longer than a label value may be', () => {
    const name = `web-${'x'.repeat(70)}`;
    const pod = podFixture({ owner: { apiVersion: 'apps/v1', kind: 'Deployment', name, uid: 'u' } });
    const labels = { ...autoLabels, 'ipam.spidernet.io/app-name': name.slice(0, 63) };
    expect(verdict(poolFixture('p', { autoPool: true, podAffinity: { matchLabels: labels } }), { pod })).toBe('kept');
  });

  it('matches an auto-pool of a core-group owner (empty api group)', () => {
    const pod = podFixture({ owner: { apiVersion: 'v1', kind: 'ReplicationController', name: 'rc', uid: 'u' } });
    const labels = { ...autoLabels, 'ipam.spidernet.io/app-api-group': '', 'ipam.spidernet.io/app-kind': 'ReplicationController', 'ipam.spidernet.io/app-name': 'rc' };
    expect(verdict(poolFixture('p', { autoPool: true, podAffinity: { matchLabels: labels } }), { pod })).toBe('kept');
  });

  it('rejects (only) a pool with an invalid selector', () => {
    const broken = poolFixture('broken', { podAffinity: { matchExpressions: [{ key: 'app', operator: 'Like', values: ['w'] }] } });
    const { kept, rejected } = run([broken, poolFixture('ok')]);
    expect(kept.map((p) => p.name)).toEqual(['ok']);
    expect(rejected[0]?.reason).toContain('spec.podAffinity is invalid (wrong input: spec.podAffinity.matchExpressions[0].operator');
  });

  it('checks multusName against the NIC network, normalising bare names', () => {
    const pool = poolFixture('p', { multusName: ['macvlan-a', 'kube-system/macvlan-b'] });
    expect(verdict(pool, { multusNetwork: 'spiderpool/macvlan-a' })).toBe('kept');
    expect(verdict(pool, { multusNetwork: 'kube-system/macvlan-b' })).toBe('kept');
    expect(verdict(pool, { multusNetwork: 'apps/macvlan-a' })).toBe(
      'spec.multusName [spiderpool/macvlan-a kube-system/macvlan-b] does not include apps/macvlan-a, the Multus network of eth0',
    );
    expect(verdict(pool)).toBe('spec.multusName [spiderpool/macvlan-a kube-system/macvlan-b] is set but the Multus network of eth0 is unknown');
    expect(verdict(poolFixture('p'), { multusNetwork: 'apps/anything' })).toBe('kept');
  });
});

describe('sortByAffinity', () => {
  const none = (name: string): PoolFacts => poolFixture(name);
  const pods = poolFixture('pod', { podAffinity: { matchLabels: { app: 'web' } } });
  const nodeName = poolFixture('nodeName', { nodeName: ['node-1'] });
  const nodeAff = poolFixture('nodeAffinity', { nodeAffinity: {} });
  const nsName = poolFixture('namespaceName', { namespaceName: ['apps'] });
  const nsAff = poolFixture('namespaceAffinity', { namespaceAffinity: {} });
  const multus = poolFixture('multus', { multusName: ['a'] });

  it('orders by affinity richness', () => {
    const sorted = sortByAffinity([none('none'), multus, nsAff, nsName, nodeAff, nodeName, pods]);
    expect(sorted.map((p) => p.name)).toEqual(['pod', 'nodeName', 'nodeAffinity', 'namespaceName', 'namespaceAffinity', 'multus', 'none']);
  });

  it('compares flags lexicographically', () => {
    const podAndMultus = poolFixture('pod+multus', { podAffinity: {}, multusName: ['a'] });
    const podAndNode = poolFixture('pod+node', { podAffinity: {}, nodeName: ['n'] });
    expect(sortByAffinity([pods, podAndMultus, podAndNode]).map((p) => p.name)).toEqual(['pod+node', 'pod+multus', 'pod']);
  });

  it('keeps the user order among equally ranked pools (stable)', () => {
    const names = ['z', 'a', 'm', 'b', 'y', 'c', 'x', 'd', 'w', 'e', 'v', 'f'];
    const pools = names.map(none);
    expect(sortByAffinity(pools).map((p) => p.name)).toEqual(names);
    const mixed = [none('n1'), poolFixture('m1', { multusName: ['a'] }), none('n2'), poolFixture('m2', { multusName: ['b'] }), none('n3')];
    expect(sortByAffinity(mixed).map((p) => p.name)).toEqual(['m1', 'm2', 'n1', 'n2', 'n3']);
  });

  it('does not modify its input', () => {
    const input = [none('a'), pods];
    sortByAffinity(input);
    expect(input.map((p) => p.name)).toEqual(['a', 'pod']);
  });
});

describe('noPoolError', () => {
  it('lists the candidates and each reason, upstream style', () => {
    const err = noPoolError({
      version: 4,
      nic: 'eth0',
      candidates: ['p1', 'p2'],
      rejected: [
        { pool: 'p1', reason: 'is terminating' },
        { pool: 'p2', reason: 'is disabled (spec.disable is true)' },
      ],
    });
    expect(isSpiderpoolError(err, 'NO_AVAILABLE_POOL')).toBe(true);
    expect(err.message).toBe('no IPPool available: all IPv4 IPPools [p1 p2] of eth0 filtered out: p1: is terminating; p2: is disabled (spec.disable is true)');
  });

  it('says when there were no candidates at all', () => {
    expect(noPoolError({ version: 6, nic: 'net1', candidates: [], rejected: [] }).message).toBe('no IPPool available: no IPv6 IPPool candidates for net1');
  });
});
