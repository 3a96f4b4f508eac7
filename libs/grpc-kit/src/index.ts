// SPDX-License-Identifier: Apache-2.0
export { grpcServiceDefinition } from './service-definition.ts';
export { GrpcServer, type GrpcServerOptions, type CallObserver } from './grpc-server.ts';
export { createGrpcClient, type GrpcClientOptions, type ClosableClient, type RetryPolicy } from './grpc-client.ts';
export { GRPC_STATUS_BY_CODE, errorCodeFromGrpc } from './status-mapping.ts';
export type { CallContext, CallOptions, MethodsOf, ServiceClient, ServiceHandlers } from './typed-service.ts';
