// SPDX-License-Identifier: Apache-2.0
import { SpiderpoolError } from '@spiderpool/errors';
import type { IpamService } from '@spiderpool/proto';
import type { MethodsOf, ServiceHandlers } from '@spiderpool/grpc-kit';
import type { HealthRegistry } from '@spiderpool/service-runtime';

export type IpamHandlers = ServiceHandlers<MethodsOf<typeof IpamService>>;

const notYet = (what: string): SpiderpoolError =>
  new SpiderpoolError('NOT_SUPPORTED', `${what} is not served by this build yet`);

/**
 * The IpamService surface. Status is real (it reports readiness); the allocation RPCs answer
 * UNIMPLEMENTED until the allocation engine is wired in, so a caller gets a clear error
 * instead of a hang.
 */
export function createIpamHandlers(health: HealthRegistry): IpamHandlers {
  return {
    allocate: async () => Promise.reject(notYet('Allocate')),
    release: async () => Promise.reject(notYet('Release')),
    check: async () => Promise.reject(notYet('Check')),
    garbageCollect: async () => Promise.reject(notYet('GarbageCollect')),
    status: async () => {
      const report = await health.readiness();
      const failing = Object.entries(report.checks).filter(([, c]) => !c.ok);
      return {
        ready: report.ready,
        reason: failing.map(([name, c]) => `${name}: ${c.reason ?? 'not ready'}`).join('; '),
        pools: [],
        lockDegraded: false,
      };
    },
  };
}
