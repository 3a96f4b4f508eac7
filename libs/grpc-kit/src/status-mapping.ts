// SPDX-License-Identifier: Apache-2.0
import { status as GrpcStatus } from '@grpc/grpc-js';
import { isErrorCode, type ErrorCode } from '@spiderpool/errors';

/** The one mapping from the project's error codes to gRPC status codes. */
export const GRPC_STATUS_BY_CODE: Readonly<Record<ErrorCode, GrpcStatus>> = {
  INVALID_INPUT: GrpcStatus.INVALID_ARGUMENT,
  NO_AVAILABLE_POOL: GrpcStatus.FAILED_PRECONDITION,
  IP_USED_OUT: GrpcStatus.RESOURCE_EXHAUSTED,
  RETRIES_EXHAUSTED: GrpcStatus.ABORTED,
  IP_CONFLICT: GrpcStatus.ALREADY_EXISTS,
  GATEWAY_UNREACHABLE: GrpcStatus.UNAVAILABLE,
  FORBID_RELEASE_STATEFUL: GrpcStatus.FAILED_PRECONDITION,
  FORBID_RELEASE_STATELESS: GrpcStatus.FAILED_PRECONDITION,
  FREE_IPS_NOT_ENOUGH: GrpcStatus.RESOURCE_EXHAUSTED,
  NOT_FOUND: GrpcStatus.NOT_FOUND,
  ALREADY_EXISTS: GrpcStatus.ALREADY_EXISTS,
  CONFLICT: GrpcStatus.ABORTED,
  NOT_READY: GrpcStatus.UNAVAILABLE,
  UNAVAILABLE: GrpcStatus.UNAVAILABLE,
  DEADLINE_EXCEEDED: GrpcStatus.DEADLINE_EXCEEDED,
  NOT_SUPPORTED: GrpcStatus.UNIMPLEMENTED,
  FORBIDDEN: GrpcStatus.PERMISSION_DENIED,
  INTERNAL: GrpcStatus.INTERNAL,
};

/** Used when a peer answers without our error-code metadata (a proxy, another implementation). */
const CODE_BY_GRPC_STATUS: Partial<Record<GrpcStatus, ErrorCode>> = {
  [GrpcStatus.INVALID_ARGUMENT]: 'INVALID_INPUT',
  [GrpcStatus.NOT_FOUND]: 'NOT_FOUND',
  [GrpcStatus.ALREADY_EXISTS]: 'ALREADY_EXISTS',
  [GrpcStatus.ABORTED]: 'CONFLICT',
  [GrpcStatus.RESOURCE_EXHAUSTED]: 'IP_USED_OUT',
  [GrpcStatus.UNAVAILABLE]: 'UNAVAILABLE',
  [GrpcStatus.DEADLINE_EXCEEDED]: 'DEADLINE_EXCEEDED',
  [GrpcStatus.CANCELLED]: 'DEADLINE_EXCEEDED',
  [GrpcStatus.UNIMPLEMENTED]: 'NOT_SUPPORTED',
  [GrpcStatus.PERMISSION_DENIED]: 'FORBIDDEN',
  [GrpcStatus.UNAUTHENTICATED]: 'FORBIDDEN',
};

/** Metadata keys carrying the precise error across the wire. */
export const ERROR_CODE_METADATA = 'spiderpool-error-code';
export const ERROR_FIELD_METADATA = 'spiderpool-error-field';
export const ERROR_RETRYABLE_METADATA = 'spiderpool-error-retryable';

export function errorCodeFromGrpc(status: GrpcStatus, metadataCode: unknown): ErrorCode {
  if (isErrorCode(metadataCode)) return metadataCode;
  return CODE_BY_GRPC_STATUS[status] ?? 'INTERNAL';
}
