// SPDX-License-Identifier: Apache-2.0
import type { MethodDefinition, ServiceDefinition } from '@grpc/grpc-js';
import { create, fromBinary, toBinary, type DescMethod, type DescService } from '@bufbuild/protobuf';

/**
 * Builds the grpc-js service definition for a protobuf-es service descriptor. grpc-js only
 * needs the method path and (de)serialisers; protobuf-es supplies both from the descriptor,
 * so no second code generator is involved. Only unary methods are supported: the contracts
 * of this project have no streams, and a streaming method fails loudly here.
 */
export function grpcServiceDefinition(service: DescService): ServiceDefinition {
  const definition: Record<string, MethodDefinition<unknown, unknown>> = {};
  for (const method of service.methods) {
    if (method.methodKind !== 'unary') {
      throw new Error(`${service.typeName}.${method.name}: only unary methods are supported, got ${method.methodKind}`);
    }
    definition[method.localName] = unaryDefinition(service, method);
  }
  return definition;
}

function unaryDefinition(service: DescService, method: DescMethod): MethodDefinition<unknown, unknown> {
  return {
    path: `/${service.typeName}/${method.name}`,
    originalName: method.name,
    requestStream: false,
    responseStream: false,
    // create() returns real messages unchanged and turns plain init objects into messages;
    // without it grpc-js fails a handler that returns a plain object with INTERNAL.
    requestSerialize: (value) => Buffer.from(toBinary(method.input, create(method.input, value as never))),
    requestDeserialize: (bytes: Buffer) => fromBinary(method.input, bytes),
    responseSerialize: (value) => Buffer.from(toBinary(method.output, create(method.output, value as never))),
    responseDeserialize: (bytes: Buffer) => fromBinary(method.output, bytes),
  };
}
