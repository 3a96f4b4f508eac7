// SPDX-License-Identifier: Apache-2.0
// A component that cannot start must fail the run loudly, with its own output, never hang.
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManagedProcess } from './managed-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'managed-process-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const proc = (name: string, script: string): ManagedProcess =>
  new ManagedProcess({ name, command: 'sh', args: ['-c', script], logFile: join(dir, `${name}.log`) });

describe('ManagedProcess', () => {
  it('fails the readiness wait at once when the process exits, quoting its log', async () => {
    const p = proc('crasher', 'echo "listen tcp 127.0.0.1:1: bind: permission denied"; exit 3');
    const started = Date.now();
    await expect(p.waitReady(async () => false, 30_000)).rejects.toThrow(
      /crasher exited before it was ready \(exit code 3\)[\s\S]*bind: permission denied/,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('fails with the last probe error when the process never becomes ready', async () => {
    const p = proc('sleeper', 'sleep 30');
    await expect(
      p.waitReady(async () => {
        throw new Error('connection refused');
      }, 500),
    ).rejects.toThrow(/sleeper not ready after 500 ms \(last probe: connection refused\)/);
    await p.stop();
    expect(p.running).toBe(false);
  });

  it('reports a binary that does not exist', async () => {
    const p = new ManagedProcess({ name: 'ghost', command: join(dir, 'no-such-binary'), args: [], logFile: join(dir, 'ghost.log') });
    await expect(p.waitReady(async () => true, 5_000)).rejects.toThrow(/ghost exited before it was ready \(spawn .*ENOENT\)/);
  });

  it('escalates to SIGKILL when SIGTERM is ignored', async () => {
    const p = proc('stubborn', "trap '' TERM; while true; do sleep 0.1; done");
    await new Promise((r) => setTimeout(r, 200));
    await p.stop(300);
    expect(p.running).toBe(false);
  });
});
