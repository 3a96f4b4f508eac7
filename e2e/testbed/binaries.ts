// SPDX-License-Identifier: Apache-2.0
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface Binaries {
  dir: string;
  etcd: string;
  kubeApiserver: string;
  kubeControllerManager: string;
  kubectl: string;
  kwok: string;
  kwokStages: string;
  cnitool: string;
  cniPluginsDir: string;
}

/**
 * Locates the Go-built control plane, building it from the committed tools modules when the
 * version-keyed cache is empty (a cold build takes a while; a warm one is a no-op). Never
 * falls back to anything else: if the build fails, the run fails with the build's output.
 */
export function ensureBinaries(): Binaries {
  const script = join(REPO_ROOT, 'e2e', 'controlplane', 'build.sh');
  let out: string;
  try {
    out = execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
  } catch (err) {
    throw new Error(`building the test-bed binaries failed (${script}): ${(err as Error).message}`);
  }
  const dir = out.trim().split('\n').pop() ?? '';
  const bins: Binaries = {
    dir,
    etcd: join(dir, 'etcd'),
    kubeApiserver: join(dir, 'kube-apiserver'),
    kubeControllerManager: join(dir, 'kube-controller-manager'),
    kubectl: join(dir, 'kubectl'),
    kwok: join(dir, 'kwok'),
    kwokStages: join(dir, 'kwok-stages.yaml'),
    cnitool: join(dir, 'cnitool'),
    cniPluginsDir: join(dir, 'cni-plugins'),
  };
  const missing = Object.entries(bins).filter(([, file]) => !existsSync(file)).map(([name]) => name);
  if (missing.length > 0) throw new Error(`test-bed binaries missing after build in ${dir}: ${missing.join(', ')}`);
  return bins;
}
