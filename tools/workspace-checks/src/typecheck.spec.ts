// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { ROOT, bin } from './workspace.ts';

describe('typecheck', () => {
  it('the whole workspace compiles under strict TypeScript', () => {
    const result = spawnSync(bin('tsc'), ['-p', 'tsconfig.json', '--noEmit', '--pretty', 'false'], { cwd: ROOT, encoding: 'utf8' });
    expect({ status: result.status, diagnostics: result.stdout.trim() }).toEqual({ status: 0, diagnostics: '' });
  }, 120_000);
});
