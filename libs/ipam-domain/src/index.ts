// SPDX-License-Identifier: Apache-2.0
// The pure IPAM domain: IP math, selection, allocation and GC decisions. No I/O imports
// (enforced by lint: type:domain may not import Kubernetes, Redis, gRPC, fastify or node I/O).
export { formatIp, ipVersionOf, parseIp, tryParseIp, type IpAddress, type IpVersion } from './ip/ip-address.ts';
