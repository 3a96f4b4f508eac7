// SPDX-License-Identifier: Apache-2.0
import { versionOf } from './netconf-common.ts';
import { ReleaseReason, type IpamService } from '@spiderpool/proto';
import type { ClosableClient, MethodsOf, ServiceClient } from '@spiderpool/grpc-kit';
import type { Logger } from '@spiderpool/observability';
import type { NetlinkPort } from '../netlink/ip-runner.ts';
import { rollBackOnFailure } from './add-rollback.ts';
import { announceAddresses } from './announcement.ts';
import { ipamResult } from './cni-result.ts';
import { CniCode, CniError, errorResponse, SUPPORTED_CNI_VERSIONS, type ShimResponse } from './cni-types.ts';
import { detectConflictsAndGateways } from './detection.ts';
import { toCniError } from './error-mapping.ts';
import { parseIpamCall, type IpamCall } from './ipam-netconf.ts';

export type IpamClient = ServiceClient<MethodsOf<typeof IpamService>> & ClosableClient;

export interface SpiderpoolPluginDeps {
  ipam: IpamClient;
  /** The kernel, for the conflict / gateway probes and announcements in the pod's namespace. */
  netlink: NetlinkPort;
  node: string;
  logger: Logger;
}

const ok = (stdout = ''): ShimResponse => ({ exitCode: 0, stdout });

/**
 * The `spiderpool` IPAM plugin, executed in node-agent on behalf of the CNI shim: every verb
 * of CNI 0.3.0–1.1.0 mapped onto IpamService. DEL never fails the runtime (leftovers are the
 * GC's job); STATUS answers 50 when ADD cannot be served.
 */
export async function runSpiderpoolPlugin(deps: SpiderpoolPluginDeps, command: string, env: Record<string, string>, stdin: string): Promise<ShimResponse> {
  if (command === 'VERSION') return ok(JSON.stringify({ cniVersion: versionOf(stdin), supportedVersions: SUPPORTED_CNI_VERSIONS }));
  let call: IpamCall | undefined;
  try {
    call = parseIpamCall(command, env, stdin);
    return await dispatch(deps, call);
  } catch (err) {
    const cniErr = toCniError(err);
    const log = deps.logger.child({ command, pod: call ? `${call.pod.namespace}/${call.pod.name}` : undefined, containerId: call?.containerId, ifName: call?.ifName });
    if (command === 'DEL') {
      log.warn({ err: cniErr.message, code: cniErr.code }, 'DEL failed; reporting success, the GC reclaims leftovers');
      return ok();
    }
    log.warn({ err: cniErr.message, code: cniErr.code }, 'CNI request failed');
    return errorResponse(call?.cniVersion ?? versionOf(stdin), command === 'STATUS' && cniErr.code === CniCode.TRY_AGAIN_LATER ? new CniError(CniCode.PLUGIN_NOT_AVAILABLE, cniErr.message) : cniErr);
  }
}

async function dispatch(deps: SpiderpoolPluginDeps, call: IpamCall): Promise<ShimResponse> {
  const pod = call.pod;
  const attachment = { containerId: call.containerId, interface: call.ifName, netns: call.netns };
  switch (call.command) {
    case 'ADD': {
      const res = await deps.ipam.allocate({ pod, attachment, node: deps.node, defaultIpv4Pools: call.defaultIpv4Pools, defaultIpv6Pools: call.defaultIpv6Pools, cleanGateway: call.cleanGateway });
      const target = { netns: call.netns, ifName: call.ifName };
      const log = deps.logger.child({ command: 'ADD', pod: `${pod.namespace}/${pod.name}`, containerId: call.containerId, ifName: call.ifName });
      await rollBackOnFailure(deps, call, log, () => detectConflictsAndGateways(deps.netlink, target, res.ips));
      await announceAddresses({ port: deps.netlink, log }, target, res.ips);
      return ok(JSON.stringify(ipamResult(call.cniVersion, call.ifName, res)));
    }
    case 'DEL':
      await deps.ipam.release({ pod, attachment, node: deps.node, reason: ReleaseReason.CNI_DEL });
      return ok();
    case 'CHECK':
      await deps.ipam.check({ pod, attachment, node: deps.node });
      return ok();
    case 'STATUS': {
      const status = await deps.ipam.status({});
      if (!status.ready) throw new CniError(CniCode.PLUGIN_NOT_AVAILABLE, `ipam-service cannot serve ADD: ${status.reason}`);
      return ok();
    }
    case 'GC':
      await deps.ipam.garbageCollect({ node: deps.node, validAttachments: call.validAttachments.map((a) => ({ containerId: a.containerId, interface: a.ifName })) });
      return ok();
    default:
      throw new CniError(CniCode.INVALID_ENV, `CNI_COMMAND "${call.command}" is not one of ADD, DEL, CHECK, VERSION, STATUS, GC`);
  }
}
