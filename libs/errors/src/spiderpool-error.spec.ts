// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { ALL_ERROR_CODES, ErrorCodes, isErrorCode } from './error-codes.ts';
import { SpiderpoolError, invalidInput, isSpiderpoolError, toSpiderpoolError } from './spiderpool-error.ts';

describe('SpiderpoolError', () => {
  it('starts with the upstream sentinel text so known messages stay searchable', () => {
    const err = new SpiderpoolError('NO_AVAILABLE_POOL', 'all IPv4 IPPools [p1] of eth0 filtered out');
    expect(err.message).toBe('no IPPool available: all IPv4 IPPools [p1] of eth0 filtered out');
    expect(err.code).toBe('NO_AVAILABLE_POOL');
  });

  it('names the field, the value and the rule for invalid input', () => {
    const err = invalidInput('spec.subnet', '10.0.0.1/24', 'must be a canonical CIDR');
    expect(err.code).toBe('INVALID_INPUT');
    expect(err.field).toBe('spec.subnet');
    expect(err.message).toBe(
      'wrong input: spec.subnet: value "10.0.0.1/24" must be a canonical CIDR',
    );
    expect(err.retryable).toBe(false);
  });

  it('marks contention and availability errors retryable by default', () => {
    expect(new SpiderpoolError('CONFLICT').retryable).toBe(true);
    expect(new SpiderpoolError('UNAVAILABLE').retryable).toBe(true);
    expect(new SpiderpoolError('IP_USED_OUT').retryable).toBe(false);
    expect(new SpiderpoolError('IP_USED_OUT', undefined, { retryable: true }).retryable).toBe(true);
  });

  it('wraps foreign errors as INTERNAL and keeps its own', () => {
    const own = new SpiderpoolError('NOT_FOUND', 'pod x');
    expect(toSpiderpoolError(own)).toBe(own);
    const wrapped = toSpiderpoolError(new TypeError('boom'));
    expect(wrapped.code).toBe('INTERNAL');
    expect(wrapped.message).toBe('internal error: boom');
    expect(isSpiderpoolError(wrapped, 'INTERNAL')).toBe(true);
    expect(isSpiderpoolError(wrapped, 'NOT_FOUND')).toBe(false);
  });

  it('keeps codes stable: each key equals its code', () => {
    for (const code of ALL_ERROR_CODES) expect(ErrorCodes[code].code).toBe(code);
    expect(isErrorCode('IP_USED_OUT')).toBe(true);
    expect(isErrorCode('toString')).toBe(false);
  });
});
