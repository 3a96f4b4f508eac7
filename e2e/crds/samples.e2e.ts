// SPDX-License-Identifier: Apache-2.0
// Upstream-style manifests (deploy/samples) applied with a real kubectl, server-side.
import { afterAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, testbed } from '../testbed/index.ts';

const samples = join(REPO_ROOT, 'deploy', 'samples');
const kubectl = (...args: string[]): string =>
  execFileSync(testbed().kubectl, ['--kubeconfig', testbed().kubeconfig, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

afterAll(() => {
  kubectl('delete', '--ignore-not-found', '--wait=false', '-R', '-f', samples);
});

describe('upstream-style manifests', () => {
  const files = readdirSync(samples, { recursive: true }).map(String).filter((f) => f.endsWith('.yaml'));

  it('are at least 12 across pools, subnets, reserved IPs, multus configs, coordinator and endpoint', () => {
    const kinds = ['spiderippool', 'spidersubnet', 'spiderreservedip', 'spidermultusconfig', 'spidercoordinator', 'spiderendpoint'];
    expect(files.filter((f) => !f.startsWith('third-party')).length).toBeGreaterThanOrEqual(12);
    for (const kind of kinds) expect(files.some((f) => f.startsWith(kind))).toBe(true);
  });

  it('pass a strict server-side dry run, then apply server-side', () => {
    kubectl('apply', '--server-side', '--dry-run=server', '--validate=strict', '-R', '-f', samples);
    const out = kubectl('apply', '--server-side', '--validate=strict', '-R', '-f', samples);
    expect(out.trim().split('\n')).toHaveLength(files.length);
    expect(out).not.toMatch(/unchanged|configured/);
    expect(out.match(/serverside-applied/g)).toHaveLength(files.length);
  });

  it('are listed through short names with the printer columns', () => {
    const pools = kubectl('get', 'sp', '-o', 'wide');
    expect(pools.split('\n')[0]).toMatch(/^NAME\s+VERSION\s+SUBNET\s+ALLOCATED-IP-COUNT\s+TOTAL-IP-COUNT\s+DEFAULT\s+DISABLE\s+NODENAME\s+MULTUSNAME\s+APP-NAMESPACE/);
    for (const short of ['ss', 'sr', 'se', 'smc', 'scc']) expect(kubectl('get', short, '-A', '--no-headers').trim()).not.toBe('');
  });

  it('are all listed through the spiderpool category', () => {
    const all = kubectl('get', 'spiderpool', '-A', '-o', 'name');
    for (const kind of ['spiderippool', 'spidersubnet', 'spiderreservedip', 'spiderendpoint', 'spidercoordinator', 'spidermultusconfig']) {
      expect(all).toContain(`${kind}.spiderpool.spidernet.io/`);
    }
  });
});
