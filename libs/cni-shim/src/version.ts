// SPDX-License-Identifier: Apache-2.0
// VERSION is answered locally: it must work even when the node-agent is down (the runtime probes
// plugins with it), and it costs no round trip.
import type { CniRequest, ShimOutcome } from './types.ts';

/** The CNI spec versions the node-agent can produce results for. */
export const SUPPORTED_CNI_VERSIONS = ['0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0'] as const;

/** The VERSION result: the netconf's cniVersion (or the default) and the supported list. */
export function versionOutcome(request: Pick<CniRequest, 'cniVersion'>): ShimOutcome {
  return { exitCode: 0, stdout: JSON.stringify({ cniVersion: request.cniVersion, supportedVersions: [...SUPPORTED_CNI_VERSIONS] }) };
}
