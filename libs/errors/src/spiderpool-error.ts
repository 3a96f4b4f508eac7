// SPDX-License-Identifier: Apache-2.0
import { ErrorCodes, type ErrorCode } from './error-codes.ts';

export interface SpiderpoolErrorOptions {
  /** The input field the error is about, as the user wrote it (e.g. `spec.subnet`). */
  field?: string;
  /** The rule that was broken, in words (e.g. `must be a canonical CIDR`). */
  rule?: string;
  /** Whether retrying the same request later may succeed. */
  retryable?: boolean;
  cause?: unknown;
}

/**
 * A domain error with a stable code. The message starts with the code's default text
 * (upstream's sentinel string) followed by the detail, e.g.
 * `no IPPool available: all IPv4 IPPools [p1] of eth0 filtered out`.
 */
export class SpiderpoolError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;
  readonly rule: string | undefined;
  readonly retryable: boolean;

  constructor(code: ErrorCode, detail?: string, options: SpiderpoolErrorOptions = {}) {
    super(composeMessage(code, detail, options), { cause: options.cause });
    this.name = 'SpiderpoolError';
    this.code = code;
    this.field = options.field;
    this.rule = options.rule;
    this.retryable = options.retryable ?? DEFAULT_RETRYABLE.has(code);
  }
}

const DEFAULT_RETRYABLE: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'RETRIES_EXHAUSTED',
  'CONFLICT',
  'NOT_READY',
  'UNAVAILABLE',
  'DEADLINE_EXCEEDED',
]);

function composeMessage(code: ErrorCode, detail: string | undefined, o: SpiderpoolErrorOptions): string {
  const base = ErrorCodes[code].message;
  const parts = [detail, o.rule].filter((p): p is string => Boolean(p)).join(' ');
  const where = o.field ? `${o.field}: ` : '';
  if (!parts && !where) return base;
  return `${base}: ${where}${parts}`.replace(/: $/, '');
}

/** A validation failure: names the field, the value and the rule. */
export function invalidInput(field: string, value: unknown, rule: string): SpiderpoolError {
  return new SpiderpoolError('INVALID_INPUT', renderValue(value), { field, rule });
}

function renderValue(value: unknown): string {
  if (value === undefined) return 'value is missing:';
  const text = JSON.stringify(value) ?? String(value);
  const short = text.length > 120 ? `${text.slice(0, 117)}...` : text;
  return `value ${short}`;
}

/** Wraps anything thrown into a SpiderpoolError, keeping an existing one as it is. */
export function toSpiderpoolError(err: unknown): SpiderpoolError {
  if (err instanceof SpiderpoolError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new SpiderpoolError('INTERNAL', message, { cause: err });
}

export function isSpiderpoolError(err: unknown, code?: ErrorCode): err is SpiderpoolError {
  return err instanceof SpiderpoolError && (code === undefined || err.code === code);
}
