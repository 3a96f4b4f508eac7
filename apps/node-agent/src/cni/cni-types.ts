// SPDX-License-Identifier: Apache-2.0

/** What the CNI shim forwards: the plugin it was invoked as, the verb, its environment and stdin. */
export interface ShimRequest {
  plugin: string;
  command: string;
  env: Record<string, string>;
  stdin: string;
}

/** What the shim prints and exits with. */
export interface ShimResponse {
  exitCode: number;
  stdout: string;
}

export const SUPPORTED_CNI_VERSIONS = ['0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0'] as const;

/** CNI error codes (spec 1.1 §"Error"): 1–7 well-known, 11 try again, 50/51 STATUS, 100+ ours. */
export const CniCode = {
  INCOMPATIBLE_VERSION: 1,
  UNSUPPORTED_FIELD: 2,
  UNKNOWN_CONTAINER: 3,
  INVALID_ENV: 4,
  IO_FAILURE: 5,
  DECODE_FAILURE: 6,
  INVALID_NETCONF: 7,
  TRY_AGAIN_LATER: 11,
  PLUGIN_NOT_AVAILABLE: 50,
  PLUGIN_NOT_AVAILABLE_LIMITED: 51,
  NO_AVAILABLE_POOL: 100,
  IP_USED_OUT: 101,
  IP_CONFLICT: 102,
  GATEWAY_UNREACHABLE: 103,
  NOT_SUPPORTED: 104,
  INTERNAL: 999,
} as const;

export class CniError extends Error {
  readonly code: number;
  readonly details: string;

  constructor(code: number, msg: string, details = '') {
    super(msg);
    this.code = code;
    this.details = details;
  }
}

/** The CNI error document printed on stdout with a non-zero exit. */
export function errorResponse(cniVersion: string, err: CniError): ShimResponse {
  return { exitCode: 1, stdout: JSON.stringify({ cniVersion, code: err.code, msg: err.message, ...(err.details ? { details: err.details } : {}) }) };
}
