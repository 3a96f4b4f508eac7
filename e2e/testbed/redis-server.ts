// SPDX-License-Identifier: Apache-2.0
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort } from './free-port.ts';
import { ManagedProcess } from './managed-process.ts';

/**
 * A private redis-server on a free loopback port (never the machine's shared one on 6379),
 * with persistence off. Tests may stop and restart it to exercise the Redis-down path.
 */
export class RedisServer {
  readonly #dir: string;
  #proc: ManagedProcess | undefined;
  #port: number | undefined;

  constructor(stateDir: string) {
    this.#dir = join(stateDir, 'redis');
  }

  get url(): string {
    if (this.#port === undefined) throw new Error('redis-server is not started');
    return `redis://127.0.0.1:${this.#port}`;
  }

  get port(): number {
    if (this.#port === undefined) throw new Error('redis-server is not started');
    return this.#port;
  }

  get pid(): number | undefined {
    return this.#proc?.pid;
  }

  /** Starts redis-server; on restart it reuses the same port so clients can reconnect. */
  async start(): Promise<string> {
    assertRedisInstalled();
    mkdirSync(this.#dir, { recursive: true });
    this.#port ??= await freePort();
    const proc = new ManagedProcess({
      name: 'redis-server',
      command: 'redis-server',
      args: ['--port', String(this.#port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
        '--dir', this.#dir, '--protected-mode', 'yes'],
      logFile: join(this.#dir, 'redis.log'),
    });
    this.#proc = proc;
    await proc.waitReady(() => ping(this.port), 20_000);
    return this.url;
  }

  async stop(): Promise<void> {
    await this.#proc?.stop(3_000);
    this.#proc = undefined;
  }

  assertRunning(): void {
    if (!this.#proc?.running) throw new Error(`redis-server is not running\n${this.#proc?.logTail(15) ?? ''}`);
  }
}

function assertRedisInstalled(): void {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error('redis-server is not installed: run `apt-get install -y redis-server` (.ci/run does this)');
  }
}

/** Speaks just enough RESP to check the server answers PING. */
export function ping(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(1_000, () => socket.destroy(new Error('PING timed out')));
    socket.once('error', reject);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.end();
      resolve(data.toString().startsWith('+PONG'));
    });
  });
}
