// SPDX-License-Identifier: Apache-2.0
// The `coordinator` CNI plugin, executed in node-agent on behalf of the CNI shim. It is chained
// after a main plugin (macvlan, ipvlan, SR-IOV, ...) and passes the previous result through.
import { versionOf } from '../cni/netconf-common.ts';
import type { SpiderCoordinator } from '@spiderpool/crds';
import type { Logger } from '@spiderpool/observability';
import { parseDefaultRouteNic } from '@spiderpool/ipam-domain';
import { CniCode, CniError, errorResponse, SUPPORTED_CNI_VERSIONS, type ShimResponse } from '../cni/cni-types.ts';
import { toCniError } from '../cni/error-mapping.ts';
import type { NetlinkPort, Netns } from '../netlink/ip-runner.ts';
import { globalAddresses, readNetnsState, type Family, type NetnsState } from '../netlink/netns-state.ts';
import { effectiveConfig, type CoordinatorConfig } from './coordinator-config.ts';
import { invalidConf, parseCoordinatorNetconf, type CoordinatorNetconf } from './coordinator-netconf.ts';
import { planAdd, resolveMode } from './coordinator-plan.ts';
import { hostVethName, POD_VETH } from './net-ops.ts';
import { applyPlan, familyOf } from './plan-executor.ts';
import { tableFor } from './policy-routing.ts';

/** What the coordinator reads from the cluster (watch caches in node-agent). */
export interface CoordinatorClusterPort {
  coordinator(): SpiderCoordinator | undefined;
  podAnnotations(namespace: string, name: string): Promise<Readonly<Record<string, string>> | undefined>;
  /** The node's InternalIP addresses, preferred as the pod's way into the node. */
  nodeIps(): string[];
}

export interface CoordinatorDeps {
  netlink: NetlinkPort;
  /** The node's namespace; undefined = node-agent's own (hostNetwork). */
  hostNetns: Netns;
  cluster: CoordinatorClusterPort;
  logger: Logger;
}

interface Call {
  netconf: CoordinatorNetconf;
  containerId: string;
  netns: string;
  ifName: string;
  pod: { namespace: string; name: string } | undefined;
}

const ok = (stdout = ''): ShimResponse => ({ exitCode: 0, stdout });

export async function runCoordinatorPlugin(deps: CoordinatorDeps, command: string, env: Record<string, string>, stdin: string): Promise<ShimResponse> {
  let version = '1.1.0';
  try {
    if (command === 'VERSION') return ok(JSON.stringify({ cniVersion: versionOf(stdin), supportedVersions: SUPPORTED_CNI_VERSIONS }));
    const netconf = parseCoordinatorNetconf(stdin);
    version = netconf.cniVersion;
    return await dispatch(deps, command, env, netconf);
  } catch (err) {
    const cniErr = toCniError(err);
    if (command === 'DEL') {
      deps.logger.warn({ err: cniErr.message, code: cniErr.code }, 'coordinator DEL failed; reporting success');
      return ok();
    }
    deps.logger.warn({ command, containerId: env['CNI_CONTAINERID'], ifName: env['CNI_IFNAME'], err: cniErr.message, code: cniErr.code }, 'coordinator request failed');
    return errorResponse(version, cniErr);
  }
}

async function dispatch(deps: CoordinatorDeps, command: string, env: Record<string, string>, netconf: CoordinatorNetconf): Promise<ShimResponse> {
  switch (command) {
    case 'ADD':
      return ok(JSON.stringify(await add(deps, callOf(env, netconf, command))));
    case 'DEL':
      await del(deps, callOf(env, netconf, command));
      return ok();
    case 'CHECK':
      await check(deps, callOf(env, netconf, command));
      return ok();
    case 'STATUS':
    case 'GC':
      // Nothing of the coordinator outlives a pod namespace except the host veth, which the
      // kernel removes with it; there is nothing to collect and nothing to be unready about.
      return ok();
    default:
      throw new CniError(CniCode.INVALID_ENV, `CNI_COMMAND "${command}" is not one of ADD, DEL, CHECK, VERSION, STATUS, GC`);
  }
}

function callOf(env: Record<string, string>, netconf: CoordinatorNetconf, command: string): Call {
  const need = (key: string): string => {
    const v = env[key] ?? '';
    if (!v && (command !== 'DEL' || key === 'CNI_CONTAINERID')) throw new CniError(CniCode.INVALID_ENV, `${key} is required for ${command}`);
    return v;
  };
  const args = new Map((env['CNI_ARGS'] ?? '').split(';').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)] as const));
  const namespace = args.get('K8S_POD_NAMESPACE');
  const name = args.get('K8S_POD_NAME');
  return { netconf, containerId: need('CNI_CONTAINERID'), netns: need('CNI_NETNS'), ifName: need('CNI_IFNAME'), pod: namespace && name ? { namespace, name } : undefined };
}

async function configOf(deps: CoordinatorDeps, call: Call): Promise<CoordinatorConfig> {
  const annotations = call.pod ? await deps.cluster.podAnnotations(call.pod.namespace, call.pod.name) : undefined;
  const annotated = annotations?.['ipam.spidernet.io/default-route-nic'];
  let defaultRouteNic: string | undefined;
  try {
    defaultRouteNic = annotated ? parseDefaultRouteNic(annotated) : undefined;
  } catch (err) {
    throw invalidConf('pod annotation ipam.spidernet.io/default-route-nic', (err as Error).message);
  }
  const scc = deps.cluster.coordinator();
  const config = effectiveConfig(call.netconf, scc, defaultRouteNic);
  if (config.mode !== 'disable' && call.netconf.serviceCIDR === undefined && scc?.status?.phase !== 'Synced') {
    // Without the service CIDRs an underlay pod would silently lose ClusterIP reachability.
    const why = scc ? `SpiderCoordinator ${scc.metadata?.name ?? ''} is ${scc.status?.phase ?? 'not reconciled yet'}${scc.status?.reason ? `: ${scc.status.reason}` : ''}` : 'no SpiderCoordinator exists';
    throw new CniError(CniCode.TRY_AGAIN_LATER, `coordinator: the cluster's service CIDRs are unknown (${why}); set serviceCIDR in the netconf or wait for the SpiderCoordinator to be Synced`);
  }
  return config;
}

async function add(deps: CoordinatorDeps, call: Call): Promise<Record<string, unknown>> {
  const prevResult = call.netconf.prevResult;
  if (!prevResult) throw invalidConf('prevResult', 'is required: coordinator must be chained after a main plugin');
  const config = await configOf(deps, call);
  if (config.mode === 'disable') return prevResult;
  const [pod, host] = await Promise.all([readNetnsState(deps.netlink, call.netns), readNetnsState(deps.netlink, deps.hostNetns)]);
  const plan = planAdd({
    config,
    ifName: call.ifName,
    containerId: call.containerId,
    podNetns: call.netns,
    pod,
    host,
    hostIps: hostIpsOf(host, deps.cluster.nodeIps()),
    gateways: gatewaysOf(prevResult, call.ifName),
  });
  await applyPlan({ netlink: deps.netlink, namespaces: { pod: call.netns, host: deps.hostNetns }, logger: deps.logger }, plan.ops);
  deps.logger.debug({ ifName: call.ifName, containerId: call.containerId, mode: plan.mode, ops: plan.ops.length }, 'coordinator ADD applied');
  return plan.mac ? withMac(prevResult, call.ifName, plan.mac) : prevResult;
}

/** The result passed on describes the NIC as it is now: its MAC after podMACPrefix. */
function withMac(result: Record<string, unknown>, ifName: string, mac: string): Record<string, unknown> {
  if (!Array.isArray(result['interfaces'])) return result;
  const interfaces = (result['interfaces'] as Array<Record<string, unknown>>).map((i) => (i['name'] === ifName && i['sandbox'] ? { ...i, mac } : i));
  return { ...result, interfaces };
}

/** The node's addresses: its InternalIPs first (the way kubelet knows it), then every other one. */
export function hostIpsOf(host: NetnsState, nodeIps: readonly string[]): string[] {
  const all = host.links.filter((l) => l.name !== 'lo').flatMap((l) => globalAddresses(l).map((a) => a.ip));
  const preferred = nodeIps.filter((ip) => all.includes(ip));
  return [...preferred, ...all.filter((ip) => !preferred.includes(ip))];
}

/** Gateways of this NIC in the previous result (`ips[].interface` points into `interfaces`). */
export function gatewaysOf(prevResult: Record<string, unknown>, ifName: string): Partial<Record<Family, string>> {
  const interfaces = Array.isArray(prevResult['interfaces']) ? (prevResult['interfaces'] as Array<{ name?: unknown }>) : [];
  const ips = Array.isArray(prevResult['ips']) ? (prevResult['ips'] as Array<{ interface?: unknown; gateway?: unknown }>) : [];
  const out: Partial<Record<Family, string>> = {};
  for (const ip of ips) {
    const mine = typeof ip.interface !== 'number' || interfaces[ip.interface]?.name === ifName;
    if (mine && typeof ip.gateway === 'string' && ip.gateway) out[familyOf(ip.gateway)] ??= ip.gateway;
  }
  return out;
}

/**
 * DEL: the host veth (which takes veth0 and the host routes through it along) and the node's
 * routes to this NIC's addresses. Everything is best effort and already gone is success.
 */
async function del(deps: CoordinatorDeps, call: Call): Promise<void> {
  const host = await readNetnsState(deps.netlink, deps.hostNetns);
  const hostVeth = hostVethName(call.containerId);
  const ops: string[][] = [];
  if (host.links.some((l) => l.name === hostVeth)) ops.push(['link', 'del', hostVeth]);
  const addresses = addressesOf(call.netconf.prevResult, call.ifName);
  const table = String(call.netconf.hostRuleTable ?? deps.cluster.coordinator()?.spec?.hostRuleTable ?? 500);
  for (const route of host.routes) {
    if (route.table === table && addresses.has(route.dst) && route.dev !== hostVeth) ops.push(['route', 'del', route.dst, 'table', table]);
  }
  await deps.netlink.batch(deps.hostNetns, ops);
}

function addressesOf(prevResult: Record<string, unknown> | undefined, ifName: string): Set<string> {
  const interfaces = Array.isArray(prevResult?.['interfaces']) ? (prevResult['interfaces'] as Array<{ name?: unknown }>) : [];
  const ips = Array.isArray(prevResult?.['ips']) ? (prevResult['ips'] as Array<{ interface?: unknown; address?: unknown }>) : [];
  const out = new Set<string>();
  for (const ip of ips) {
    const mine = typeof ip.interface !== 'number' || interfaces[ip.interface]?.name === ifName;
    if (!mine || typeof ip.address !== 'string') continue;
    const bare = ip.address.split('/')[0] ?? '';
    out.add(`${bare}/${familyOf(bare) === 4 ? 32 : 128}`);
  }
  return out;
}

/** CHECK: what ADD set up is still there (veth pair, policy rules of a non-default NIC). */
async function check(deps: CoordinatorDeps, call: Call): Promise<void> {
  if (!call.netconf.prevResult) throw invalidConf('prevResult', 'is required for CHECK');
  const config = await configOf(deps, call);
  if (config.mode === 'disable') return;
  const [pod, host] = await Promise.all([readNetnsState(deps.netlink, call.netns), readNetnsState(deps.netlink, deps.hostNetns)]);
  const mode = resolveMode(config, call.ifName, pod);
  const problems: string[] = [];
  if (mode === 'underlay') {
    if (!pod.links.some((l) => l.name === POD_VETH)) problems.push(`${POD_VETH} is missing in the pod`);
    if (!host.links.some((l) => l.name === hostVethName(call.containerId))) problems.push(`${hostVethName(call.containerId)} is missing on the node`);
  }
  const defaultNic = config.podDefaultRouteNic || config.podDefaultCniNic;
  if (config.tunePodRoutes && call.ifName !== defaultNic) {
    const table = String(tableFor(call.ifName, pod));
    const nic = pod.links.find((l) => l.name === call.ifName);
    for (const a of globalAddresses(nic)) {
      if (!pod.rules.some((r) => r.table === table && r.src.startsWith(`${a.ip}/`))) problems.push(`rule "from ${a.ip} lookup ${table}" is missing`);
    }
  }
  if (problems.length) throw new CniError(CniCode.INTERNAL, `coordinator CHECK of ${call.ifName}: ${problems.join('; ')}`);
}
