// SPDX-License-Identifier: Apache-2.0
import {
  Metadata,
  credentials,
  makeGenericClientConstructor,
  type Client,
  type ServiceError,
} from '@grpc/grpc-js';
import type { DescService } from '@bufbuild/protobuf';
import type { GenService, GenServiceMethods } from '@bufbuild/protobuf/codegenv2';
import { SpiderpoolError } from '@spiderpool/errors';
import { grpcServiceDefinition } from './service-definition.ts';
import {
  ERROR_CODE_METADATA,
  ERROR_FIELD_METADATA,
  ERROR_RETRYABLE_METADATA,
  errorCodeFromGrpc,
} from './status-mapping.ts';
import type { CallOptions, ServiceClient } from './typed-service.ts';

export interface GrpcClientOptions {
  /** Deadline applied to every call unless the call sets its own. */
  defaultDeadlineMs?: number;
  channelOptions?: Record<string, string | number>;
  /**
   * Retries of calls that failed with UNAVAILABLE (the server could not be reached or went away),
   * with exponential backoff, all within the call's one deadline. Only for services whose methods
   * are idempotent (IpamService's are: a repeated Allocate returns the same addresses).
   */
  retry?: RetryPolicy;
}

export interface RetryPolicy {
  maxAttempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
}

export interface ClosableClient {
  close(): void;
  /** Resolves once the channel is connected, or rejects after `timeoutMs`. */
  waitForReady(timeoutMs: number): Promise<void>;
}

/**
 * Creates a typed client for a protobuf-es service. One client holds one channel: reuse it
 * for every call instead of creating one per request. Failures reject with a SpiderpoolError
 * whose code is the one the server raised (from metadata), or one derived from the status.
 */
export function createGrpcClient<M extends GenServiceMethods>(
  service: GenService<M>,
  address: string,
  options: GrpcClientOptions = {},
): ServiceClient<M> & ClosableClient {
  const desc = service as unknown as DescService;
  const Ctor = makeGenericClientConstructor(grpcServiceDefinition(desc), desc.name);
  const raw = new Ctor(address, credentials.createInsecure(), options.channelOptions ?? {});
  const stub: Record<string, unknown> = {
    close: () => raw.close(),
    waitForReady: (timeoutMs: number) => waitForReady(raw, timeoutMs),
  };
  for (const method of desc.methods) {
    stub[method.localName] = (request: unknown, callOptions: CallOptions = {}) => {
      const deadlineMs = callOptions.deadlineMs ?? options.defaultDeadlineMs;
      const once = (remainingMs: number | undefined): Promise<unknown> => invoke(raw, method.localName, request, { ...callOptions, deadlineMs: remainingMs });
      return options.retry ? withRetry(once, options.retry, deadlineMs, callOptions.signal) : once(deadlineMs);
    };
  }
  return stub as ServiceClient<M> & ClosableClient;
}

/** Re-tries UNAVAILABLE with backoff while attempts and the deadline last; other errors at once. */
async function withRetry(once: (remainingMs: number | undefined) => Promise<unknown>, policy: RetryPolicy, deadlineMs: number | undefined, signal: AbortSignal | undefined): Promise<unknown> {
  const end = deadlineMs === undefined ? undefined : Date.now() + deadlineMs;
  let backoff = policy.initialBackoffMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await once(end === undefined ? undefined : Math.max(1, end - Date.now()));
    } catch (err) {
      const wait = Math.min(backoff, policy.maxBackoffMs) * (0.5 + Math.random() / 2);
      const timeLeft = end === undefined || Date.now() + wait < end;
      const retry = err instanceof SpiderpoolError && err.code === 'UNAVAILABLE' && attempt < policy.maxAttempts && timeLeft && !signal?.aborted;
      if (!retry) throw err;
      await new Promise((resolve) => setTimeout(resolve, wait));
      backoff *= 2;
    }
  }
}

function invoke(raw: Client, method: string, request: unknown, options: CallOptions): Promise<unknown> {
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(options.metadata ?? {})) metadata.set(key, value);
  const callOptions = options.deadlineMs ? { deadline: new Date(Date.now() + options.deadlineMs) } : {};
  const fn = (raw as unknown as Record<string, UnaryCall>)[method];
  if (!fn) return Promise.reject(new Error(`unknown method ${method}`));
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) return reject(fromServiceError(cancelledError()));
    const call = fn.call(raw, request, metadata, callOptions, (err: ServiceError | null, response: unknown) => {
      options.signal?.removeEventListener('abort', onAbort);
      if (err) reject(fromServiceError(err));
      else resolve(response);
    });
    const onAbort = (): void => call.cancel();
    options.signal?.addEventListener('abort', onAbort, { once: true });
  });
}

type UnaryCall = (
  request: unknown,
  metadata: Metadata,
  options: object,
  callback: (err: ServiceError | null, response: unknown) => void,
) => { cancel(): void };

function fromServiceError(err: ServiceError): SpiderpoolError {
  const code = errorCodeFromGrpc(err.code, err.metadata?.get(ERROR_CODE_METADATA)[0]);
  const field = err.metadata?.get(ERROR_FIELD_METADATA)[0];
  const retryableRaw = err.metadata?.get(ERROR_RETRYABLE_METADATA)[0];
  const detail = err.details || err.message;
  const error = new SpiderpoolError(code, undefined, {
    cause: err,
    ...(typeof field === 'string' ? { field } : {}),
    ...(retryableRaw !== undefined ? { retryable: retryableRaw === 'true' } : {}),
  });
  // The server already composed the full message; keep it verbatim for the caller.
  error.message = detail;
  return error;
}

function cancelledError(): ServiceError {
  return Object.assign(new Error('call cancelled'), {
    code: 1,
    details: 'call cancelled',
    metadata: new Metadata(),
  }) as ServiceError;
}

function waitForReady(raw: Client, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    raw.waitForReady(new Date(Date.now() + timeoutMs), (err) => (err ? reject(err) : resolve()));
  });
}
