// SPDX-License-Identifier: Apache-2.0
// Turns one plugin invocation (file name, environment, stdin) into a validated CniRequest.
// The shim checks only what it needs to reach the agent and to answer VERSION; everything else
// about the netconf is the node-agent's business.
import { basename } from 'node:path';
import {
  CniShimError,
  DEFAULT_CNI_VERSION,
  decodeFailure,
  invalidEnvironment,
  invalidNetworkConfig,
} from './cni-errors.ts';
import {
  CNI_COMMANDS,
  CNI_PLUGINS,
  FORWARDED_CNI_ENV,
  type CniCommand,
  type CniPlugin,
  type CniRequest,
  type ShimEnv,
} from './types.ts';

/** Where the node-agent listens unless the netconf says otherwise. */
export const DEFAULT_SOCKET_PATH = '/var/run/spidernet/spiderpool.sock';
/** Hard limit for one agent round trip; well below the runtime's own CNI timeout. */
export const DEFAULT_TIMEOUT_MS = 100_000;

/** Environment variables of the shim itself (not part of the CNI contract). */
export const SHIM_ENV = {
  pluginName: 'SPIDERPOOL_CNI_PLUGIN_NAME',
  socket: 'SPIDERPOOL_CNI_SOCKET',
  timeoutMs: 'SPIDERPOOL_CNI_TIMEOUT_MS',
  /** Overrides the invocation log path of the netconf (tests; see log-config.ts). */
  logFile: 'SPIDERPOOL_CNI_LOG_FILE',
} as const;

export interface ReadCniRequestInput {
  /** The path the program was executed as; its base name selects the plugin. */
  argv0: string;
  env: ShimEnv;
  stdin: string;
}

type NetConf = Readonly<Record<string, unknown>>;

/**
 * Validates one invocation.
 * @throws CniShimError carrying code 4 (bad CNI_COMMAND, plugin name or timeout),
 *   6 (stdin is not JSON) or 7 (stdin is not a usable netconf object).
 */
export function readCniRequest(input: ReadCniRequestInput): CniRequest {
  const { env, stdin } = input;
  const command = readCommand(env);
  const plugin = readPlugin(input.argv0, env);
  const netconf = parseNetConf(stdin, command);
  const cniVersion = readCniVersion(netconf);
  return {
    plugin,
    command,
    env: pickForwardedEnv(env),
    stdin,
    cniVersion,
    socketPath: readSocketPath(netconf, env, cniVersion),
    timeoutMs: readTimeoutMs(env, cniVersion),
  };
}

function readCommand(env: ShimEnv): CniCommand {
  const value = env['CNI_COMMAND'];
  const command = CNI_COMMANDS.find((c) => c === value);
  if (command) return command;
  const got = value === undefined ? 'it is not set' : `${JSON.stringify(value)} is not supported`;
  throw new CniShimError(invalidEnvironment('CNI_COMMAND', `${got}; expected one of ${CNI_COMMANDS.join(', ')}`));
}

/** The plugin this invocation is for, or undefined when the name is none of ours. */
export function pluginOf(argv0: string, env: ShimEnv): CniPlugin | undefined {
  return CNI_PLUGINS.find((p) => p === pluginName(argv0, env));
}

function pluginName(argv0: string, env: ShimEnv): string {
  // The override exists for running the bundle as `node cni-shim.cjs`, where argv0 is "node".
  return env[SHIM_ENV.pluginName] || basename(argv0);
}

function readPlugin(argv0: string, env: ShimEnv): CniPlugin {
  const plugin = pluginOf(argv0, env);
  if (plugin) return plugin;
  const source = env[SHIM_ENV.pluginName] ? SHIM_ENV.pluginName : `${SHIM_ENV.pluginName} (unset; program name)`;
  throw new CniShimError(invalidEnvironment(source, `${JSON.stringify(pluginName(argv0, env))} is not one of ${CNI_PLUGINS.join(', ')}`));
}

function parseNetConf(stdin: string, command: CniCommand): NetConf {
  // VERSION may legitimately come without a netconf.
  if (command === 'VERSION' && stdin.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdin);
  } catch (error) {
    throw new CniShimError(decodeFailure(`stdin is not valid JSON: ${error instanceof Error ? error.message : String(error)}`));
  }
  if (!isObject(parsed)) throw new CniShimError(invalidNetworkConfig('stdin must be a JSON object'));
  return parsed;
}

function readCniVersion(netconf: NetConf): string {
  const version = netconf['cniVersion'];
  if (version === undefined) return DEFAULT_CNI_VERSION;
  if (typeof version !== 'string' || version === '') throw new CniShimError(invalidNetworkConfig('cniVersion must be a non-empty string'));
  return version;
}

function pickForwardedEnv(env: ShimEnv): CniRequest['env'] {
  const picked: CniRequest['env'] = {};
  for (const name of FORWARDED_CNI_ENV) {
    const value = env[name];
    if (value !== undefined) picked[name] = value;
  }
  return picked;
}

/** Precedence: env override (tests), ipam.ipam_unix_socket_path, top-level field, default. */
function readSocketPath(netconf: NetConf, env: ShimEnv, cniVersion: string): string {
  const override = env[SHIM_ENV.socket];
  if (override) return override;
  const ipam = netconf['ipam'];
  const fromIpam = isObject(ipam) ? socketField(ipam, 'ipam.ipam_unix_socket_path', cniVersion) : undefined;
  return fromIpam ?? socketField(netconf, 'ipam_unix_socket_path', cniVersion) ?? DEFAULT_SOCKET_PATH;
}

function socketField(holder: NetConf, label: string, cniVersion: string): string | undefined {
  const value = holder['ipam_unix_socket_path'];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw new CniShimError(invalidNetworkConfig(`${label} must be a non-empty string`, cniVersion));
  return value;
}

function readTimeoutMs(env: ShimEnv, cniVersion: string): number {
  const raw = env[SHIM_ENV.timeoutMs];
  if (raw === undefined || raw === '') return DEFAULT_TIMEOUT_MS;
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new CniShimError(invalidEnvironment(SHIM_ENV.timeoutMs, `${JSON.stringify(raw)} is not a positive integer of milliseconds`, cniVersion));
  }
  return value;
}

function isObject(value: unknown): value is NetConf {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
