// SPDX-License-Identifier: Apache-2.0
// What `ip -json -details link show` says about a link, reduced to what ifacer decides on.

/** One entry of `ip -json -details link show` (fields ifacer reads; the rest is ignored). */
export interface HostLink {
  ifname: string;
  flags?: string[];
  /** The parent's name, for VLAN links whose parent is in the same namespace. */
  link?: string;
  /** The bond (or bridge...) this link is enslaved to. */
  master?: string;
  address?: string;
  linkinfo?: {
    info_kind?: string;
    info_data?: { id?: number; mode?: string };
  };
}

/** Administratively up (the UP flag), which is what ifacer sets; carrier is the wire's business. */
export const isUp = (l: HostLink): boolean => l.flags?.includes('UP') ?? false;

/** `vlan`, `bond`, `veth`...; `device` for physical NICs, which carry no link kind. */
export const kindOf = (l: HostLink): string => l.linkinfo?.info_kind ?? 'device';

export const vlanIdOf = (l: HostLink): number | undefined => l.linkinfo?.info_data?.id;

export const bondModeOf = (l: HostLink): string | undefined => l.linkinfo?.info_data?.mode;

export function byName(links: readonly HostLink[]): ReadonlyMap<string, HostLink> {
  return new Map(links.map((l) => [l.ifname, l]));
}
