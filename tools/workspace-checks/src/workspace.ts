// SPDX-License-Identifier: Apache-2.0
import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export const bin = (name: string): string => join(ROOT, 'node_modules', '.bin', name);

/**
 * The module-boundary lint rule reads Nx's project graph from its cache and silently skips
 * itself when there is none (a fresh clone). Compute the graph first so the rule always runs.
 */
export function ensureProjectGraph(): void {
  execFileSync(bin('nx'), ['show', 'projects'], {
    cwd: ROOT,
    stdio: 'pipe',
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
  });
}
