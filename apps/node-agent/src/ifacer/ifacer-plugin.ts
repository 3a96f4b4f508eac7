// SPDX-License-Identifier: Apache-2.0
// The `ifacer` CNI plugin, run in node-agent on behalf of the shim: prepares the node's parent
// interfaces (a VLAN sub-interface, a bond, a VLAN on a bond) for the macvlan/ipvlan plugin that
// follows it in the chain. Works on the node's network namespace only, never in the pod's; never
// deletes a link and never configures addresses.
import { versionOf } from '../cni/netconf-common.ts';
import type { Logger } from '@spiderpool/observability';
import type { CniPlugin } from '../cni/cni-endpoint.ts';
import { CniCode, CniError, errorResponse, SUPPORTED_CNI_VERSIONS, type ShimResponse } from '../cni/cni-types.ts';
import { toCniError } from '../cni/error-mapping.ts';
import type { NetlinkPort, Netns } from '../netlink/ip-runner.ts';
import { applySteps } from './apply-steps.ts';
import { byName, type HostLink } from './host-link.ts';
import { parseIfacerNetconf, type IfacerNetconf } from './ifacer-netconf.ts';
import { planIfacer } from './ifacer-plan.ts';
import { ifacerResult } from './ifacer-result.ts';
import { LinkKindSupport, linkTypeMissing } from './link-kind-support.ts';
import type { LinkKind, PlanStep } from './plan-steps.ts';

export interface IfacerDeps {
  netlink: NetlinkPort;
  /** The namespace that stands for the node; undefined = node-agent's own (production). */
  hostNetns: Netns;
  logger: Logger;
}

interface Ctx extends IfacerDeps {
  support: LinkKindSupport;
}

const ok = (stdout = ''): ShimResponse => ({ exitCode: 0, stdout });

/**
 * One plugin instance per node-agent. ADD and CHECK run one at a time: two pods of the same
 * network config would otherwise both plan "create eth1.100" and the second would fail.
 */
export function createIfacerPlugin(deps: IfacerDeps): CniPlugin {
  const ctx: Ctx = { ...deps, logger: deps.logger.child({ plugin: 'ifacer' }), support: new LinkKindSupport(deps.netlink) };
  let tail: Promise<unknown> = Promise.resolve();
  return (command, _env, stdin) => {
    if (command !== 'ADD' && command !== 'CHECK') return Promise.resolve(answerStateless(command, stdin));
    const run = tail.then(() => runGuarded(ctx, command, stdin));
    tail = run.catch(() => undefined);
    return run;
  };
}

/** Verbs that touch nothing: devices outlive pods (DEL), ifacer holds no state (GC, STATUS). */
function answerStateless(command: string, stdin: string): ShimResponse {
  switch (command) {
    case 'VERSION':
      return ok(JSON.stringify({ cniVersion: versionOf(stdin), supportedVersions: SUPPORTED_CNI_VERSIONS }));
    case 'DEL':
    case 'STATUS':
    case 'GC':
      return ok();
    default:
      return errorResponse(versionOf(stdin), new CniError(CniCode.INVALID_ENV, `CNI_COMMAND "${command}" is not one of ADD, DEL, CHECK, VERSION, STATUS, GC`));
  }
}

async function runGuarded(ctx: Ctx, command: 'ADD' | 'CHECK', stdin: string): Promise<ShimResponse> {
  try {
    const conf = parseIfacerNetconf(stdin);
    if (command === 'CHECK' && conf.cniVersion.startsWith('0.3.')) throw new CniError(CniCode.INCOMPATIBLE_VERSION, `CHECK is not defined for cniVersion ${conf.cniVersion} (needs 0.4.0 or later)`);
    return command === 'ADD' ? await add(ctx, conf) : await check(ctx, conf);
  } catch (err) {
    const cniErr = toCniError(err);
    ctx.logger.warn({ command, err: cniErr.message, code: cniErr.code }, 'ifacer request failed');
    return errorResponse(versionOf(stdin), cniErr);
  }
}

const readLinks = (ctx: Ctx): Promise<HostLink[]> => ctx.netlink.ipJson<HostLink[]>(ctx.hostNetns, ['-details', 'link', 'show']);

async function planFor(ctx: Ctx, conf: IfacerNetconf): Promise<{ target: string; steps: PlanStep[]; links: HostLink[] }> {
  const links = await readLinks(ctx);
  const plan = planIfacer(conf, links);
  if (!plan.ok) throw new CniError(CniCode.INVALID_NETCONF, `cannot prepare the node's interfaces: ${plan.refusal}`);
  return { ...plan, links };
}

async function add(ctx: Ctx, conf: IfacerNetconf): Promise<ShimResponse> {
  const { target, steps, links } = await planFor(ctx, conf);
  let after = links;
  if (steps.length > 0) {
    const kinds = new Set(steps.flatMap((s): LinkKind[] => (s.creates ? [s.creates] : [])));
    const missing = await ctx.support.firstMissing(kinds);
    if (missing) throw linkTypeMissing(missing);
    await applySteps(ctx.netlink, ctx.hostNetns, steps);
    ctx.logger.info({ network: conf.name, target, steps: steps.map((s) => s.argv.join(' ')) }, 'prepared the node interfaces');
    after = await readLinks(ctx);
  }
  const link = byName(after).get(target) ?? { ifname: target };
  return ok(JSON.stringify(ifacerResult(conf.cniVersion, conf.prevResult, link)));
}

/** Passes when ADD would change nothing: every link exists, is what it should be, and is up. */
async function check(ctx: Ctx, conf: IfacerNetconf): Promise<ShimResponse> {
  const { steps } = await planFor(ctx, conf);
  if (steps.length > 0) throw new CniError(CniCode.INTERNAL, `the node's interfaces are not as the network config asks: ${steps.map((s) => s.why).join('; ')}`);
  return ok();
}
