// SPDX-License-Identifier: Apache-2.0
// README's main-job command: the local stack comes up healthy, runs the demo workload through
// the real CNI path and reports it, and tears itself down.
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../testbed/index.ts';

describe('npm start (local stack)', () => {
  it('brings up the control plane, Redis, CRDs, webhooks and the four services, wires the demo pods through CNI, reports them, and stops cleanly', () => {
    const run = spawnSync(process.execPath, [join(REPO_ROOT, 'tools', 'local-stack', 'src', 'main.ts'), '--once'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout: 240_000,
    });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    expect(run.stdout).toContain('local stack is up');
    for (const service of ['ipam-service', 'webhook-service', 'gc-service', 'node-agent']) {
      expect(run.stdout).toMatch(new RegExp(`${service}\\s+yes\\s+http://127\\.0\\.0\\.1:\\d+`));
    }
    expect(run.stdout).toContain('SpiderIPPool, SpiderSubnet, SpiderReservedIP, SpiderEndpoint, SpiderCoordinator, SpiderMultusConfig (kubectl apply -k deploy/base/crds)');
    expect(run.stdout).toMatch(/webhooks\s+spiderpool-webhook \(from deploy\/kustomize\/base/);
    // Every demo pod got its addresses through CNI ADD, and its namespace carries them.
    expect(run.stdout).toMatch(/db-0\s+eth0\s+192\.0\.2\.1\d\/24\s+2001:db8:1::1\d\/64\s+demo-v4,demo-v6\s+yes \(spdemo-\d+-pod\d\)/);
    expect(run.stdout).toMatch(/db-1\s+eth0\s+192\.0\.2\.1\d\/24\s+2001:db8:1::1\d\/64\s+demo-v4,demo-v6\s+yes/);
    expect(run.stdout.match(/web-\S+\s+eth0\s+198\.51\.100\.1\d\/24\s+-\s+auto4-web-eth0-\w{5}\s+yes/g)).toHaveLength(3);
    // Pool usage as the status reports it: the auto-pool holds replicas + 2 and lends 3.
    expect(run.stdout).toMatch(/auto4-web-eth0-\w{5}\s+198\.51\.100\.0\/24\s+3\s+5\s+Deployment demo\/web \(auto\)/);
    expect(run.stdout).toMatch(/demo-subnet\s+198\.51\.100\.0\/24\s+5\s+90\s+auto4-web-eth0-\w{5}/);
    expect(run.stdout.trim().endsWith('stopped.')).toBe(true);
  });
});
