// SPDX-License-Identifier: Apache-2.0
// Where and how each plugin logs its invocations, read from the netconf under the upstream field
// names: the `spiderpool` IPAM plugin from its `ipam` section (log_file_path, log_level,
// log_file_max_size in MiB, log_file_max_count), `coordinator` and `ifacer` from the top-level
// `logOptions` (logFile, logLevel, logMaxSize, logMaxCount). A missing or malformed field falls
// back to its default instead of failing: a log setting must never change the CNI outcome.
import { SHIM_ENV } from './request.ts';
import type { CniPlugin, ShimEnv } from './types.ts';

/** Severity order, lowest first; an invocation is logged when its level is at least the configured one. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const DEFAULT_LOG_DIR = '/var/log/spidernet';
export const DEFAULT_LOG_LEVEL: LogLevel = 'info';
export const DEFAULT_LOG_MAX_SIZE_MIB = 100;
export const DEFAULT_LOG_MAX_COUNT = 10;

export interface PluginLogConfig {
  path: string;
  level: LogLevel;
  /** The file is rotated before a line would take it past this size. */
  maxBytes: number;
  /** Rotated files kept (`.1` newest … `.N` oldest); 0 keeps none. */
  maxCount: number;
}

type Fields = Readonly<Record<string, unknown>>;

/** The field names of one plugin's log settings and the object that holds them. */
interface FieldNames {
  section: string;
  path: string;
  level: string;
  maxSize: string;
  maxCount: string;
}

const SPIDERPOOL_FIELDS: FieldNames = { section: 'ipam', path: 'log_file_path', level: 'log_level', maxSize: 'log_file_max_size', maxCount: 'log_file_max_count' };
const LOG_OPTIONS_FIELDS: FieldNames = { section: 'logOptions', path: 'logFile', level: 'logLevel', maxSize: 'logMaxSize', maxCount: 'logMaxCount' };

/**
 * The log settings of `plugin` for this invocation. `netconf` is undefined when stdin was not a
 * JSON object (the defaults apply); `SPIDERPOOL_CNI_LOG_FILE` overrides only the path.
 */
export function pluginLogConfig(plugin: CniPlugin, netconf: Fields | undefined, env: ShimEnv): PluginLogConfig {
  const names = plugin === 'spiderpool' ? SPIDERPOOL_FIELDS : LOG_OPTIONS_FIELDS;
  const section = objectOrEmpty(netconf?.[names.section]);
  const fromConf = section[names.path];
  const path = env[SHIM_ENV.logFile] || (typeof fromConf === 'string' && fromConf !== '' ? fromConf : `${DEFAULT_LOG_DIR}/${plugin}.log`);
  return {
    path,
    level: readLevel(section[names.level]),
    maxBytes: readMaxSizeMiB(section[names.maxSize]) * 1024 * 1024,
    maxCount: readMaxCount(section[names.maxCount]),
  };
}

/** Whether an invocation at `entryLevel` is written under the configured `level`. */
export function isLogged(level: LogLevel, entryLevel: LogLevel): boolean {
  return LOG_LEVELS.indexOf(entryLevel) >= LOG_LEVELS.indexOf(level);
}

function objectOrEmpty(value: unknown): Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields) : {};
}

/** Case-insensitive; `warning` is `warn`, and the fatal levels of other loggers are `error`. */
function readLevel(value: unknown): LogLevel {
  if (typeof value !== 'string') return DEFAULT_LOG_LEVEL;
  const name = value.toLowerCase();
  if (name === 'warning') return 'warn';
  if (name === 'panic' || name === 'fatal') return 'error';
  return LOG_LEVELS.find((l) => l === name) ?? DEFAULT_LOG_LEVEL;
}

/** A positive number of MiB (fractions allowed). */
function readMaxSizeMiB(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : DEFAULT_LOG_MAX_SIZE_MIB;
}

function readMaxCount(value: unknown): number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : DEFAULT_LOG_MAX_COUNT;
}
