// SPDX-License-Identifier: Apache-2.0
// For unit tests: an in-memory node behind the NetlinkPort, which understands the few `ip link`
// commands ifacer issues and fails the way the kernel and `ip -batch` do.
import { NetlinkCommandError, type ExecResult, type NetlinkPort, type Netns } from '../netlink/ip-runner.ts';
import type { HostLink } from './host-link.ts';
import type { LinkKind } from './plan-steps.ts';

export interface FakeCall {
  method: 'ip' | 'ipJson' | 'batch' | 'exec';
  netns: Netns;
  args: string[];
}

class KernelSays extends Error {}

export class FakeHostNetlink implements NetlinkPort {
  readonly links = new Map<string, HostLink>();
  readonly calls: FakeCall[] = [];
  /** Link types this kernel lacks. */
  readonly unsupported: Set<LinkKind>;
  /** When set, the `unshare` probe fails with this stderr (no unshare, no privilege...). */
  probeBroken: string | undefined;
  #macs = 0;

  constructor(links: HostLink[], unsupported: LinkKind[] = []) {
    for (const l of links) this.links.set(l.ifname, structuredClone(l));
    this.unsupported = new Set(unsupported);
  }

  get batches(): string[][] {
    return this.calls.filter((c) => c.method === 'batch').map((c) => c.args);
  }

  async ip(netns: Netns, args: readonly string[]): Promise<string> {
    this.calls.push({ method: 'ip', netns, args: [...args] });
    throw new NetlinkCommandError(`ip ${args.join(' ')}`, 'not modelled by the fake');
  }

  async ipJson<T>(netns: Netns, args: readonly string[]): Promise<T> {
    this.calls.push({ method: 'ipJson', netns, args: [...args] });
    if (args.join(' ') !== '-details link show') throw new NetlinkCommandError(`ip -json ${args.join(' ')}`, 'not modelled by the fake');
    return structuredClone([...this.links.values()]) as T;
  }

  async batch(netns: Netns, commands: ReadonlyArray<readonly string[]>): Promise<void> {
    this.calls.push({ method: 'batch', netns, args: commands.map((c) => c.join(' ')) });
    // Like `ip -batch`: earlier lines stay applied when a later one fails.
    commands.forEach((argv, i) => {
      try {
        this.#apply(argv);
      } catch (err) {
        if (!(err instanceof KernelSays)) throw err;
        throw new NetlinkCommandError('ip -batch', `Error: ${err.message}\nCommand failed -:${i + 1}\n`);
      }
    });
  }

  async writeSysctl(): Promise<void> {
    throw new Error('ifacer writes no sysctls');
  }

  async exec(netns: Netns, program: string, args: readonly string[]): Promise<ExecResult> {
    this.calls.push({ method: 'exec', netns, args: [program, ...args] });
    if (program !== 'unshare') return { code: 127, stdout: '', stderr: `${program}: not modelled by the fake` };
    if (this.probeBroken !== undefined) return { code: 1, stdout: '', stderr: this.probeBroken };
    const kind: LinkKind = args.join(' ').includes('type vlan') ? 'vlan' : 'bond';
    return this.unsupported.has(kind) ? { code: 2, stdout: '', stderr: 'Error: Unknown device type.\n' } : { code: 0, stdout: '', stderr: '' };
  }

  #apply(argv: readonly string[]): void {
    const [verb, sub] = argv;
    if (verb !== 'link') throw new Error(`fake: unexpected ip ${argv.join(' ')}`);
    if (sub === 'add') return this.#add(argv);
    if (sub === 'set') return this.#set(argv[2] ?? '', argv.slice(3));
    throw new Error(`fake: unexpected ip ${argv.join(' ')}`);
  }

  #add(argv: readonly string[]): void {
    const kind = argv[argv.indexOf('type') + 1] as LinkKind;
    if (this.unsupported.has(kind)) throw new KernelSays('Unknown device type.');
    const name = kind === 'vlan' ? argv[argv.indexOf('name') + 1] : argv[2];
    if (!name || this.links.has(name)) throw new KernelSays('RTNETLINK answers: File exists');
    const address = `02:00:00:00:00:${(++this.#macs).toString(16).padStart(2, '0')}`;
    if (kind === 'vlan') {
      const parent = argv[3] ?? '';
      if (!this.links.has(parent)) throw new KernelSays(`Cannot find device "${parent}"`);
      this.links.set(name, { ifname: name, flags: ['BROADCAST', 'MULTICAST'], link: parent, address, linkinfo: { info_kind: 'vlan', info_data: { id: Number(argv[argv.length - 1]) } } });
    } else {
      this.links.set(name, { ifname: name, flags: ['BROADCAST', 'MULTICAST', 'MASTER'], address, linkinfo: { info_kind: 'bond', info_data: { mode: argv[argv.indexOf('mode') + 1] ?? 'balance-rr' } } });
    }
  }

  #set(name: string, rest: readonly string[]): void {
    const link = this.links.get(name);
    if (!link) throw new KernelSays(`Cannot find device "${name}"`);
    const flags = (link.flags ?? []).filter((f) => f !== 'UP');
    if (rest[0] === 'up') link.flags = [...flags, 'UP'];
    else if (rest[0] === 'down') link.flags = flags;
    else if (rest[0] === 'master') this.#enslave(link, rest[1] ?? '');
    else throw new Error(`fake: unexpected ip link set ${name} ${rest.join(' ')}`);
  }

  #enslave(link: HostLink, master: string): void {
    if (!this.links.has(master)) throw new KernelSays(`Cannot find device "${master}"`);
    // Strict like older kernels: a slave must be down (ifacer sets it down first).
    if (link.flags?.includes('UP')) throw new KernelSays('Device can not be enslaved while up');
    link.master = master;
  }
}
