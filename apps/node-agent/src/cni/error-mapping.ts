// SPDX-License-Identifier: Apache-2.0
import { toSpiderpoolError, type ErrorCode } from '@spiderpool/errors';
import { CniCode, CniError } from './cni-types.ts';

/** The one mapping from the project's error codes to CNI error codes. */
const CNI_CODE_BY_ERROR: Readonly<Record<ErrorCode, number>> = {
  INVALID_INPUT: CniCode.INVALID_NETCONF,
  NO_AVAILABLE_POOL: CniCode.NO_AVAILABLE_POOL,
  IP_USED_OUT: CniCode.IP_USED_OUT,
  RETRIES_EXHAUSTED: CniCode.TRY_AGAIN_LATER,
  IP_CONFLICT: CniCode.IP_CONFLICT,
  GATEWAY_UNREACHABLE: CniCode.GATEWAY_UNREACHABLE,
  FORBID_RELEASE_STATEFUL: CniCode.INTERNAL,
  FORBID_RELEASE_STATELESS: CniCode.INTERNAL,
  FREE_IPS_NOT_ENOUGH: CniCode.IP_USED_OUT,
  // The pod may not have reached ipam-service's view yet: the runtime retries the sandbox.
  NOT_FOUND: CniCode.TRY_AGAIN_LATER,
  ALREADY_EXISTS: CniCode.INTERNAL,
  CONFLICT: CniCode.TRY_AGAIN_LATER,
  NOT_READY: CniCode.TRY_AGAIN_LATER,
  UNAVAILABLE: CniCode.TRY_AGAIN_LATER,
  DEADLINE_EXCEEDED: CniCode.TRY_AGAIN_LATER,
  NOT_SUPPORTED: CniCode.NOT_SUPPORTED,
  FORBIDDEN: CniCode.INTERNAL,
  INTERNAL: CniCode.INTERNAL,
};

export function toCniError(err: unknown): CniError {
  if (err instanceof CniError) return err;
  const e = toSpiderpoolError(err);
  return new CniError(CNI_CODE_BY_ERROR[e.code], e.message, e.code);
}
