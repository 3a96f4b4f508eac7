// SPDX-License-Identifier: Apache-2.0
// Bad input through the real `spiderpool` executable (the single executable application), run
// directly as the IPAM plugin the way a main plugin runs it: each refusal is a CNI error
// document on stdout with a non-zero exit, names the problem, allocates nothing, and lands in
// the plugin's log file. Also: the executable needs no Node.js on the host, and it degrades as
// specified when node-agent or ipam-service is down.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPod, createPool, deletePod, endpointOf, poolRecords, type PodObject } from '../ipam/ipam-harness.ts';
import { startCniBed, type CniBed } from './cni-harness.ts';

let bed: CniBed;
let pool: string;
let logFile: string;
/** A PATH with nothing in it: proves the executable never looks for `node` (a system node exists in /usr/bin here). */
let emptyPath: string;

beforeAll(async () => {
  bed = await startCniBed();
  pool = await createPool({ subnet: '192.0.2.0/24', ips: ['192.0.2.40-192.0.2.49'], gateway: '192.0.2.1' });
  logFile = join(bed.dir, 'log', 'spiderpool.log');
  emptyPath = join(bed.dir, 'empty-path');
  mkdirSync(emptyPath);
});

afterAll(async () => bed?.stop());

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

interface CniErrorDoc {
  cniVersion: string;
  code: number;
  msg: string;
  details?: string;
}

const netconf = (ipam: Record<string, unknown> = {}, top: Record<string, unknown> = {}): string =>
  JSON.stringify({
    cniVersion: '1.0.0',
    name: 'bad-input',
    type: 'macvlan',
    ...top,
    ipam: { type: 'spiderpool', ipam_unix_socket_path: bed.socketPath, default_ipv4_ippool: [pool], log_file_path: logFile, ...ipam },
  });

function cniEnv(command: string, pod: PodObject): Record<string, string> {
  return {
    PATH: emptyPath,
    CNI_COMMAND: command,
    CNI_CONTAINERID: `ctr-${pod.metadata.uid.slice(0, 12)}`,
    CNI_NETNS: '/var/run/netns/none',
    CNI_IFNAME: 'eth0',
    CNI_PATH: bed.cniPath,
    CNI_ARGS: `IgnoreUnknown=1;K8S_POD_NAMESPACE=${pod.metadata.namespace};K8S_POD_NAME=${pod.metadata.name};K8S_POD_UID=${pod.metadata.uid}`,
  };
}

/** The executable itself, with exactly this environment (nothing inherited from jest). */
function runPlugin(env: Record<string, string>, stdin: string): Run {
  const r = spawnSync(join(bed.cniPath, 'spiderpool'), [], { env, input: stdin, encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function errorDoc(run: Run): CniErrorDoc {
  expect(run.status).not.toBe(0);
  expect(run.status).not.toBeNull();
  return JSON.parse(run.stdout) as CniErrorDoc;
}

/** No endpoint for the pod and no record in the pool: nothing was allocated anywhere. */
async function expectNothingAllocated(pod: PodObject): Promise<void> {
  expect(await endpointOf(pod.metadata.namespace, pod.metadata.name)).toBeUndefined();
  expect((await poolRecords(pool)).records.size).toBe(0);
}

function lastLogLine(path = logFile): Record<string, unknown> {
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  return JSON.parse(lines[lines.length - 1] ?? '') as Record<string, unknown>;
}

const newPod = (): Promise<PodObject> => createPod({ namespace: bed.namespace, node: bed.node });

describe('bad input to the spiderpool executable', () => {
  it.each([
    ['CNI_CONTAINERID', 'CNI_CONTAINERID is required for ADD'],
    ['CNI_IFNAME', 'CNI_IFNAME is required for ADD'],
    ['CNI_ARGS', 'CNI_ARGS must carry K8S_POD_NAMESPACE and K8S_POD_NAME'],
  ])('ADD without %s → code 4 naming it, nothing allocated', async (variable, msg) => {
    const pod = await newPod();
    const env = cniEnv('ADD', pod);
    delete env[variable];
    const error = errorDoc(runPlugin(env, netconf()));
    expect(error).toMatchObject({ cniVersion: '1.0.0', code: 4, msg });
    await expectNothingAllocated(pod);
    expect(lastLogLine()).toMatchObject({ plugin: 'spiderpool', command: 'ADD', exitCode: 1, code: 4, msg });
  });

  it('ADD with a pod identity lacking the name → code 4', async () => {
    const pod = await newPod();
    const env = { ...cniEnv('ADD', pod), CNI_ARGS: `K8S_POD_NAMESPACE=${pod.metadata.namespace};K8S_POD_UID=${pod.metadata.uid}` };
    expect(errorDoc(runPlugin(env, netconf()))).toMatchObject({ code: 4, msg: expect.stringContaining('K8S_POD_NAME') });
    await expectNothingAllocated(pod);
  });

  it('no CNI_COMMAND → code 4 naming CNI_COMMAND, nothing allocated', async () => {
    const pod = await newPod();
    const env = cniEnv('ADD', pod);
    delete env['CNI_COMMAND'];
    const error = errorDoc(runPlugin(env, netconf()));
    expect(error).toMatchObject({ cniVersion: '1.1.0', code: 4, msg: 'invalid environment variable CNI_COMMAND', details: expect.stringContaining('not set') });
    await expectNothingAllocated(pod);
    expect(lastLogLine()).toMatchObject({ command: '', exitCode: 1, code: 4 });
  });

  it('malformed JSON on stdin → code 6, nothing allocated', async () => {
    const pod = await newPod();
    // No netconf to read the log path from: the override env variable names it.
    const envLog = join(bed.dir, 'log', 'no-netconf.log');
    const error = errorDoc(runPlugin({ ...cniEnv('ADD', pod), SPIDERPOOL_CNI_LOG_FILE: envLog }, '{"cniVersion": "1.0.0", "ipam": {'));
    expect(error).toMatchObject({ code: 6, msg: 'failed to decode content', details: expect.stringContaining('not valid JSON') });
    await expectNothingAllocated(pod);
    expect(lastLogLine(envLog)).toMatchObject({ command: 'ADD', exitCode: 1, code: 6 });
  });

  it('an unsupported cniVersion → code 1 naming the version, nothing allocated', async () => {
    const pod = await newPod();
    const error = errorDoc(runPlugin(cniEnv('ADD', pod), netconf({}, { cniVersion: '9.9.9' })));
    expect(error.code).toBe(1);
    expect(error.msg).toContain('"9.9.9" is not supported');
    expect(error.msg).toContain('1.1.0');
    await expectNothingAllocated(pod);
    expect(lastLogLine()).toMatchObject({ exitCode: 1, code: 1 });
  });

  it('an unknown pool in default_ipv4_ippool → code 100 naming the pool, nothing allocated', async () => {
    const pod = await newPod();
    const error = errorDoc(runPlugin(cniEnv('ADD', pod), netconf({ default_ipv4_ippool: ['no-such-pool-e2e'] })));
    expect(error.code).toBe(100);
    expect(error.msg).toContain('no-such-pool-e2e');
    await expectNothingAllocated(pod);
    expect(lastLogLine()).toMatchObject({ exitCode: 1, code: 100 });
  });
});

describe('without Node.js on the host', () => {
  it('answers VERSION with an empty PATH', () => {
    const run = runPlugin({ PATH: emptyPath, CNI_COMMAND: 'VERSION' }, '');
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    expect(JSON.parse(run.stdout)).toEqual({ cniVersion: '1.1.0', supportedVersions: ['0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0'] });
  });

  it('ignores NODE_OPTIONS from the runtime environment (an unknown flag would make Node exit 9)', () => {
    const run = runPlugin({ PATH: emptyPath, CNI_COMMAND: 'VERSION', NODE_OPTIONS: '--no-such-flag --require /nonexistent.js' }, '');
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    expect(JSON.parse(run.stdout)).toMatchObject({ supportedVersions: expect.arrayContaining(['1.1.0']) });
  });

  it('allocates through node-agent with an empty PATH, and DEL releases', async () => {
    expect(existsSync(join(emptyPath, 'node'))).toBe(false);
    const pod = await newPod();
    const add = runPlugin(cniEnv('ADD', pod), netconf());
    expect({ status: add.status, stderr: add.stderr }).toEqual({ status: 0, stderr: '' });
    expect(JSON.parse(add.stdout)).toMatchObject({ cniVersion: '1.0.0', ips: [{ address: '192.0.2.40/24', gateway: '192.0.2.1' }] });
    expect((await poolRecords(pool)).records.get('192.0.2.40')).toMatchObject({ podUid: pod.metadata.uid, nic: 'eth0' });
    // The endpoint probe of expectNothingAllocated sees a real allocation.
    expect(await endpointOf(pod.metadata.namespace, pod.metadata.name)).toBeDefined();
    expect(lastLogLine()).toMatchObject({ command: 'ADD', exitCode: 0, ips: ['192.0.2.40/24'], pod: `${pod.metadata.namespace}/${pod.metadata.name}` });

    await deletePod(bed.namespace, pod.metadata.name);
    expect(runPlugin(cniEnv('DEL', pod), netconf())).toEqual({ status: 0, stdout: '', stderr: '' });
    expect((await poolRecords(pool)).records.size).toBe(0);
  });
});

describe('node-agent down', () => {
  let staleSocket: string;

  beforeAll(() => {
    // A socket file whose listener died (as after a node-agent crash): connecting is refused.
    staleSocket = join(bed.dir, 'stale.sock');
    const script = `require('node:net').createServer().listen(${JSON.stringify(staleSocket)}, () => process.kill(process.pid, 'SIGKILL'))`;
    spawnSync(process.execPath, ['-e', script], { env: { PATH: emptyPath }, timeout: 30_000 });
    expect(existsSync(staleSocket)).toBe(true);
  });

  const downConf = (): string => netconf({ ipam_unix_socket_path: staleSocket });

  it('STATUS → code 50 naming the socket', async () => {
    const pod = await newPod();
    const error = errorDoc(runPlugin(cniEnv('STATUS', pod), downConf()));
    expect(error).toMatchObject({ cniVersion: '1.0.0', code: 50 });
    expect(error.msg).toContain(`node-agent unreachable at ${staleSocket}`);
  });

  it('ADD → code 11 (try again later), nothing allocated', async () => {
    const pod = await newPod();
    const error = errorDoc(runPlugin(cniEnv('ADD', pod), downConf()));
    expect(error).toMatchObject({ cniVersion: '1.0.0', code: 11 });
    expect(error.msg).toContain(`node-agent unreachable at ${staleSocket}`);
    expect(error.msg).toContain('ECONNREFUSED');
    await expectNothingAllocated(pod);
    expect(lastLogLine()).toMatchObject({ command: 'ADD', exitCode: 1, code: 11 });
  });

  it('DEL → exit 0 with nothing on stdout (the GC reclaims leftovers)', async () => {
    const pod = await newPod();
    expect(runPlugin(cniEnv('DEL', pod), downConf())).toEqual({ status: 0, stdout: '', stderr: '' });
  });
});

// Last: stopping ipam-service takes the whole bed's allocation path down for good.
describe('ipam-service down', () => {
  beforeAll(async () => bed.stopIpamService());

  it('ADD → code 11 (try again later), nothing allocated', async () => {
    const pod = await newPod();
    const error = errorDoc(runPlugin(cniEnv('ADD', pod), netconf()));
    expect(error).toMatchObject({ cniVersion: '1.0.0', code: 11 });
    await expectNothingAllocated(pod);
    expect(lastLogLine()).toMatchObject({ command: 'ADD', exitCode: 1, code: 11 });
  });

  it('STATUS → code 50', async () => {
    const pod = await newPod();
    expect(errorDoc(runPlugin(cniEnv('STATUS', pod), netconf()))).toMatchObject({ code: 50 });
  });
});
