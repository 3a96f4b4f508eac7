// SPDX-License-Identifier: Apache-2.0
// Plain data shared by the shim's modules. The shim imports Node built-ins only (it runs on every
// pod creation, so start-up time matters), hence its own small types instead of the agent's.

/** The names this one program answers to; the runtime picks one by executing the matching file. */
export const CNI_PLUGINS = ['spiderpool', 'coordinator', 'ifacer'] as const;
export type CniPlugin = (typeof CNI_PLUGINS)[number];

/** The CNI 1.1 verbs. */
export const CNI_COMMANDS = ['ADD', 'DEL', 'CHECK', 'VERSION', 'STATUS', 'GC'] as const;
export type CniCommand = (typeof CNI_COMMANDS)[number];

/** The CNI_* variables forwarded to the node-agent (the rest of the environment stays local). */
export const FORWARDED_CNI_ENV = ['CNI_COMMAND', 'CNI_CONTAINERID', 'CNI_NETNS', 'CNI_IFNAME', 'CNI_ARGS', 'CNI_PATH'] as const;
export type ForwardedCniEnvName = (typeof FORWARDED_CNI_ENV)[number];

/** A process environment as handed to the shim (process.env is assignable to it). */
export type ShimEnv = Readonly<Record<string, string | undefined>>;

/** One validated plugin invocation. */
export interface CniRequest {
  plugin: CniPlugin;
  command: CniCommand;
  /** Only the forwarded CNI_* variables that were present. */
  env: Partial<Record<ForwardedCniEnvName, string>>;
  /** The network configuration exactly as received (the agent parses it again). */
  stdin: string;
  /** The netconf's cniVersion, or the newest supported version; used in locally built answers. */
  cniVersion: string;
  socketPath: string;
  timeoutMs: number;
}

/** What the shim prints on stdout and exits with (also the node-agent's answer shape). */
export interface ShimOutcome {
  exitCode: number;
  stdout: string;
}
