// SPDX-License-Identifier: Apache-2.0
// The kernel adapter of node-agent. Node.js has no netlink sockets and cannot enter a network
// namespace, so every change is made by iproute2 (`ip`), run inside the target namespace with
// `nsenter --net=<path>`. Batches go through one `ip -batch -` process: a coordinator ADD costs a
// handful of processes, not one per route.
import { execFile } from 'node:child_process';
import { SpiderpoolError } from '@spiderpool/errors';

/** A network namespace by path (`/var/run/netns/x`, `/proc/<pid>/ns/net`); undefined = node-agent's own. */
export type Netns = string | undefined;

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** What the plugins need from the kernel; tests of pure logic use an in-memory fake. */
export interface NetlinkPort {
  /** `ip <args>`; throws NetlinkCommandError with ip's own message on failure. */
  ip(netns: Netns, args: readonly string[]): Promise<string>;
  /** `ip -json <args>`, parsed. */
  ipJson<T>(netns: Netns, args: readonly string[]): Promise<T>;
  /**
   * Several `ip` commands in one process, in order, stopping at the first failure. `family` is
   * ip's -4/-6 for the whole batch (a batch line cannot carry it; `ip rule add from all` needs it).
   */
  batch(netns: Netns, commands: ReadonlyArray<readonly string[]>, options?: { family?: 4 | 6 }): Promise<void>;
  /**
   * Writes `/proc/sys/<key>` inside the namespace. The key is a path (`net/ipv4/conf/eth0.100/rp_filter`,
   * safe for interface names with dots) or, without any `/`, dotted (`net.ipv4.ip_forward`).
   */
  writeSysctl(netns: Netns, key: string, value: string): Promise<void>;
  /** Any program inside the namespace (arping, ndisc6); never throws on a non-zero exit. */
  exec(netns: Netns, program: string, args: readonly string[], timeoutMs?: number): Promise<ExecResult>;
}

export class NetlinkCommandError extends SpiderpoolError {
  readonly stderr: string;

  constructor(command: string, stderr: string) {
    super('INTERNAL', `${command}: ${stderr.trim() || 'failed'}`);
    this.stderr = stderr;
  }
}

const DEFAULT_TIMEOUT_MS = 10_000;

interface Invocation {
  program: string;
  args: readonly string[];
  input?: string;
  timeoutMs: number;
}

function spawn(netns: Netns, { program, args, input, timeoutMs }: Invocation): Promise<ExecResult> {
  const [cmd, argv] = netns ? ['nsenter', [`--net=${netns}`, '--', program, ...args]] : [program, [...args]];
  return new Promise((resolve) => {
    const child = execFile(cmd, argv, { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 127) : 0;
      resolve({ code, stdout, stderr: err && !stderr ? err.message : stderr });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** Arguments go to `ip -batch` as whitespace-separated words, so none may contain whitespace. */
function batchLine(args: readonly string[]): string {
  for (const a of args) if (a === '' || /\s/.test(a)) throw new SpiderpoolError('INVALID_INPUT', `ip argument ${JSON.stringify(a)} is empty or contains whitespace`);
  return args.join(' ');
}

export class IpRunner implements NetlinkPort {
  readonly #timeoutMs: number;

  constructor(options: { timeoutMs?: number } = {}) {
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  async ip(netns: Netns, args: readonly string[]): Promise<string> {
    const r = await spawn(netns, { program: 'ip', args, timeoutMs: this.#timeoutMs });
    if (r.code !== 0) throw new NetlinkCommandError(`ip ${args.join(' ')}`, r.stderr);
    return r.stdout;
  }

  async ipJson<T>(netns: Netns, args: readonly string[]): Promise<T> {
    const out = await this.ip(netns, ['-json', ...args]);
    return (out.trim() ? JSON.parse(out) : []) as T;
  }

  async batch(netns: Netns, commands: ReadonlyArray<readonly string[]>, options: { family?: 4 | 6 } = {}): Promise<void> {
    if (commands.length === 0) return;
    const script = commands.map(batchLine).join('\n') + '\n';
    const family = options.family ? [`-${options.family}`] : [];
    const r = await spawn(netns, { program: 'ip', args: [...family, '-batch', '-'], input: script, timeoutMs: this.#timeoutMs });
    if (r.code !== 0) throw new NetlinkCommandError('ip -batch', r.stderr);
  }

  async writeSysctl(netns: Netns, key: string, value: string): Promise<void> {
    if (!/^[\w./-]+$/.test(key) || key.includes('..') || key.startsWith('/')) throw new SpiderpoolError('INVALID_INPUT', `sysctl key ${JSON.stringify(key)} is not valid`);
    const path = `/proc/sys/${key.includes('/') ? key : key.replaceAll('.', '/')}`;
    const r = await spawn(netns, { program: 'sh', args: ['-c', 'printf "%s\\n" "$2" > "$1"', 'sysctl', path, value], timeoutMs: this.#timeoutMs });
    if (r.code !== 0) throw new NetlinkCommandError(`sysctl ${key}=${value}`, r.stderr);
  }

  exec(netns: Netns, program: string, args: readonly string[], timeoutMs = this.#timeoutMs): Promise<ExecResult> {
    return spawn(netns, { program, args, timeoutMs });
  }
}
