// SPDX-License-Identifier: Apache-2.0
import { IpVersion, type AllocateResponse, type CheckResponse } from '@spiderpool/proto';

/**
 * The CNI result of an IPAM plugin for one NIC, in the shape of the requested spec version:
 * only the addresses and routes of `ifName` (ipam-service answers for every NIC of the pod),
 * `version` on IPs only before 1.0.0, no `interfaces` (the main plugin owns those).
 */
export function ipamResult(cniVersion: string, ifName: string, res: AllocateResponse | CheckResponse): Record<string, unknown> {
  const legacy = cniVersion.startsWith('0.');
  const ips = res.ips
    .filter((ip) => ip.nic === ifName)
    .map((ip) => ({
      ...(legacy ? { version: ip.version === IpVersion.V6 ? '6' : '4' } : {}),
      address: ip.address,
      ...(ip.gateway ? { gateway: ip.gateway } : {}),
    }));
  const routes = res.routes.filter((r) => r.nic === ifName).map((r) => ({ dst: r.dst, ...(r.gw ? { gw: r.gw } : {}) }));
  const dns = 'dns' in res && res.dns ? res.dns : undefined;
  const dnsOut = dns && (dns.nameservers.length || dns.domain || dns.search.length)
    ? { nameservers: dns.nameservers, ...(dns.domain ? { domain: dns.domain } : {}), ...(dns.search.length ? { search: dns.search } : {}) }
    : {};
  return { cniVersion, ips, ...(routes.length ? { routes } : {}), dns: dnsOut };
}
