// SPDX-License-Identifier: Apache-2.0
import { toSpiderpoolError } from '@spiderpool/errors';
import type { MethodsOf, ServiceHandlers } from '@spiderpool/grpc-kit';
import { matchWildcard } from '@spiderpool/ipam-domain';
import { IpVersion, type IpamService } from '@spiderpool/proto';
import type { HealthRegistry } from '@spiderpool/service-runtime';
import type { AllocatedIp } from '../allocation/allocation-types.ts';
import type { Allocator } from '../allocation/allocator.ts';
import { checkAttachment, summarisePools } from '../allocation/inspector.ts';
import { collectNode } from '../allocation/node-gc.ts';
import type { Releaser } from '../allocation/releaser.ts';
import type { ClusterView } from '../k8s/cluster-view.ts';
import type { PoolStore } from '../k8s/pool-store.ts';
import type { IpamMetrics } from '../metrics.ts';
import type { Logger } from '@spiderpool/observability';
import { toAllocateInput, toCheckInput, toNodeGcInput, toReleaseInput } from './request-validation.ts';

export type IpamHandlers = ServiceHandlers<MethodsOf<typeof IpamService>>;

export interface HandlerDeps {
  allocator: Allocator;
  releaser: Releaser;
  view: ClusterView;
  pools: PoolStore;
  health: HealthRegistry;
  metrics: IpamMetrics;
  logger: Logger;
  lockDegraded: () => boolean;
  /** Per-IP detection flags handed to the CNI plugin with every allocated address. */
  detection: { ipConflict: boolean; gateway: boolean };
}

const toProtoIp = (ip: AllocatedIp) => ({
  version: ip.version === 4 ? IpVersion.V4 : IpVersion.V6,
  address: ip.address,
  pool: ip.pool,
  gateway: ip.gateway,
  nic: ip.nic,
  vlan: ip.vlan,
});

async function timed<T>(run: () => Promise<T>, onDone: (seconds: number) => void, onError: (err: ReturnType<typeof toSpiderpoolError>) => void): Promise<T> {
  const started = performance.now();
  try {
    return await run();
  } catch (err) {
    const e = toSpiderpoolError(err);
    onError(e);
    throw e;
  } finally {
    onDone((performance.now() - started) / 1_000);
  }
}

/** The IpamService surface: validation and shape mapping only; decisions live below. */
export function createIpamHandlers(d: HandlerDeps): IpamHandlers {
  return {
    allocate: (req, call) => {
      d.metrics.allocations.inc();
      return timed(
        async () => {
          // A caller that gave up stops the wait for an auto-pool: nothing is allocated for it later.
          const out = await d.allocator.allocate(toAllocateInput(req), call?.signal);
          const flags = { enableIpConflictDetection: d.detection.ipConflict, enableGatewayDetection: d.detection.gateway };
          return { ips: out.ips.map((ip) => ({ ...toProtoIp(ip), ...flags })), routes: out.routes };
        },
        (s) => d.metrics.allocationDuration.observe(s),
        (e) => {
          d.metrics.allocationFailed(e.code);
          d.logger.warn({ code: e.code, err: e.message, pod: `${req.pod?.namespace}/${req.pod?.name}`, nic: req.attachment?.interface }, 'allocation failed');
        },
      );
    },
    release: (req) => {
      d.metrics.releases.inc();
      return timed(
        async () => {
          const out = await d.releaser.release(toReleaseInput(req));
          return { released: out.released.map((r) => ({ pool: r.pool, ip: r.ip, pod: req.pod })), kept: out.kept, keptReason: out.keptReason, endpointRemoved: out.endpointRemoved ?? false };
        },
        (s) => d.metrics.releaseDuration.observe(s),
        (e) => d.metrics.releaseFailed(e.code),
      );
    },
    check: async (req) => {
      const out = await checkAttachment({ view: d.view, pools: d.pools }, toCheckInput(req));
      return { ips: out.ips.map(toProtoIp), routes: out.routes };
    },
    garbageCollect: async (req) => {
      const released = await collectNode({ pools: d.pools, releaser: d.releaser, logger: d.logger }, toNodeGcInput(req));
      return {
        released: released.map((r) => ({
          pool: r.pool,
          ip: r.ip,
          pod: { namespace: r.record.pod.split('/')[0] ?? '', name: r.record.pod.split('/')[1] ?? '', uid: r.record.podUid },
          containerId: r.record.containerID ?? '',
          interface: r.record.nic ?? '',
          node: r.record.node ?? '',
        })),
      };
    },
    status: async (req) => {
      const report = await d.health.readiness();
      const failing = Object.entries(report.checks).filter(([, c]) => !c.ok);
      // Names or wildcards, as the request documents; none means every pool.
      const pools = summarisePools(d.pools).filter((p) => req.pools.length === 0 || req.pools.some((pattern) => matchWildcard(pattern, p.name)));
      return {
        ready: report.ready,
        reason: failing.map(([name, c]) => `${name}: ${c.reason ?? 'not ready'}`).join('; '),
        pools: pools.map((p) => ({ ...p, version: p.version === 4 ? IpVersion.V4 : IpVersion.V6 })),
        lockDegraded: d.lockDegraded(),
      };
    },
  };
}
