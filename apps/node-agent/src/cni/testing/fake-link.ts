// SPDX-License-Identifier: Apache-2.0
// Test-only in-memory fake of OUR OWN NetlinkPort: one pod interface on a link shared with other
// hosts. It understands exactly the commands the detection and announcement code sends (ip link
// up, ip -6 addr add/del/show, sysctls, arping under `timeout`, ndisc6, cat of /proc/sys) and
// answers them the way the real tools do, so tests read as scenarios on a network.
import { NetlinkCommandError, type ExecResult, type NetlinkPort, type Netns } from '../../netlink/ip-runner.ts';

interface FakeAddress {
  nodad: boolean;
  /** Reads of the address left before the kernel decides DAD. */
  tentativeReads: number;
}

export class FakeLink implements NetlinkPort {
  /** Every call as one line (`ip link set dev eth0 up`, `exec timeout 0.100 arping -D ...`), in order. */
  readonly calls: string[] = [];
  /** The namespace each call was made in, parallel to `calls`. */
  readonly netnsOfCalls: Netns[] = [];
  readonly ifName: string;
  up = false;
  /** Addresses configured on the pod interface, by CIDR. */
  readonly addresses = new Map<string, FakeAddress>();
  /** Sysctl values of the namespace, by path key such as net/ipv6/conf/eth0/accept_dad (unset keys read as "1"). */
  readonly sysctls = new Map<string, string>();
  /** Addresses that other hosts on the link hold: they answer ARP, neighbour solicitations and DAD. */
  readonly neighbours = new Set<string>();
  /** How many reads an address added with DAD stays tentative. */
  tentativeReads = 1;
  /** Overrides the answer of a call: an ExecResult for exec, an Error to throw from anything. */
  override: (call: string) => ExecResult | Error | undefined = () => undefined;

  constructor(ifName = 'eth0') {
    this.ifName = ifName;
  }

  /** The calls that match `pattern`, e.g. /arping -D/. */
  callsMatching(pattern: RegExp): string[] {
    return this.calls.filter((c) => pattern.test(c));
  }

  #record(netns: Netns, call: string): ExecResult | undefined {
    this.calls.push(call);
    this.netnsOfCalls.push(netns);
    const o = this.override(call);
    if (o instanceof Error) throw o;
    return o;
  }

  async ip(netns: Netns, args: readonly string[]): Promise<string> {
    this.#record(netns, `ip ${args.join(' ')}`);
    const dev = args[args.indexOf('dev') + 1];
    if (dev !== this.ifName) throw new NetlinkCommandError(`ip ${args.join(' ')}`, `Cannot find device "${dev}"`);
    if (args[0] === 'link' && args.at(-1) === 'up') this.up = true;
    else if (args[1] === 'addr' && args[2] === 'add') this.#add(args);
    else if (args[1] === 'addr' && args[2] === 'del') this.#del(args);
    else throw new Error(`fake: unexpected ip ${args.join(' ')}`);
    return '';
  }

  #add(args: readonly string[]): void {
    const cidr = args[3] ?? '';
    if (this.addresses.has(cidr)) throw new NetlinkCommandError(`ip ${args.join(' ')}`, 'RTNETLINK answers: File exists');
    this.addresses.set(cidr, { nodad: args.includes('nodad'), tentativeReads: this.tentativeReads });
  }

  #del(args: readonly string[]): void {
    if (!this.addresses.delete(args[3] ?? '')) throw new NetlinkCommandError(`ip ${args.join(' ')}`, 'RTNETLINK answers: Cannot assign requested address');
  }

  async ipJson<T>(netns: Netns, args: readonly string[]): Promise<T> {
    this.#record(netns, `ipJson ${args.join(' ')}`);
    const addrInfo = [...this.addresses].map(([cidr, a]) => {
      const local = cidr.split('/')[0] ?? '';
      if (a.nodad) return { local };
      if (a.tentativeReads > 0) {
        a.tentativeReads--;
        return { local, tentative: true };
      }
      return this.neighbours.has(local) ? { local, tentative: true, dadfailed: true } : { local };
    });
    return [{ ifname: this.ifName, addr_info: addrInfo }] as T;
  }

  async batch(netns: Netns, commands: ReadonlyArray<readonly string[]>): Promise<void> {
    for (const c of commands) await this.ip(netns, c);
  }

  async writeSysctl(netns: Netns, key: string, value: string): Promise<void> {
    this.#record(netns, `sysctl ${key}=${value}`);
    this.sysctls.set(key, value);
  }

  async exec(netns: Netns, program: string, args: readonly string[], timeoutMs?: number): Promise<ExecResult> {
    const overridden = this.#record(netns, `exec ${program} ${args.join(' ')}${timeoutMs === undefined ? '' : ` (${timeoutMs} ms)`}`);
    if (overridden) return overridden;
    if (program === 'timeout' && args[1] === 'arping') return this.#arping(args.slice(2));
    if (program === 'ndisc6') return this.#ndisc6(args);
    if (program === 'cat') return { code: 0, stdout: args.map((p) => `${this.sysctls.get(p.replace('/proc/sys/', '')) ?? '1'}\n`).join(''), stderr: '' };
    throw new Error(`fake: unexpected program ${program}`);
  }

  #arping(args: readonly string[]): ExecResult {
    const dev = args[args.indexOf('-I') + 1];
    const ip = args.at(-1) ?? '';
    if (dev !== this.ifName) return { code: 2, stdout: '', stderr: `arping: Device ${dev} not available.` };
    if (!this.up) return { code: 2, stdout: '', stderr: `arping: Interface "${dev}" is down` };
    const from = args[0] === '-D' ? '0.0.0.0' : ip;
    const head = `ARPING ${ip} from ${from} ${dev}\n`;
    if (args[0] === '-D' && this.neighbours.has(ip)) {
      return { code: 1, stdout: `${head}Unicast reply from ${ip} [02:00:00:00:00:01]  0.500ms\nSent 1 probes (1 broadcast(s))\nReceived 1 response(s)\n`, stderr: '' };
    }
    // Stopped by `timeout` after the probe left.
    return { code: 124, stdout: `${head}Sent 1 probes (1 broadcast(s))\nReceived 0 response(s)\n`, stderr: '' };
  }

  #ndisc6(args: readonly string[]): ExecResult {
    const [gateway, dev] = args.slice(-2);
    if (dev !== this.ifName) return { code: 1, stdout: '', stderr: `${dev}: No such device` };
    const source = args[args.indexOf('-s') + 1];
    const usable = [...this.addresses.keys()].some((cidr) => cidr.split('/')[0] === source);
    if (!usable) return { code: 1, stdout: '', stderr: 'Sending ICMPv6 packet: Cannot assign requested address' };
    return this.neighbours.has(gateway ?? '') ? { code: 0, stdout: '02:00:00:00:00:01\n', stderr: '' } : { code: 2, stdout: '', stderr: 'No response.' };
  }
}
