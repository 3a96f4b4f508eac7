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
// --warmup N (5), --bin DIR (a prebuilt executable directory instead of building one).
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

const { values } = parseArgs({ options: { runs: { type: 'string', default: '100' }, warmup: { type: 'string', default: '5' }, bin: { type: 'string' } } });
const MAX_RUNS = 200;
const RUNS = Math.min(MAX_RUNS, Math.max(1, Number(values.runs)));
const WARMUP = Math.min(20, Math.max(0, Number(values.warmup)));
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
  exe: string;
  bundle: string;
  socketPath: string;
  netconf: string;
  pods: PodObject[];
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

function measureStartup(stack: Stack): Series[] {
  const floor = new Series('spawn floor (/bin/true)');
  const sea = new Series('start-up: VERSION (executable)');
  const plain = new Series('start-up: VERSION (node + bundle)');
  const hasBundle = existsSync(stack.bundle);
  for (let i = 0; i < RUNS + WARMUP; i++) {
    const results = [
      execute('/bin/true', [], {}, ''),
      execute(stack.exe, [], { PATH: HOST_PATH, CNI_COMMAND: 'VERSION' }, ''),
      hasBundle ? execute(process.execPath, [stack.bundle], { PATH: HOST_PATH, CNI_COMMAND: 'VERSION', SPIDERPOOL_CNI_PLUGIN_NAME: 'spiderpool' }, '') : undefined,
    ];
    if (i < WARMUP) continue;
    floor.record(results[0] as Timed);
    sea.record(results[1] as Timed);
    if (results[2]) plain.record(results[2]);
  }
  return hasBundle ? [floor, sea, plain] : [floor, sea];
}

/** ADD through the executable and ADD posted directly, alternating, each on its own fresh pod. */
async function measureAdd(stack: Stack): Promise<{ viaExe: Series; direct: Series }> {
  const viaExe = new Series('ADD via the executable');
  const direct = new Series('ADD posted to node-agent');
  const del = (pod: PodObject) => postCni(stack.socketPath, { plugin: 'spiderpool', command: 'DEL', env: cniEnv('DEL', pod), stdin: stack.netconf });
  for (let i = 0; i < RUNS + WARMUP; i++) {
    const [a, b] = [stack.pods[2 * i] as PodObject, stack.pods[2 * i + 1] as PodObject];
    const exeAdd = execute(stack.exe, [], cniEnv('ADD', a), stack.netconf);
    await del(a);
    const directAdd = await postCni(stack.socketPath, { plugin: 'spiderpool', command: 'ADD', env: cniEnv('ADD', b), stdin: stack.netconf });
    await del(b);
    if (i < WARMUP) continue;
    viaExe.record(exeAdd);
    direct.record(directAdd);
  }
  return { viaExe, direct };
}

function row(s: Series, target = ''): void {
  const mean = s.times.reduce((sum, t) => sum + t, 0) / Math.max(1, s.times.length);
  const cells = [s.label.padEnd(34), String(s.times.length).padStart(5), s.p(50).toFixed(1).padStart(9), s.p(99).toFixed(1).padStart(9), mean.toFixed(1).padStart(9)];
  say(`${cells.join('')}   ${s.failures ? `FAILED ${s.failures}: ${s.firstError}` : target}`);
}

function report(stack: Stack, startup: Series[], add: { viaExe: Series; direct: Series }): void {
  const { viaExe, direct } = add;
  const verdict = (v: number, target: number): string => `${v <= target ? 'meets' : 'MISSES'} <= ${target}`;
  say('');
  say(`executable size: ${(statSync(stack.exe).size / 1024 / 1024).toFixed(1)} MiB (${stack.exe})`);
  say('');
  say(`${'series'.padEnd(34)}${'runs'.padStart(5)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'mean ms'.padStart(9)}   target`);
  for (const s of startup) row(s);
  row(viaExe, `p50 ${verdict(viaExe.p(50), TARGET_P50_MS)}, p99 ${verdict(viaExe.p(99), TARGET_P99_MS)}`);
  row(direct, '(baseline: no executable)');
  say('');
  say(`executable overhead on ADD: +${(viaExe.p(50) - direct.p(50)).toFixed(1)} ms at p50 (${(viaExe.p(50) / direct.p(50)).toFixed(2)} x), +${(viaExe.p(99) - direct.p(99)).toFixed(1)} ms at p99`);
  say(JSON.stringify({ sizeBytes: statSync(stack.exe).size, series: [...startup, viaExe, direct].map((s) => ({ label: s.label, runs: s.times.length, failures: s.failures, p50ms: s.p(50), p99ms: s.p(99) })) }));
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
    const pods = await createPods(ns, node, 2 * (RUNS + WARMUP));
    const stack: Stack = { exe: join(bin, 'spiderpool'), bundle: join(bin, 'cni-shim.cjs'), socketPath, netconf, pods };
    // Start-up latency is CPU-bound: anything else running on the machine shows in every number.
    const load = (): string => (loadavg()[0] ?? 0).toFixed(2);
    say(`CNI executable benchmark: ${RUNS} runs per series after ${WARMUP} warm-up, sequential, node ${process.version}, ${cpus().length} CPUs, load ${load()}`);
    const startup = measureStartup(stack);
    const add = await measureAdd(stack);
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
