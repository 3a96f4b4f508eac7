// SPDX-License-Identifier: Apache-2.0
export { ErrorCodes, ALL_ERROR_CODES, isErrorCode, type ErrorCode } from './error-codes.ts';
export {
  SpiderpoolError,
  invalidInput,
  toSpiderpoolError,
  isSpiderpoolError,
  type SpiderpoolErrorOptions,
} from './spiderpool-error.ts';
