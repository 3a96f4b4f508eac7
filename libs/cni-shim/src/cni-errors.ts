// SPDX-License-Identifier: Apache-2.0
// CNI error results (spec 1.1 "Error" section). The runtime reads them from stdout when the plugin
// exits non-zero, so every failure of the shim ends up as one of these documents.
import type { ShimOutcome } from './types.ts';

/** Used whenever the netconf did not (or could not) tell us its version. */
export const DEFAULT_CNI_VERSION = '1.1.0';

/** The CNI error codes the shim itself produces; the node-agent produces the others. */
export const CNI_ERROR_CODES = {
  invalidEnvironment: 4,
  decodeFailure: 6,
  invalidNetworkConfig: 7,
  tryAgainLater: 11,
  pluginNotAvailable: 50,
  unknown: 999,
} as const;
export type CniErrorCode = (typeof CNI_ERROR_CODES)[keyof typeof CNI_ERROR_CODES];

/** The error document printed on stdout. */
export interface CniError {
  cniVersion: string;
  code: CniErrorCode;
  msg: string;
  details: string;
}

/** Carries a CNI error document through a throw (request parsing); caught by runShim. */
export class CniShimError extends Error {
  readonly cniError: CniError;

  constructor(cniError: CniError) {
    super(cniError.details ? `${cniError.msg}: ${cniError.details}` : cniError.msg);
    this.name = 'CniShimError';
    this.cniError = cniError;
  }
}

/** Builds a CNI error document. */
export function cniError(code: CniErrorCode, msg: string, details = '', cniVersion = DEFAULT_CNI_VERSION): CniError {
  return { cniVersion, code, msg, details };
}

/** Code 4: a required or malformed environment variable, named in msg. */
export function invalidEnvironment(variable: string, details: string, cniVersion = DEFAULT_CNI_VERSION): CniError {
  return cniError(CNI_ERROR_CODES.invalidEnvironment, `invalid environment variable ${variable}`, details, cniVersion);
}

/** Code 6: stdin is not JSON. */
export function decodeFailure(details: string, cniVersion = DEFAULT_CNI_VERSION): CniError {
  return cniError(CNI_ERROR_CODES.decodeFailure, 'failed to decode content', details, cniVersion);
}

/** Code 7: stdin is JSON but not a usable network configuration. */
export function invalidNetworkConfig(details: string, cniVersion = DEFAULT_CNI_VERSION): CniError {
  return cniError(CNI_ERROR_CODES.invalidNetworkConfig, 'invalid network config', details, cniVersion);
}

/** Code 11: transient; the runtime retries the whole operation later. */
export function tryAgainLater(details: string, cniVersion = DEFAULT_CNI_VERSION): CniError {
  return cniError(CNI_ERROR_CODES.tryAgainLater, `try again later: ${details}`, details, cniVersion);
}

/** Code 50: the STATUS answer for "this plugin cannot serve ADD right now". */
export function pluginNotAvailable(details: string, cniVersion = DEFAULT_CNI_VERSION): CniError {
  return cniError(CNI_ERROR_CODES.pluginNotAvailable, `plugin not available: ${details}`, details, cniVersion);
}

/** Code 999: anything the shim did not foresee (a bug, never a normal path). */
export function unknownError(details: string, cniVersion = DEFAULT_CNI_VERSION): CniError {
  return cniError(CNI_ERROR_CODES.unknown, 'unknown error', details, cniVersion);
}

/** The process outcome for an error: the document on stdout, exit code 1. */
export function cniErrorOutcome(error: CniError): ShimOutcome {
  return { exitCode: 1, stdout: JSON.stringify(error) };
}

/** Any thrown value as a CNI error: CniShimError keeps its document, the rest become code 999. */
export function toCniError(error: unknown, cniVersion = DEFAULT_CNI_VERSION): CniError {
  if (error instanceof CniShimError) return error.cniError;
  return unknownError(error instanceof Error ? error.message : String(error), cniVersion);
}
