// SPDX-License-Identifier: Apache-2.0
// The apps are buildable: the esbuild bundles that images run start and become ready too.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT, startServices, testbed, waitHealthy, type StartedServices } from '../testbed/index.ts';

const APPS = ['ipam-service', 'webhook-service', 'gc-service', 'node-agent'];
let stack: StartedServices;

beforeAll(async () => {
  for (const app of APPS) {
    execFileSync(process.execPath, [join(REPO_ROOT, 'scripts', 'build-app.ts'), app], { cwd: REPO_ROOT, stdio: 'pipe' });
  }
  const tb = testbed();
  stack = await startServices({
    sharedControlPlane: true,
    stateDir: tb.stateDir,
    kubeconfig: tb.kubeconfig,
    redisUrl: tb.redisUrl,
    node: 'bundle-node-1',
    entry: (app) => join(REPO_ROOT, 'apps', app, 'dist', 'main.js'),
  });
});

afterAll(async () => {
  await Promise.all(stack.services.map((s) => s.process.stop()));
});

describe('bundled apps', () => {
  it('all four start from dist/main.js and become ready', async () => {
    await waitHealthy(stack.services, 60_000);
    for (const s of stack.services) {
      expect((await fetch(`http://127.0.0.1:${s.opsPort}/readyz`)).status).toBe(200);
    }
  });
});
