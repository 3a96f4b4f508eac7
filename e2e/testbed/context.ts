// SPDX-License-Identifier: Apache-2.0
import { readFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { STATE_ENV, type TestbedState } from './testbed.ts';

let cached: TestbedState | undefined;

/** The running test bed, for integration and end-to-end tests. Throws when there is none. */
export function testbed(): TestbedState {
  if (cached) return cached;
  const file = process.env[STATE_ENV];
  if (!file) {
    throw new Error(`${STATE_ENV} is not set: integration tests run only through the jest "integration" project, which starts the test bed`);
  }
  cached = JSON.parse(readFileSync(file, 'utf8')) as TestbedState;
  return cached;
}

export function adminKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(testbed().kubeconfig);
  return kc;
}

/** A unique, DNS-safe name for objects of one test, so tests never collide. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid.toString(36)}-${Math.random().toString(36).slice(2, 8)}`.toLowerCase();
}
