// SPDX-License-Identifier: Apache-2.0
// Generated contracts (protoc-gen-es, see buf.gen.yaml). Regenerate with `npm run generate`;
// the drift test in this lib fails when src/gen no longer matches proto/.
export * from './gen/spiderpool/ipam/v1/types_pb.ts';
export * from './gen/spiderpool/ipam/v1/ipam_pb.ts';
