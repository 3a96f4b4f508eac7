// SPDX-License-Identifier: Apache-2.0
// What every plugin's netconf parser shares: decoding, the version check, the error shape.
import { CniCode, CniError, SUPPORTED_CNI_VERSIONS } from './cni-types.ts';

export type NetconfObject = Record<string, unknown>;

/** Code 7 naming the field and the rule: `invalid network config: vlanID must be …`. */
export const invalidConf = (field: string, rule: string): CniError => new CniError(CniCode.INVALID_NETCONF, `invalid network config: ${field} ${rule}`);

/** The netconf as a JSON object, or code 6. */
export function decodeNetconf(stdin: string): NetconfObject {
  let value: unknown;
  try {
    value = JSON.parse(stdin);
  } catch (err) {
    throw new CniError(CniCode.DECODE_FAILURE, `failed to decode the network config: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CniError(CniCode.DECODE_FAILURE, 'the network config must be a JSON object');
  return value as NetconfObject;
}

/** `cniVersion`, or code 1 when it is not one this plugin speaks. */
export function checkedVersion(conf: NetconfObject): string {
  const cniVersion = typeof conf['cniVersion'] === 'string' ? conf['cniVersion'] : '';
  if (!(SUPPORTED_CNI_VERSIONS as readonly string[]).includes(cniVersion)) {
    throw new CniError(CniCode.INCOMPATIBLE_VERSION, `cniVersion "${cniVersion}" is not supported (supported: ${SUPPORTED_CNI_VERSIONS.join(', ')})`);
  }
  return cniVersion;
}

/** The version to answer in when the netconf could not be parsed: what it says, else 1.1.0. */
export function versionOf(stdin: string): string {
  try {
    const v = (JSON.parse(stdin) as { cniVersion?: unknown }).cniVersion;
    return typeof v === 'string' && v ? v : '1.1.0';
  } catch {
    return '1.1.0';
  }
}
