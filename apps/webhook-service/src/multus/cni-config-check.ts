// SPDX-License-Identifier: Apache-2.0
// A small checker of CNI network configurations (SPEC.md of containernetworking/cni, "Network
// configuration format"): what a runtime needs before it can run a conflist. It is used for
// the JSON users hand us (`customCNI`, `chainCNIJsonData`) and, in tests, for what we render.
import { CNI_VERSIONS } from './multus-keys.ts';

type Obj = Record<string, unknown>;

export interface CniCheckOptions {
  /** Our own chains never repeat a plugin type; users' conflists may. */
  uniqueTypes?: boolean;
}

/** The spec's network name: starts alphanumeric, then alphanumerics, `_`, `.` or `-`. */
const NETWORK_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

export const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export const isCniNetworkName = (v: unknown): v is string => typeof v === 'string' && NETWORK_NAME.test(v);

function versionProblems(conf: Obj): string[] {
  const v = conf['cniVersion'];
  if (typeof v !== 'string' || !(CNI_VERSIONS as readonly string[]).includes(v)) return [`cniVersion: must be one of ${CNI_VERSIONS.join(', ')}`];
  const list = conf['cniVersions'];
  if (list !== undefined && !(Array.isArray(list) && list.every((x) => typeof x === 'string'))) return ['cniVersions: must be a list of version strings'];
  return [];
}

function flagProblems(conf: Obj): string[] {
  return ['disableCheck', 'disableGC'].flatMap((k) => (conf[k] === undefined || typeof conf[k] === 'boolean' ? [] : [`${k}: must be true or false`]));
}

/** The problems of one plugin entry (or of a whole single-plugin config). */
export function pluginProblems(plugin: unknown, where: string): string[] {
  if (!isObject(plugin)) return [`${where}: must be a JSON object`];
  const out: string[] = [];
  const type = plugin['type'];
  // The type is the plugin's executable name on CNI_PATH, so it cannot contain a path.
  if (typeof type !== 'string' || type === '' || type.includes('/')) out.push(`${where}.type: must be the name of a plugin executable (non-empty, no "/")`);
  const ipam = plugin['ipam'];
  if (ipam !== undefined && !(isObject(ipam) && typeof ipam['type'] === 'string' && ipam['type'] !== '')) out.push(`${where}.ipam: must be an object with a non-empty type`);
  return out;
}

function pluginListProblems(conf: Obj, o: CniCheckOptions): string[] {
  const plugins = conf['plugins'];
  if (!Array.isArray(plugins) || plugins.length === 0) return ['plugins: must be a non-empty list'];
  const out = plugins.flatMap((p: unknown, i) => pluginProblems(p, `plugins[${i}]`));
  plugins.forEach((p: unknown, i) => {
    if (!isObject(p)) return;
    // A runtime hands every plugin the list's name and version; a plugin saying otherwise is a mistake.
    for (const key of ['name', 'cniVersion']) {
      if (p[key] !== undefined && p[key] !== conf[key]) out.push(`plugins[${i}].${key}: must be absent or equal to the list's ${key}`);
    }
  });
  if (o.uniqueTypes) {
    const types = plugins.map((p: unknown) => (isObject(p) ? p['type'] : undefined));
    types.forEach((t, i) => {
      if (types.indexOf(t) !== i) out.push(`plugins[${i}].type: "${String(t)}" appears more than once`);
    });
  }
  return out;
}

/** Problems of a network configuration list; empty when a runtime can execute it. */
export function conflistProblems(value: unknown, options: CniCheckOptions = {}): string[] {
  if (!isObject(value)) return ['the configuration must be a JSON object'];
  const out = [...versionProblems(value), ...flagProblems(value)];
  if (!isCniNetworkName(value['name'])) out.push('name: must start with a letter or digit followed by letters, digits, "_", "." or "-"');
  return [...out, ...pluginListProblems(value, options)];
}

/** Problems of a single-plugin configuration (no `plugins`; the plugin's fields at the top). */
export function singleConfProblems(value: unknown): string[] {
  if (!isObject(value)) return ['the configuration must be a JSON object'];
  const out = [...versionProblems(value), ...pluginProblems(value, 'the configuration')];
  if (value['name'] !== undefined && !isCniNetworkName(value['name'])) out.push('name: must start with a letter or digit followed by letters, digits, "_", "." or "-"');
  return out;
}

/** Parses JSON text, answering the parse error as a problem instead of throwing. */
export function parseJson(text: string): { value: unknown } | { problem: string } {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (err) {
    return { problem: `is not valid JSON (${(err as Error).message})` };
  }
}

/**
 * Problems of a `customCNI` text: a conflist (it has `plugins`) or a single-plugin config. The
 * version may be left out: the renderer then puts in the SpiderMultusConfig's version.
 */
export function customCniProblems(text: string, fallbackVersion: string): string[] {
  const parsed = parseJson(text);
  if ('problem' in parsed) return [parsed.problem];
  if (!isObject(parsed.value)) return ['the configuration must be a JSON object'];
  const withVersion = { cniVersion: fallbackVersion, ...parsed.value };
  if ('plugins' in withVersion) return conflistProblems({ name: 'custom', ...withVersion });
  return singleConfProblems(withVersion);
}
