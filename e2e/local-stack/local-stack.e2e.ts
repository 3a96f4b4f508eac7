// SPDX-License-Identifier: Apache-2.0
// README's main-job command: the local stack comes up healthy and tears itself down.
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../testbed/index.ts';

describe('npm start (local stack)', () => {
  it('brings up the control plane, Redis, CRDs and the four services, reports them, and stops cleanly', () => {
    const run = spawnSync(process.execPath, [join(REPO_ROOT, 'tools', 'local-stack', 'src', 'main.ts'), '--once'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout: 180_000,
    });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    expect(run.stdout).toContain('local stack is up');
    for (const service of ['ipam-service', 'webhook-service', 'gc-service', 'node-agent']) {
      expect(run.stdout).toMatch(new RegExp(`${service}\\s+yes\\s+http://127\\.0\\.0\\.1:\\d+`));
    }
    expect(run.stdout).toContain('SpiderIPPool, SpiderSubnet, SpiderReservedIP, SpiderEndpoint, SpiderCoordinator, SpiderMultusConfig');
    expect(run.stdout.trim().endsWith('stopped.')).toBe(true);
  });
});
