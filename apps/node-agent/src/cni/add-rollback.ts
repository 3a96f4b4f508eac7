// SPDX-License-Identifier: Apache-2.0
import { ReleaseReason } from '@spiderpool/proto';
import type { Logger } from '@spiderpool/observability';
import type { IpamCall } from './ipam-netconf.ts';
import type { SpiderpoolPluginDeps } from './spiderpool-plugin.ts';

/**
 * Runs a step that follows Allocate. When it fails, every address of the pod is released
 * (ADD_ROLLBACK over all interfaces, as upstream does) before the step's own error goes to the
 * runtime, so a failed ADD leaves nothing allocated. A failed release is only logged: the step's
 * error is what the runtime must see, and the GC reclaims whatever is left.
 */
export async function rollBackOnFailure(deps: Pick<SpiderpoolPluginDeps, 'ipam' | 'node'>, call: IpamCall, log: Logger, step: () => Promise<void>): Promise<void> {
  try {
    await step();
  } catch (err) {
    const attachment = { containerId: call.containerId, interface: call.ifName, netns: call.netns };
    try {
      await deps.ipam.release({ pod: call.pod, attachment, node: deps.node, reason: ReleaseReason.ADD_ROLLBACK, allInterfaces: true });
      log.info({ err: err instanceof Error ? err.message : String(err) }, 'ADD failed after Allocate; the addresses of the pod were released');
    } catch (releaseErr) {
      log.error({ err: releaseErr instanceof Error ? releaseErr.message : String(releaseErr) }, 'roll-back release failed; the GC reclaims the addresses');
    }
    throw err;
  }
}
