// SPDX-License-Identifier: Apache-2.0
import type { HostLink } from './host-link.ts';

/**
 * The ADD result. Behind another plugin, its result passes through unchanged (ifacer adds no
 * addresses). First in the chain, ifacer must still print a result in the requested version:
 * the prepared link as a host interface (no `sandbox`), no IPs. The fields used exist in every
 * result version from 0.3.0 to 1.1.0.
 */
export function ifacerResult(cniVersion: string, prevResult: Record<string, unknown> | undefined, target: HostLink): Record<string, unknown> {
  if (prevResult) return { ...prevResult, cniVersion };
  return { cniVersion, interfaces: [{ name: target.ifname, ...(target.address ? { mac: target.address } : {}) }], ips: [], dns: {} };
}
