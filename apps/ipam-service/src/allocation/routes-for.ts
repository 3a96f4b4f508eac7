// SPDX-License-Identifier: Apache-2.0
import { Annotations, Labels, type SpiderSubnet } from '@spiderpool/crds';
import { buildRoutes, parseDefaultRouteNic, parseRoutesAnnotation, type RouteSpec } from '@spiderpool/ipam-domain';
import { Resources } from '@spiderpool/k8s';
import type { ClusterView } from '../k8s/cluster-view.ts';
import type { PoolStore } from '../k8s/pool-store.ts';
import type { AllocatedRoute } from './allocation-types.ts';
import type { EndpointObject } from './endpoint-store.ts';

interface RoutesInput {
  pools: PoolStore;
  view: ClusterView;
  endpoint: EndpointObject;
  annotationRoutes: RouteSpec[];
  defaultRouteNic: string | undefined;
}

/**
 * Routes of every NIC: each pool's routes (inherited from the owning SpiderSubnet when the pool
 * has none of its own), a default route via the pool gateway unless the NIC cleans it, and the
 * routes annotation attached by gateway containment.
 */
export async function routesFor(input: RoutesInput): Promise<{ routes: AllocatedRoute[]; unattached: RouteSpec[] }> {
  const nics = await Promise.all(
    (input.endpoint.status?.current.ips ?? []).map(async (nic) => ({
      nic: nic.interface,
      cleanGateway: nic.cleanGateway ?? false,
      ips: await Promise.all(
        ([[4, nic.ipv4, nic.ipv4Pool, nic.ipv4Gateway], [6, nic.ipv6, nic.ipv6Pool, nic.ipv6Gateway]] as const)
          .filter(([, address]) => Boolean(address))
          .map(async ([version, address, pool, gateway]) => ({
            version,
            address: address ?? '',
            ...(gateway ? { gateway } : {}),
            poolRoutes: await poolRoutes(input, pool ?? ''),
          })),
      ),
    })),
  );
  return buildRoutes({ nics, annotationRoutes: input.annotationRoutes, ...(input.defaultRouteNic ? { defaultRouteNic: input.defaultRouteNic } : {}) });
}

async function poolRoutes(input: RoutesInput, poolName: string): Promise<RouteSpec[]> {
  const pool = input.pools.cached(poolName);
  if (!pool) return [];
  if (pool.spec.routes) return pool.spec.routes;
  const subnet = pool.metadata?.labels?.[Labels.OWNER_SPIDER_SUBNET];
  if (!subnet) return [];
  const owner = await input.view.client.find<SpiderSubnet & { metadata: { name: string } }>(Resources.subnets, subnet);
  return owner?.spec.routes ?? [];
}

/** `ipam.spidernet.io/routes` and `…/default-route-nic`; INVALID_INPUT naming the annotation. */
export function parseRouting(annotations: Readonly<Record<string, string>>): { annotationRoutes: RouteSpec[]; defaultRouteNic: string | undefined } {
  const routesText = annotations[Annotations.ROUTES];
  const nicText = annotations[Annotations.DEFAULT_ROUTE_NIC];
  return {
    annotationRoutes: routesText ? parseRoutesAnnotation(routesText) : [],
    defaultRouteNic: nicText ? parseDefaultRouteNic(nicText) : undefined,
  };
}
