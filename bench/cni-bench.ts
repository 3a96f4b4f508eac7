// SPDX-License-Identifier: Apache-2.0
// `npm run bench:cni`: the CNI plugin executable (the single executable application) against a
// real node-agent → ipam-service → kube-apiserver stack on the embedded test bed.
//
//   1. size       of the executable
//   2. start-up   CNI_COMMAND=VERSION wall time (answered locally: pure process start-up)
//   3. ADD        a full IPAM ADD through the executable, executed directly as the IPAM plugin,
//                 each for a fresh pod created beforehand; DEL afterwards, outside the timing
//   4. baseline   the same ADD posted straight to node-agent's socket, interleaved with 3 in
//                 the same run, so the difference is what the executable costs
//
// Runs are sequential (latency, not throughput). Options: --runs N (100, at most 200),
// --warmup N (5), --bin DIR (a prebuilt executable directory instead of building one),
// --compare DIR (another executable directory measured interleaved with the first: a before/after
// comparison that the machine's changing load cannot skew).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ALL_CRDS } from '@spiderpool/crds';
import { installCrds, loadKubeConfig } from '@spiderpool/k8s';
import { REPO_ROOT, STATE_ENV, Testbed, type ManagedProcess } from '@spiderpool/e2e';
import {
  createNamespace, createNode, createPod, createPool, startIpamServices, startNodeAgent, stopIpamServices, type IpamProcess, type PodObject,
} from '@spiderpool/e2e/ipam';
import { execute, postCni, type Timed } from './cni-invoke.ts';
import { percentile, runBounded } from './stats.ts';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '100' }, warmup: { type: 'string', default: '5' }, bin: { type: 'string' }, compare: { type: 'string' } },
});
function intOption(name: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer in ${min}..${max}, got ${JSON.stringify(value)}`);
  return n;
}
// Bounded: every sample is a process start against a live stack.
const RUNS = intOption('runs', values.runs, 1, 200);
const WARMUP = intOption('warmup', values.warmup, 0, 20);
const TARGET_P50_MS = 150;
const TARGET_P99_MS = 300;
// A host PATH without the repository's node: the executable must not need one.
const HOST_PATH = '/usr/sbin:/usr/bin:/sbin:/bin';
const say = (s = ''): boolean => process.stdout.write(`${s}\n`);

/** Latencies of one measured series; failed calls are counted, not timed. */
class Series {
  readonly label: string;
  readonly times: number[] = [];
  failures = 0;
  firstError = '';

  constructor(label: string) {
    this.label = label;
  }

  record(t: Timed): void {
    if (t.ok) this.times.push(t.ms);
    else {
      this.failures++;
      this.firstError ||= t.detail;
    }
  }

  p(pct: number): number {
    return percentile([...this.times].sort((a, b) => a - b), pct);
  }
}

interface Stack {
  /** The executables measured, labelled; the first is the one built (or --bin), then --compare. */
  exes: Array<{ label: string; path: string }>;
  bundle: string;
  socketPath: string;
  netconf: string;
  pods: PodObject[];
}

/** One measured series and how to take one sample of it. */
interface Probe {
  series: Series;
  sample: () => Timed | Promise<Timed>;
}

/** Rounds of one sample per probe (interleaved, so drift in the machine's load hits all alike). */
async function measure(probes: Probe[]): Promise<Series[]> {
  for (let i = 0; i < RUNS + WARMUP; i++) {
    for (const probe of probes) {
      const t = await probe.sample();
      if (i >= WARMUP) probe.series.record(t);
    }
  }
  return probes.map((p) => p.series);
}

function buildExecutable(dir: string): string {
  const started = performance.now();
  execFileSync(process.execPath, [join(REPO_ROOT, 'scripts', 'build-cni-executable.ts'), '--out', dir], { cwd: REPO_ROOT, stdio: 'pipe' });
  say(`built ${join(dir, 'spiderpool')} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return dir;
}

function cniEnv(command: string, pod: PodObject): Record<string, string> {
  const { namespace, name, uid } = pod.metadata;
  return {
    PATH: HOST_PATH,
    CNI_COMMAND: command,
    CNI_CONTAINERID: `bench-${uid}`,
    CNI_NETNS: '/var/run/netns/bench',
    CNI_IFNAME: 'eth0',
    CNI_PATH: '/opt/cni/bin',
    CNI_ARGS: `IgnoreUnknown=1;K8S_POD_NAMESPACE=${namespace};K8S_POD_NAME=${name};K8S_POD_UID=${uid}`,
  };
}

async function createPods(ns: string, node: string, count: number): Promise<PodObject[]> {
  const pods: PodObject[] = new Array<PodObject>(count);
  const r = await runBounded(count, 16, async (i) => {
    pods[i] = await createPod({ namespace: ns, name: `cni-bench-${i}`, node });
  });
  if (r.failures) throw new Error(`creating pods failed: ${r.errors.join('; ')}`);
  return pods;
}

function startupProbes(stack: Stack): Probe[] {
  const probes: Probe[] = [{ series: new Series('spawn floor (/bin/true)'), sample: () => execute('/bin/true', [], {}, '') }];
  for (const exe of stack.exes) {
    probes.push({ series: new Series(`start-up: VERSION (${exe.label})`), sample: () => execute(exe.path, [], { PATH: HOST_PATH, CNI_COMMAND: 'VERSION' }, '') });
  }
  if (existsSync(stack.bundle)) {
    const env = { PATH: HOST_PATH, CNI_COMMAND: 'VERSION', SPIDERPOOL_CNI_PLUGIN_NAME: 'spiderpool' };
    probes.push({ series: new Series('start-up: VERSION (node + bundle)'), sample: () => execute(process.execPath, [stack.bundle], env, '') });
  }
  return probes;
}

/** ADD through each executable and ADD posted directly, each on its own fresh pod, DEL untimed. */
function addProbes(stack: Stack): Probe[] {
  let next = 0;
  const post = (command: string, pod: PodObject) => postCni(stack.socketPath, { plugin: 'spiderpool', command, env: cniEnv(command, pod), stdin: stack.netconf });
  const timedThenDel = async (add: (pod: PodObject) => Timed | Promise<Timed>): Promise<Timed> => {
    const pod = stack.pods[next++] as PodObject;
    const t = await add(pod);
    await post('DEL', pod);
    return t;
  };
  const probes: Probe[] = stack.exes.map((exe) => ({
    series: new Series(`ADD via the executable (${exe.label})`),
    sample: () => timedThenDel((pod) => execute(exe.path, [], cniEnv('ADD', pod), stack.netconf)),
  }));
  probes.push({ series: new Series('ADD posted to node-agent'), sample: () => timedThenDel((pod) => post('ADD', pod)) });
  return probes;
}

function row(s: Series, target = ''): void {
  const mean = s.times.reduce((sum, t) => sum + t, 0) / Math.max(1, s.times.length);
  const cells = [s.label.padEnd(40), String(s.times.length).padStart(5), s.p(50).toFixed(1).padStart(9), s.p(99).toFixed(1).padStart(9), mean.toFixed(1).padStart(9)];
  say(`${cells.join('')}   ${s.failures ? `FAILED ${s.failures}: ${s.firstError}` : target}`);
}

function report(stack: Stack, startup: Series[], add: Series[]): void {
  const direct = add[add.length - 1] as Series;
  const viaExes = add.slice(0, -1);
  const verdict = (v: number, target: number): string => `${v <= target ? 'meets' : 'MISSES'} <= ${target}`;
  say('');
  for (const exe of stack.exes) say(`executable size (${exe.label}): ${(statSync(exe.path).size / 1024 / 1024).toFixed(1)} MiB (${exe.path})`);
  say('');
  say(`${'series'.padEnd(40)}${'runs'.padStart(5)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'mean ms'.padStart(9)}   target`);
  for (const s of startup) row(s);
  for (const s of viaExes) row(s, `p50 ${verdict(s.p(50), TARGET_P50_MS)}, p99 ${verdict(s.p(99), TARGET_P99_MS)}`);
  row(direct, '(baseline: no executable)');
  say('');
  for (const s of viaExes) {
    say(`overhead of ${s.label}: +${(s.p(50) - direct.p(50)).toFixed(1)} ms at p50 (${(s.p(50) / direct.p(50)).toFixed(2)} x), +${(s.p(99) - direct.p(99)).toFixed(1)} ms at p99`);
  }
  const sizes = stack.exes.map((e) => ({ label: e.label, bytes: statSync(e.path).size }));
  say(JSON.stringify({ sizes, series: [...startup, ...add].map((s) => ({ label: s.label, runs: s.times.length, failures: s.failures, p50ms: s.p(50), p99ms: s.p(99) })) }));
}

async function main(): Promise<void> {
  const testbed = new Testbed();
  const state = await testbed.start();
  process.env[STATE_ENV] = join(state.stateDir, 'state.json');
  const work = mkdtempSync(join(tmpdir(), 'cni-bench-'));
  let ipam: IpamProcess[] = [];
  let agent: ManagedProcess | undefined;
  try {
    await installCrds(loadKubeConfig(state.kubeconfig), ALL_CRDS);
    const bin = values.bin ?? buildExecutable(join(work, 'bin'));
    ipam = await startIpamServices(1);
    const [ns, node] = await Promise.all([createNamespace(), createNode()]);
    const socketPath = join(work, 'agent.sock');
    agent = await startNodeAgent({ node, ipamAddress: ipam[0]?.address ?? '', socketPath, logDir: work });
    const pool = await createPool({ subnet: '2001:db8:cb::/64', ips: ['2001:db8:cb::1-2001:db8:cb::3ff'] });
    const ipamConf = { type: 'spiderpool', ipam_unix_socket_path: socketPath, default_ipv6_ippool: [pool], log_file_path: join(work, 'spiderpool.log') };
    const netconf = JSON.stringify({ cniVersion: '1.0.0', name: 'cni-bench', type: 'spiderpool', ipam: ipamConf });
    const exes = [{ label: values.bin ? '--bin' : 'built', path: join(bin, 'spiderpool') }];
    if (values.compare) exes.push({ label: '--compare', path: join(values.compare, 'spiderpool') });
    const pods = await createPods(ns, node, (exes.length + 1) * (RUNS + WARMUP));
    const stack: Stack = { exes, bundle: join(bin, 'cni-shim.cjs'), socketPath, netconf, pods };
    // Start-up latency is CPU-bound: anything else running on the machine shows in every number.
    const load = (): string => (loadavg()[0] ?? 0).toFixed(2);
    say(`CNI executable benchmark: ${RUNS} runs per series after ${WARMUP} warm-up, sequential, node ${process.version}, ${cpus().length} CPUs, load ${load()}`);
    const startup = await measure(startupProbes(stack));
    const add = await measure(addProbes(stack));
    report(stack, startup, add);
    say(`load average (1 min) at the end: ${load()}`);
  } finally {
    await agent?.stop();
    await stopIpamServices(ipam);
    await testbed.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
