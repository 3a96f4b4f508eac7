// SPDX-License-Identifier: Apache-2.0
// The four services as deployed (startServices) and a private Prometheus scraping them, for the
// tests of the monitoring component.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort, ManagedProcess, startServices, testbed, uniqueName, waitHealthy, type StartedServices } from '../testbed/index.ts';

export const PROMETHEUS_BIN = '/usr/bin/prometheus';
export const PROMTOOL_BIN = '/usr/bin/promtool';

/** A directory of this test's own under the test bed's state directory. */
export function ownStateDir(tag: string): string {
  const dir = join(testbed().stateDir, 'observability', uniqueName(tag));
  mkdirSync(join(dir, 'logs'), { recursive: true });
  return dir;
}

/**
 * Env the service processes inherit for this start only. startServices' gc-service talks to the
 * shared apiserver: with reclamation off it cannot release another test file's records (its
 * metrics are registered all the same); the tests that need a GC pass run a scoped one.
 */
const STACK_ENV = { SPIDERPOOL_GC_IP_ENABLED: 'false' };

export async function startStack(stateDir: string, node: string): Promise<StartedServices> {
  const tb = testbed();
  const saved = Object.fromEntries(Object.keys(STACK_ENV).map((k) => [k, process.env[k]]));
  Object.assign(process.env, STACK_ENV);
  let stack: StartedServices;
  try {
    stack = await startServices({ sharedControlPlane: true, stateDir, kubeconfig: tb.kubeconfig, redisUrl: tb.redisUrl, node });
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  try {
    await waitHealthy(stack.services, 90_000);
  } catch (err) {
    await stopStack(stack);
    throw err;
  }
  return stack;
}

export async function stopStack(stack: StartedServices | undefined): Promise<void> {
  await Promise.all((stack?.services ?? []).map((s) => s.process.stop(15_000)));
}

export async function scrape(opsPort: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${opsPort}/metrics`, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`GET :${opsPort}/metrics answered ${res.status}`);
  return res.text();
}

/** Fails with promtool's own output when the rules file does not validate. */
export function checkRulesWithPromtool(rulesFile: string): void {
  if (!existsSync(PROMTOOL_BIN)) throw new Error(`${PROMTOOL_BIN} is missing: install the Debian package prometheus (scripts/setup.sh does)`);
  const run = spawnSync(PROMTOOL_BIN, ['check', 'rules', rulesFile], { encoding: 'utf8', timeout: 30_000 });
  if (run.status !== 0) throw new Error(`promtool check rules ${rulesFile} failed (${run.status ?? run.signal}):\n${run.stdout}\n${run.stderr}`);
}

export interface QueryResult {
  status: string;
  error?: string;
  data?: { resultType: string; result: Array<{ metric: Record<string, string>; value?: [number, string] }> };
}

export interface RuleState {
  name: string;
  type: 'alerting' | 'recording';
  health: string;
  lastError?: string;
}

export interface Prometheus {
  url: string;
  process: ManagedProcess;
  query(expr: string): Promise<QueryResult>;
  rules(): Promise<Array<{ name: string; rules: RuleState[] }>>;
  targets(): Promise<Array<{ labels: Record<string, string>; health: string; lastError: string }>>;
  stop(): Promise<void>;
}

/**
 * A Prometheus of this test's own (the Debian package also runs a system one on :9090): its own
 * loopback port, configuration and temporary storage, scraping every target each second and
 * evaluating the rules each second.
 */
export async function startPrometheus(o: { dir: string; jobs: Record<string, number[]>; rulesFile: string }): Promise<Prometheus> {
  if (!existsSync(PROMETHEUS_BIN)) throw new Error(`${PROMETHEUS_BIN} is missing: install the Debian package prometheus (scripts/setup.sh does)`);
  const port = await freePort();
  const storage = join(o.dir, 'prometheus-data');
  const config = join(o.dir, 'prometheus.yml');
  writeFileSync(config, stringify({
    global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
    rule_files: [o.rulesFile],
    scrape_configs: Object.entries(o.jobs).map(([job, ports]) => ({ job_name: job, static_configs: [{ targets: ports.map((p) => `127.0.0.1:${p}`) }] })),
  }));
  const process_ = new ManagedProcess({
    name: 'prometheus',
    command: PROMETHEUS_BIN,
    args: [`--config.file=${config}`, `--storage.tsdb.path=${storage}`, `--web.listen-address=127.0.0.1:${port}`, '--storage.tsdb.retention.time=1h', '--log.level=warn'],
    logFile: join(o.dir, 'logs', 'prometheus.log'),
  });
  const url = `http://127.0.0.1:${port}`;
  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(10_000) });
    return (await res.json()) as T;
  };
  const prometheus: Prometheus = {
    url,
    process: process_,
    query: (expr) => get<QueryResult>(`/api/v1/query?query=${encodeURIComponent(expr)}`),
    rules: async () => (await get<{ data: { groups: Array<{ name: string; rules: RuleState[] }> } }>('/api/v1/rules')).data.groups,
    targets: async () => (await get<{ data: { activeTargets: Array<{ labels: Record<string, string>; health: string; lastError: string }> } }>('/api/v1/targets')).data.activeTargets,
    async stop() {
      await process_.stop(10_000);
      rmSync(storage, { recursive: true, force: true });
    },
  };
  try {
    await process_.waitReady(async () => (await fetch(`${url}/-/ready`)).ok, 60_000);
  } catch (err) {
    await prometheus.stop();
    throw err;
  }
  return prometheus;
}
