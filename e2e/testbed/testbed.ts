// SPDX-License-Identifier: Apache-2.0
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBinaries, type Binaries } from './binaries.ts';
import { ControlPlane } from './control-plane.ts';
import { RedisServer } from './redis-server.ts';

/** What tests need to reach the test bed; serialised for jest workers. */
export interface TestbedState {
  stateDir: string;
  kubeconfig: string;
  apiserverUrl: string;
  caCert: string;
  caKey: string;
  redisUrl: string;
  binDir: string;
  kubectl: string;
  cnitool: string;
  cniPluginsDir: string;
}

export const STATE_ENV = 'SPIDERPOOL_TESTBED_STATE';
const STATE_ROOT = existsSync('/dev/shm') ? '/dev/shm' : '/tmp';
const PREFIX = 'spiderpool-testbed-';

/** The whole test bed: control plane + Redis, started once per test run. */
export class Testbed {
  readonly stateDir: string;
  readonly binaries: Binaries;
  readonly controlPlane: ControlPlane;
  readonly redis: RedisServer;

  constructor() {
    reapStaleTestbeds();
    this.binaries = ensureBinaries();
    this.stateDir = join(STATE_ROOT, `${PREFIX}${process.pid}`);
    rmSync(this.stateDir, { recursive: true, force: true });
    mkdirSync(this.stateDir, { recursive: true });
    this.controlPlane = new ControlPlane(this.binaries, this.stateDir);
    this.redis = new RedisServer(this.stateDir);
  }

  async start(): Promise<TestbedState> {
    try {
      const [endpoints, redisUrl] = await Promise.all([this.controlPlane.start(), this.redis.start()]);
      this.#recordPids();
      const state: TestbedState = {
        stateDir: this.stateDir,
        kubeconfig: endpoints.kubeconfig,
        apiserverUrl: endpoints.apiserverUrl,
        caCert: endpoints.caCert,
        caKey: this.controlPlane.pki.caKey,
        redisUrl,
        binDir: this.binaries.dir,
        kubectl: this.binaries.kubectl,
        cnitool: this.binaries.cnitool,
        cniPluginsDir: this.binaries.cniPluginsDir,
      };
      writeFileSync(join(this.stateDir, 'state.json'), JSON.stringify(state, null, 2));
      return state;
    } catch (err) {
      await this.stop({ keepLogs: true });
      throw err;
    }
  }

  async stop(options: { keepLogs?: boolean } = {}): Promise<void> {
    await Promise.all([this.controlPlane.stop(), this.redis.stop()]);
    if (!options.keepLogs) rmSync(this.stateDir, { recursive: true, force: true });
  }

  #recordPids(): void {
    const pids = [...this.controlPlane.pids, this.redis.pid].filter((p): p is number => p !== undefined);
    writeFileSync(join(this.stateDir, 'pids'), `${pids.join('\n')}\n`);
  }
}

/**
 * A run that was killed (Ctrl-C on the runner, a CI timeout) may leave its processes behind.
 * Kill those of test beds whose owning process is gone, and only processes whose command line
 * points into that test bed's directory, so nothing else on the machine is touched.
 */
function reapStaleTestbeds(): void {
  for (const entry of readdirSync(STATE_ROOT)) {
    if (!entry.startsWith(PREFIX)) continue;
    const owner = Number(entry.slice(PREFIX.length));
    if (owner === process.pid || isAlive(owner)) continue;
    const dir = join(STATE_ROOT, entry);
    recordedPids(dir).filter((pid) => commandLineOf(pid).includes(dir)).forEach(safeKill);
    rmSync(dir, { recursive: true, force: true });
  }
}

function recordedPids(dir: string): number[] {
  const file = join(dir, 'pids');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').map(Number).filter(Boolean);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function commandLineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

function safeKill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
