// SPDX-License-Identifier: Apache-2.0
// The one mapping from our error codes to the status of an AdmissionReview denial.
import { toSpiderpoolError, type ErrorCode } from '@spiderpool/errors';
import type { AdmissionStatus } from './admission-review.ts';

const STATUS: Partial<Record<ErrorCode, { code: number; reason: string }>> = {
  INVALID_INPUT: { code: 422, reason: 'Invalid' },
  ALREADY_EXISTS: { code: 409, reason: 'AlreadyExists' },
  CONFLICT: { code: 409, reason: 'Conflict' },
  FORBIDDEN: { code: 403, reason: 'Forbidden' },
  NOT_FOUND: { code: 404, reason: 'NotFound' },
  NOT_READY: { code: 503, reason: 'ServiceUnavailable' },
  UNAVAILABLE: { code: 503, reason: 'ServiceUnavailable' },
  DEADLINE_EXCEEDED: { code: 504, reason: 'Timeout' },
};

const INTERNAL = { code: 500, reason: 'InternalError' };

/** Validation denials mirror the API server's own validation errors (422 Invalid). */
export const DENIED = { code: 422, reason: 'Invalid' } as const;

/** The status of a request whose admission logic threw: `prefix: <error message>`. */
export function statusOfError(err: unknown, prefix: string): AdmissionStatus {
  const error = toSpiderpoolError(err);
  const { code, reason } = STATUS[error.code] ?? INTERNAL;
  return { code, reason, message: `${prefix}: ${error.message}` };
}
