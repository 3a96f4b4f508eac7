// SPDX-License-Identifier: Apache-2.0
// Runs the BUILT bundle as a real process, the way the container runtime will: env + stdin in,
// stdout + exit code out, against a fake agent living in its own process (spawnSync blocks this
// process's event loop, so an in-process fake could not answer).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeSocketDir } from './testing/fake-agent.ts';

const root = join(import.meta.dirname, '..', '..', '..');
const bundle = join(root, 'libs', 'cni-shim', 'dist', 'cni-shim.cjs');
const NETCONF = JSON.stringify({ cniVersion: '1.0.0', name: 'net1', type: 'macvlan', ipam: { type: 'spiderpool' } });

// No NODE_OPTIONS from jest (--experimental-vm-modules): the shim must start like in production.
function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && key !== 'NODE_OPTIONS' && !key.startsWith('CNI_') && !key.startsWith('SPIDERPOOL_')) env[key] = value;
  }
  return env;
}

// Every invocation logs; keep the suite's lines out of the host's /var/log/spidernet.
const logDir = mkdtempSync(join(tmpdir(), 'cni-shim-log-'));
const defaultLog = join(logDir, 'default.log');

function runBundle(env: Record<string, string>, stdin: string): { status: number | null; stdout: string; stderr: string } {
  const baseEnv = { ...cleanEnv(), SPIDERPOOL_CNI_PLUGIN_NAME: 'spiderpool', SPIDERPOOL_CNI_LOG_FILE: defaultLog };
  const result = spawnSync(process.execPath, [bundle], { env: { ...baseEnv, ...env }, input: stdin, encoding: 'utf8', timeout: 10_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function startAgentProcess(socketPath: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(import.meta.dirname, 'testing', 'fake-agent-process.ts'), socketPath], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`fake agent exited early (${code})`)));
    child.stdout?.once('data', () => resolve(child));
  });
}

describe('the built cni-shim bundle', () => {
  const sockets = makeSocketDir();
  const socketPath = sockets.socketPath();
  let agent: ChildProcess | undefined;

  beforeAll(async () => {
    const build = spawnSync(process.execPath, [join(root, 'scripts', 'build-cni-shim.ts')], { cwd: root, env: cleanEnv(), encoding: 'utf8' });
    expect(build.stderr).toBe('');
    expect(build.status).toBe(0);
    expect(existsSync(bundle)).toBe(true);
    agent = await startAgentProcess(socketPath);
  }, 60_000);

  afterAll(() => {
    agent?.removeAllListeners('exit');
    agent?.kill();
    sockets.remove();
    rmSync(logDir, { recursive: true, force: true });
  });

  it('round-trips an ADD through the agent', () => {
    const env = { CNI_COMMAND: 'ADD', CNI_CONTAINERID: 'c1', CNI_NETNS: '/var/run/netns/x', CNI_IFNAME: 'eth0', CNI_PATH: '/opt/cni/bin', SPIDERPOOL_CNI_SOCKET: socketPath };
    const result = runBundle(env, NETCONF);

    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      received: { plugin: 'spiderpool', command: 'ADD', env: { CNI_COMMAND: 'ADD', CNI_CONTAINERID: 'c1', CNI_NETNS: '/var/run/netns/x', CNI_IFNAME: 'eth0', CNI_PATH: '/opt/cni/bin' }, stdin: NETCONF },
    });
  });

  it('exits with the agent exit code', () => {
    expect(runBundle({ CNI_COMMAND: 'CHECK', SPIDERPOOL_CNI_SOCKET: socketPath }, NETCONF).status).toBe(3);
  });

  it('exits 1 with a CNI error on stdout when the agent is down, 0 for DEL', () => {
    const missing = sockets.socketPath('missing.sock');
    const add = runBundle({ CNI_COMMAND: 'ADD', SPIDERPOOL_CNI_SOCKET: missing }, NETCONF);
    expect(add.status).toBe(1);
    expect(JSON.parse(add.stdout)).toMatchObject({ cniVersion: '1.0.0', code: 11 });
    expect(runBundle({ CNI_COMMAND: 'DEL', SPIDERPOOL_CNI_SOCKET: missing }, NETCONF)).toEqual({ status: 0, stdout: '', stderr: '' });
  });

  it('answers VERSION and rejects a bad command without an agent', () => {
    const version = runBundle({ CNI_COMMAND: 'VERSION' }, '');
    expect(version.status).toBe(0);
    expect(JSON.parse(version.stdout)).toMatchObject({ cniVersion: '1.1.0' });
    const bad = runBundle({ CNI_COMMAND: 'NOPE' }, NETCONF);
    expect(bad.status).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ code: 4 });
  });

  it('logs each call to the log file the netconf names, and an unwritable log path changes nothing', () => {
    const logFile = join(logDir, 'netconf', 'spiderpool.log');
    const conf = (path: string): string => JSON.stringify({ cniVersion: '1.0.0', name: 'net1', type: 'macvlan', ipam: { type: 'spiderpool', log_file_path: path } });
    const env = { CNI_COMMAND: 'ADD', CNI_CONTAINERID: 'c9', CNI_IFNAME: 'eth1', SPIDERPOOL_CNI_SOCKET: socketPath, SPIDERPOOL_CNI_LOG_FILE: '' };
    const ok = runBundle(env, conf(logFile));
    expect(ok.status).toBe(0);
    const down = runBundle({ ...env, SPIDERPOOL_CNI_SOCKET: sockets.socketPath('missing.sock') }, conf(logFile));
    const lines = readFileSync(logFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toEqual([
      expect.objectContaining({ plugin: 'spiderpool', command: 'ADD', containerId: 'c9', ifName: 'eth1', exitCode: 0, msg: 'ok', durationMs: expect.any(Number) }),
      expect.objectContaining({ command: 'ADD', exitCode: 1, code: 11, msg: JSON.parse(down.stdout).msg }),
    ]);

    const blocker = join(logDir, 'plain-file');
    writeFileSync(blocker, 'x');
    const unwritableConf = conf(join(blocker, 'spiderpool.log'));
    const unwritable = runBundle(env, unwritableConf);
    // The same answer as with a writable log: exit 0, the agent's stdout, nothing on stderr.
    expect({ status: unwritable.status, stderr: unwritable.stderr }).toEqual({ status: 0, stderr: '' });
    expect(JSON.parse(unwritable.stdout)).toEqual({ received: expect.objectContaining({ command: 'ADD', stdin: unwritableConf }) });
  });

  it('starts fast enough to run on every pod creation', () => {
    const env = { CNI_COMMAND: 'ADD', CNI_CONTAINERID: 'c1', SPIDERPOOL_CNI_SOCKET: socketPath };
    const times: number[] = [];
    for (let i = 0; i < 20; i++) {
      const started = performance.now();
      const result = runBundle(env, NETCONF);
      times.push(performance.now() - started);
      expect(result.status).toBe(0);
    }
    const average = times.reduce((sum, t) => sum + t, 0) / times.length;
    console.log(`cni-shim bundle: average wall time of ${times.length} ADD invocations = ${average.toFixed(1)} ms (max ${Math.max(...times).toFixed(1)} ms)`);
    for (const t of times) expect(t).toBeLessThan(2_000);
  }, 60_000);
});
