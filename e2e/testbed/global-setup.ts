// SPDX-License-Identifier: Apache-2.0
import { installCrds, loadKubeConfig } from '@spiderpool/k8s';
import { ALL_CRDS } from '@spiderpool/crds';
import { STATE_ENV, Testbed } from './testbed.ts';
import { join } from 'node:path';

declare global {
  var spiderpoolTestbed: Testbed | undefined;
}

/**
 * Brings the test bed up once per run (jest globalSetup runs in the parent process; workers
 * inherit the environment variable that points at the state file). A component that cannot
 * start fails the whole run with its log tail: integration tests are never silently skipped.
 */
export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const testbed = new Testbed();
  globalThis.spiderpoolTestbed = testbed;
  const state = await testbed.start();
  await installCrds(loadKubeConfig(state.kubeconfig), ALL_CRDS, { fieldManager: 'spiderpool-testbed' });
  process.env[STATE_ENV] = join(state.stateDir, 'state.json');
  process.stderr.write(`\ntest bed up in ${((Date.now() - started) / 1000).toFixed(1)}s: ${state.apiserverUrl}, ${state.redisUrl}\n`);
}
