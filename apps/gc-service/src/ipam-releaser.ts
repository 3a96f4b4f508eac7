// SPDX-License-Identifier: Apache-2.0
// IpamReleaser over ipam-service's Release RPC (reason GC). ipam-service frees each expected
// record only if the pool still records it for the pod UID, so a stale decision frees nothing.
import { ReleaseReason, type IpamService } from '@spiderpool/proto';
import type { MethodsOf, ServiceClient } from '@spiderpool/grpc-kit';
import type { IpamReleaser, ReleaseRequest, ReleaseResult } from './ports.ts';

export type IpamClient = Pick<ServiceClient<MethodsOf<typeof IpamService>>, 'release'>;

export function grpcIpamReleaser(client: IpamClient): IpamReleaser {
  return {
    async release(request: ReleaseRequest): Promise<ReleaseResult> {
      const response = await client.release({
        pod: request.pod,
        reason: ReleaseReason.GC,
        allInterfaces: true,
        expected: request.expected.map((r) => ({ pool: r.pool, ip: r.ip, pod: request.pod })),
        removeEndpoint: request.removeEndpoint ?? false,
      });
      return { released: response.released.map((r) => ({ pool: r.pool, ip: r.ip })), kept: response.kept, keptReason: response.keptReason, endpointRemoved: response.endpointRemoved };
    },
  };
}
