// SPDX-License-Identifier: Apache-2.0
import {
  Metadata,
  Server,
  ServerCredentials,
  status as GrpcStatus,
  type ServerUnaryCall,
  type ServiceError,
  type UntypedServiceImplementation,
  type sendUnaryData,
} from '@grpc/grpc-js';
import type { DescService } from '@bufbuild/protobuf';
import type { GenService, GenServiceMethods } from '@bufbuild/protobuf/codegenv2';
import { toSpiderpoolError, type ErrorCode } from '@spiderpool/errors';
import { grpcServiceDefinition } from './service-definition.ts';
import {
  ERROR_CODE_METADATA,
  ERROR_FIELD_METADATA,
  ERROR_RETRYABLE_METADATA,
  GRPC_STATUS_BY_CODE,
} from './status-mapping.ts';
import type { CallContext, ServiceHandlers } from './typed-service.ts';

/** Observes every finished call: for metrics and logs. `code` is undefined on success. */
export type CallObserver = (event: {
  path: string;
  durationSeconds: number;
  code: ErrorCode | undefined;
  error: Error | undefined;
}) => void;

export interface GrpcServerOptions {
  onCall?: CallObserver;
  /** grpc-js channel options, e.g. keepalive settings. */
  channelOptions?: Record<string, string | number>;
}

/**
 * A grpc-js server serving protobuf-es service descriptors with typed handlers.
 * Handler errors become gRPC statuses through the single mapping table; anything that is
 * not a SpiderpoolError is reported as INTERNAL without leaking its stack.
 */
export class GrpcServer {
  readonly #server: Server;
  readonly #onCall: CallObserver | undefined;
  #boundPorts: number[] = [];

  constructor(options: GrpcServerOptions = {}) {
    this.#server = new Server(options.channelOptions ?? {});
    this.#onCall = options.onCall;
  }

  addService<M extends GenServiceMethods>(service: GenService<M>, handlers: ServiceHandlers<M>): this {
    const desc = service as unknown as DescService;
    const impl: UntypedServiceImplementation = {};
    for (const method of desc.methods) {
      const handler = (handlers as Record<string, unknown>)[method.localName];
      if (typeof handler !== 'function') throw new Error(`${desc.typeName}: no handler for ${method.name}`);
      const path = `/${desc.typeName}/${method.name}`;
      impl[method.localName] = this.#wrap(path, handler as UnaryFn);
    }
    this.#server.addService(grpcServiceDefinition(desc), impl);
    return this;
  }

  /** Binds `host:port` (port 0 = any free port) or `unix:///path`; resolves the bound port. */
  listen(address: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#server.bindAsync(address, ServerCredentials.createInsecure(), (err, port) => {
        if (err) return reject(err);
        this.#boundPorts.push(port);
        resolve(port);
      });
    });
  }

  /** Stops accepting calls, lets running calls finish for up to `graceMs`, then forces. */
  async stop(graceMs = 5_000): Promise<void> {
    if (this.#boundPorts.length === 0) return;
    this.#boundPorts = [];
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.#server.forceShutdown();
        resolve();
      }, graceMs);
      timer.unref();
      this.#server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  #wrap(path: string, handler: UnaryFn) {
    return (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>): void => {
      const started = process.hrtime.bigint();
      const abort = new AbortController();
      call.on('cancelled', () => abort.abort(new Error('call cancelled by the client')));
      const context = callContext(path, call, abort.signal);
      const finish = (code: ErrorCode | undefined, error: Error | undefined): void => {
        const durationSeconds = Number(process.hrtime.bigint() - started) / 1e9;
        this.#onCall?.({ path, durationSeconds, code, error });
      };
      handler(call.request, context).then(
        (response) => {
          finish(undefined, undefined);
          callback(null, response);
        },
        (thrown: unknown) => {
          const err = toSpiderpoolError(thrown);
          finish(err.code, err);
          callback(toServiceError(err));
        },
      );
    };
  }
}

type UnaryFn = (request: unknown, context: CallContext) => Promise<unknown>;

function callContext(path: string, call: ServerUnaryCall<unknown, unknown>, signal: AbortSignal): CallContext {
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(call.metadata.getMap())) metadata[key] = String(value);
  const deadline = call.getDeadline();
  return {
    path,
    metadata,
    signal,
    deadline: deadline instanceof Date ? deadline : Number.isFinite(deadline) ? new Date(deadline) : undefined,
    peer: call.getPeer(),
  };
}

function toServiceError(err: ReturnType<typeof toSpiderpoolError>): Partial<ServiceError> {
  const metadata = new Metadata();
  metadata.set(ERROR_CODE_METADATA, err.code);
  metadata.set(ERROR_RETRYABLE_METADATA, String(err.retryable));
  if (err.field) metadata.set(ERROR_FIELD_METADATA, err.field);
  const code = GRPC_STATUS_BY_CODE[err.code] ?? GrpcStatus.INTERNAL;
  // INTERNAL errors carry only the generic text across the wire; the detail stays in our logs.
  const details = err.code === 'INTERNAL' ? 'internal error' : err.message;
  return { code, details, metadata };
}
