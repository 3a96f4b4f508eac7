// SPDX-License-Identifier: Apache-2.0
import type { MessageInitShape, MessageShape } from '@bufbuild/protobuf';
import type { GenService, GenServiceMethods } from '@bufbuild/protobuf/codegenv2';

/** The method table of a generated service descriptor. */
export type MethodsOf<S> = S extends GenService<infer M> ? M : never;

/** What a server handler sees besides the request. */
export interface CallContext {
  /** `/package.Service/Method` */
  readonly path: string;
  readonly metadata: Readonly<Record<string, string>>;
  /** Aborted when the client cancels or the deadline passes. */
  readonly signal: AbortSignal;
  readonly deadline: Date | undefined;
  readonly peer: string;
}

/** Server-side implementation of every method of a service. */
export type ServiceHandlers<M extends GenServiceMethods> = {
  [K in keyof M]: (
    request: MessageShape<M[K]['input']>,
    context: CallContext,
  ) => Promise<MessageInitShape<M[K]['output']>>;
};

export interface CallOptions {
  /** Overrides the client's default deadline for this call. */
  deadlineMs?: number;
  signal?: AbortSignal;
  metadata?: Record<string, string>;
}

/** Client-side stub: one async function per method. */
export type ServiceClient<M extends GenServiceMethods> = {
  [K in keyof M]: (
    request: MessageInitShape<M[K]['input']>,
    options?: CallOptions,
  ) => Promise<MessageShape<M[K]['output']>>;
};
