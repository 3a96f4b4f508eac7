// SPDX-License-Identifier: Apache-2.0
// The invocation log of the plugin executable: one JSON line per CNI call, in the file the
// netconf names (log-config.ts), so an operator on the node can see what the runtime asked and
// what it was told even when node-agent was unreachable. VERSION is not logged (runtimes probe
// with it; it changes nothing). Logging runs after the outcome is decided and never throws.
import { isLogged, pluginLogConfig, type LogLevel } from './log-config.ts';
import { appendLogLine } from './log-file.ts';
import { pluginOf } from './request.ts';
import type { CniPlugin, ShimEnv, ShimOutcome } from './types.ts';

export interface InvocationRecord {
  /** The path the program was executed as (selects the plugin). */
  argv0: string;
  env: ShimEnv;
  stdinText: string;
  outcome: ShimOutcome;
  /** Wall time of the invocation; main.ts passes the time since process start. */
  durationMs: number;
  time: Date;
}

/** One line of the log file. `code` only on failure, `pod` and `ips` only when known. */
export interface InvocationEntry {
  time: string;
  level: LogLevel;
  plugin: CniPlugin;
  command: string;
  containerId: string;
  ifName: string;
  netns: string;
  pod?: string;
  exitCode: number;
  code?: number;
  msg: string;
  ips?: string[];
  durationMs: number;
}

type Fields = Readonly<Record<string, unknown>>;

/** Writes the entry for this invocation if the plugin's log level lets it through. Never throws. */
export function logInvocation(record: InvocationRecord): void {
  try {
    const plugin = pluginOf(record.argv0, record.env);
    if (!plugin || record.env['CNI_COMMAND'] === 'VERSION') return;
    const netconf = parseObject(record.stdinText);
    const config = pluginLogConfig(plugin, netconf, record.env);
    const entry = invocationEntry(plugin, record);
    if (isLogged(config.level, entry.level)) appendLogLine(config.path, `${JSON.stringify(entry)}\n`, config);
  } catch {
    // A bug in building the entry must not turn a finished CNI call into a crash.
  }
}

/** The entry for one invocation: failures at `error` with the CNI error code and message. */
export function invocationEntry(plugin: CniPlugin, record: InvocationRecord): InvocationEntry {
  const { env, outcome } = record;
  const answer = parseObject(outcome.stdout);
  const failed = outcome.exitCode !== 0;
  const pod = podOf(env['CNI_ARGS']);
  const ips = failed ? undefined : addressesOf(answer);
  return {
    time: record.time.toISOString(),
    level: failed ? 'error' : 'info',
    plugin,
    command: env['CNI_COMMAND'] ?? '',
    containerId: env['CNI_CONTAINERID'] ?? '',
    ifName: env['CNI_IFNAME'] ?? '',
    netns: env['CNI_NETNS'] ?? '',
    ...(pod ? { pod } : {}),
    exitCode: outcome.exitCode,
    ...(failed ? errorOf(answer) : { msg: 'ok' }),
    ...(ips ? { ips } : {}),
    durationMs: Math.round(record.durationMs * 10) / 10,
  };
}

function errorOf(answer: Fields | undefined): { code?: number; msg: string } {
  const code = answer?.['code'];
  const msg = answer?.['msg'];
  const details = answer?.['details'];
  let text = typeof msg === 'string' ? msg : 'failed without a CNI error document';
  // The shim's own errors keep the specifics in details; the agent's put them in msg.
  if (typeof details === 'string' && details !== '' && !text.includes(details)) text = `${text}: ${details}`;
  return typeof code === 'number' ? { code, msg: text } : { msg: text };
}

/** The addresses of an ADD result, e.g. `192.0.2.10/24`. */
function addressesOf(answer: Fields | undefined): string[] | undefined {
  const ips = answer?.['ips'];
  if (!Array.isArray(ips)) return undefined;
  const addresses = ips.map((ip: unknown) => (ip as Fields | null)?.['address']).filter((a): a is string => typeof a === 'string');
  return addresses.length > 0 ? addresses : undefined;
}

/** `namespace/name` from CNI_ARGS' K8S_POD_NAMESPACE and K8S_POD_NAME. */
function podOf(cniArgs: string | undefined): string | undefined {
  if (!cniArgs) return undefined;
  const args = new Map(cniArgs.split(';').map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)] as const));
  const namespace = args.get('K8S_POD_NAMESPACE');
  const name = args.get('K8S_POD_NAME');
  return namespace && name ? `${namespace}/${name}` : undefined;
}

function parseObject(text: string): Fields | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields) : undefined;
  } catch {
    return undefined;
  }
}
