// SPDX-License-Identifier: Apache-2.0
// Whether the kernel can make VLAN and bond links. Both come from modules (8021q, bonding) that
// a node may lack; ifacer finds out before it changes anything, so a refused ADD leaves the node
// as it was.
import type { NetlinkPort } from '../netlink/ip-runner.ts';
import { CniCode, CniError } from '../cni/cni-types.ts';
import type { LinkKind } from './plan-steps.ts';

const MODULE: Readonly<Record<LinkKind, string>> = { vlan: '8021q', bond: 'bonding' };

/** What iproute2 and the kernel say when a link type is unknown (EOPNOTSUPP, no module). */
export const saysLinkTypeMissing = (stderr: string): boolean => /unknown device type|not supported/i.test(stderr);

/** Code 104 (NOT_SUPPORTED): retrying cannot help, loading the module or changing the netconf can. */
export const linkTypeMissing = (kind: LinkKind): CniError =>
  new CniError(CniCode.NOT_SUPPORTED, `the kernel does not support ${kind} links (module ${MODULE[kind]} not loaded)`);

/**
 * Exit 3 when the helper veth cannot be made, so a missing veth is not blamed on 8021q.
 * No links on the probe's side can clash: the namespace is new and empty.
 */
const PROBE: Readonly<Record<LinkKind, string>> = {
  vlan: 'ip link add p0 type veth peer name p1 || exit 3; ip link add link p0 name p0.1 type vlan id 1',
  bond: 'ip link add p0 type bond',
};

export type ProbeVerdict = 'supported' | 'missing' | 'unknown';

/**
 * Probes by creating the link in a throwaway network namespace (`unshare --net`, gone when the
 * probe exits), which also makes the kernel load the module when it can. Only "supported" is
 * remembered: a module may be loaded later.
 */
export class LinkKindSupport {
  readonly #netlink: NetlinkPort;
  readonly #supported = new Set<LinkKind>();

  constructor(netlink: NetlinkPort) {
    this.#netlink = netlink;
  }

  async probe(kind: LinkKind): Promise<ProbeVerdict> {
    if (this.#supported.has(kind)) return 'supported';
    const r = await this.#netlink.exec(undefined, 'unshare', ['--net', 'sh', '-c', PROBE[kind]]);
    if (r.code === 0) {
      this.#supported.add(kind);
      return 'supported';
    }
    return r.code !== 3 && saysLinkTypeMissing(r.stderr) ? 'missing' : 'unknown';
  }

  /** The first of `kinds` the kernel certainly lacks; 'unknown' verdicts are left to the real command. */
  async firstMissing(kinds: ReadonlySet<LinkKind>): Promise<LinkKind | undefined> {
    for (const kind of kinds) if ((await this.probe(kind)) === 'missing') return kind;
    return undefined;
  }
}
