// SPDX-License-Identifier: Apache-2.0
/**
 * The one error taxonomy of the project. Codes are stable: they appear in gRPC metadata,
 * CNI error details, admission messages, metric labels and logs, so never rename one.
 * Each adapter maps a code to its own protocol exactly once (gRPC status, CNI code,
 * AdmissionReview, HTTP status).
 *
 * The default messages mirror upstream Spiderpool's sentinel error strings where one exists,
 * so that operators searching for a known message still find it.
 */
export const ErrorCodes = {
  /** Malformed or contradictory input: netconf, CNI env, annotation, request, CR. */
  INVALID_INPUT: { code: 'INVALID_INPUT', message: 'wrong input' },
  /** No pool survives selection and filtering for a NIC and family. */
  NO_AVAILABLE_POOL: { code: 'NO_AVAILABLE_POOL', message: 'no IPPool available' },
  /** Every candidate pool is full. */
  IP_USED_OUT: { code: 'IP_USED_OUT', message: 'all IP addresses used out' },
  /** Optimistic-concurrency retries ran out under contention. */
  RETRIES_EXHAUSTED: { code: 'RETRIES_EXHAUSTED', message: 'exhaust all retries' },
  /** Another host already answers for the address (ARP / NDP probe). */
  IP_CONFLICT: { code: 'IP_CONFLICT', message: 'ip conflict' },
  /** The gateway did not answer a reachability probe. */
  GATEWAY_UNREACHABLE: { code: 'GATEWAY_UNREACHABLE', message: 'unreachable' },
  FORBID_RELEASE_STATEFUL: {
    code: 'FORBID_RELEASE_STATEFUL',
    message: 'forbid releasing IPs for stateful workload',
  },
  FORBID_RELEASE_STATELESS: {
    code: 'FORBID_RELEASE_STATELESS',
    message: 'forbid releasing IPs for stateless workload',
  },
  FREE_IPS_NOT_ENOUGH: {
    code: 'FREE_IPS_NOT_ENOUGH',
    message: 'IPPool available free IPs are not enough',
  },
  /** An object the request depends on does not exist. */
  NOT_FOUND: { code: 'NOT_FOUND', message: 'not found' },
  /** The object already exists. */
  ALREADY_EXISTS: { code: 'ALREADY_EXISTS', message: 'already exists' },
  /** A compare-and-swap lost against a concurrent writer. */
  CONFLICT: { code: 'CONFLICT', message: 'conflict' },
  /** The request is valid but the system is not in a state to serve it yet. */
  NOT_READY: { code: 'NOT_READY', message: 'not ready' },
  /** A dependency (API server, ipam-service, Redis) cannot be reached. */
  UNAVAILABLE: { code: 'UNAVAILABLE', message: 'unavailable' },
  /** The request ran out of time. */
  DEADLINE_EXCEEDED: { code: 'DEADLINE_EXCEEDED', message: 'deadline exceeded' },
  /** A feature that this build does not provide. */
  NOT_SUPPORTED: { code: 'NOT_SUPPORTED', message: 'not supported' },
  /** The caller is not allowed to do this. */
  FORBIDDEN: { code: 'FORBIDDEN', message: 'forbidden' },
  /** A bug or an unexpected state; never used for expected failures. */
  INTERNAL: { code: 'INTERNAL', message: 'internal error' },
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

export const ALL_ERROR_CODES = Object.keys(ErrorCodes) as ErrorCode[];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ErrorCodes, value);
}
