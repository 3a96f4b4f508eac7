// SPDX-License-Identifier: Apache-2.0
// Runs a plan's steps in one `ip -batch` and names the step that failed.
import { NetlinkCommandError, type NetlinkPort, type Netns } from '../netlink/ip-runner.ts';
import { CniCode, CniError } from '../cni/cni-types.ts';
import { linkTypeMissing, saysLinkTypeMissing } from './link-kind-support.ts';
import type { PlanStep } from './plan-steps.ts';

/** `ip -batch` reports the failing line as `Command failed -:<n>` (1-based). */
function failedStep(stderr: string, steps: readonly PlanStep[]): PlanStep | undefined {
  const m = /Command failed \S*:(\d+)/.exec(stderr);
  return m ? steps[Number(m[1]) - 1] : undefined;
}

export function stepFailure(err: unknown, steps: readonly PlanStep[]): CniError {
  const stderr = err instanceof NetlinkCommandError ? err.stderr : err instanceof Error ? err.message : String(err);
  const step = failedStep(stderr, steps);
  if (step?.creates && saysLinkTypeMissing(stderr)) return linkTypeMissing(step.creates);
  const what = step ? `"ip ${step.argv.join(' ')}" (${step.why})` : 'ip -batch';
  const reason = stderr.split('\n').find((l) => l.trim() && !l.startsWith('Command failed'))?.trim() ?? 'failed';
  return new CniError(CniCode.INTERNAL, `failed to prepare the node's interfaces: ${what}: ${reason}`);
}

export async function applySteps(netlink: NetlinkPort, netns: Netns, steps: readonly PlanStep[]): Promise<void> {
  try {
    await netlink.batch(netns, steps.map((s) => s.argv));
  } catch (err) {
    throw stepFailure(err, steps);
  }
}
