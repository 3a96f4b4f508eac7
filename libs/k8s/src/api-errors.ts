// SPDX-License-Identifier: Apache-2.0
import { SpiderpoolError, type ErrorCode } from '@spiderpool/errors';

interface StatusBody {
  reason?: string;
  message?: string;
}

/** HTTP status code of a Kubernetes API failure, or undefined when it never got an answer. */
export function apiStatusCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown; statusCode?: unknown } | null)?.code ?? (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

/** The one mapping from Kubernetes API failures to the project's error codes. */
export function fromApiError(err: unknown, what: string): SpiderpoolError {
  if (err instanceof SpiderpoolError) return err;
  const status = apiStatusCode(err);
  const body = parseBody((err as { body?: unknown } | null)?.body);
  const code = codeFor(status, body.reason);
  const detail = `${what}: ${body.message ?? (err instanceof Error ? err.message : String(err))}`;
  return new SpiderpoolError(code, detail, { cause: err });
}

function codeFor(status: number | undefined, reason: string | undefined): ErrorCode {
  if (status === undefined) return 'UNAVAILABLE';
  if (status === 404) return 'NOT_FOUND';
  if (status === 409) return reason === 'AlreadyExists' ? 'ALREADY_EXISTS' : 'CONFLICT';
  if (status === 400 || status === 422) return 'INVALID_INPUT';
  if (status === 401 || status === 403) return 'FORBIDDEN';
  if (status === 429 || status >= 500) return 'UNAVAILABLE';
  return 'INTERNAL';
}

function parseBody(body: unknown): StatusBody {
  if (typeof body === 'string') {
    try {
      return JSON.parse(body) as StatusBody;
    } catch {
      return { message: body };
    }
  }
  return (body ?? {}) as StatusBody;
}
