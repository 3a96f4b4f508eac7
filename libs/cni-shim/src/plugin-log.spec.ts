// SPDX-License-Identifier: Apache-2.0
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { invocationEntry, logInvocation, type InvocationRecord } from './plugin-log.ts';

const TIME = new Date('2024-05-06T07:08:09.010Z');
const ENV = {
  CNI_COMMAND: 'ADD',
  CNI_CONTAINERID: 'ctr1',
  CNI_IFNAME: 'eth0',
  CNI_NETNS: '/var/run/netns/p1',
  CNI_ARGS: 'IgnoreUnknown=1;K8S_POD_NAMESPACE=ns1;K8S_POD_NAME=web-0;K8S_POD_UID=u1',
};

function record(overrides: Partial<InvocationRecord> = {}): InvocationRecord {
  return { argv0: '/opt/cni/bin/spiderpool', env: ENV, stdinText: '{}', outcome: { exitCode: 0, stdout: '' }, durationMs: 12.345, time: TIME, ...overrides };
}

describe('invocationEntry', () => {
  it('describes a successful ADD with its addresses', () => {
    const stdout = JSON.stringify({ cniVersion: '1.0.0', ips: [{ address: '192.0.2.10/24' }, { address: '2001:db8::10/64' }] });
    expect(invocationEntry('spiderpool', record({ outcome: { exitCode: 0, stdout } }))).toEqual({
      time: '2024-05-06T07:08:09.010Z',
      level: 'info',
      plugin: 'spiderpool',
      command: 'ADD',
      containerId: 'ctr1',
      ifName: 'eth0',
      netns: '/var/run/netns/p1',
      pod: 'ns1/web-0',
      exitCode: 0,
      msg: 'ok',
      ips: ['192.0.2.10/24', '2001:db8::10/64'],
      durationMs: 12.3,
    });
  });

  it('carries the CNI error code and message of a failure, with the details the message lacks', () => {
    const agentError = JSON.stringify({ cniVersion: '1.0.0', code: 100, msg: 'no IPPool available: pool "gone" not found' });
    expect(invocationEntry('spiderpool', record({ outcome: { exitCode: 1, stdout: agentError } }))).toMatchObject({ level: 'error', exitCode: 1, code: 100, msg: 'no IPPool available: pool "gone" not found' });
    const shimError = JSON.stringify({ cniVersion: '1.1.0', code: 4, msg: 'invalid environment variable CNI_COMMAND', details: 'it is not set' });
    expect(invocationEntry('spiderpool', record({ outcome: { exitCode: 1, stdout: shimError } }))).toMatchObject({ code: 4, msg: 'invalid environment variable CNI_COMMAND: it is not set' });
  });

  it('copes with a missing environment and an unparsable answer', () => {
    const entry = invocationEntry('ifacer', record({ env: {}, outcome: { exitCode: 2, stdout: 'garbage' } }));
    expect(entry).toEqual({ time: TIME.toISOString(), level: 'error', plugin: 'ifacer', command: '', containerId: '', ifName: '', netns: '', exitCode: 2, msg: 'failed without a CNI error document', durationMs: 12.3 });
  });
});

describe('logInvocation', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cni-plog-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const lines = (name: string): Array<Record<string, unknown>> =>
    readFileSync(join(dir, name), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

  it('writes one JSON line per call to the file the netconf names', () => {
    const stdinText = JSON.stringify({ cniVersion: '1.0.0', type: 'macvlan', ipam: { type: 'spiderpool', log_file_path: join(dir, 'sp.log') } });
    logInvocation(record({ stdinText }));
    logInvocation(record({ stdinText, env: { ...ENV, CNI_COMMAND: 'DEL' } }));
    expect(lines('sp.log').map((l) => [l['plugin'], l['command'], l['exitCode']])).toEqual([['spiderpool', 'ADD', 0], ['spiderpool', 'DEL', 0]]);
  });

  it('uses logOptions for coordinator (by program name) and honours the level', () => {
    const stdinText = JSON.stringify({ cniVersion: '1.0.0', type: 'coordinator', logOptions: { logFile: join(dir, 'co.log'), logLevel: 'error' } });
    logInvocation(record({ argv0: '/opt/cni/bin/coordinator', stdinText }));
    expect(existsSync(join(dir, 'co.log'))).toBe(false);
    logInvocation(record({ argv0: '/opt/cni/bin/coordinator', stdinText, outcome: { exitCode: 1, stdout: '{"code":11,"msg":"try again later"}' } }));
    expect(lines('co.log')).toEqual([expect.objectContaining({ plugin: 'coordinator', level: 'error', code: 11 })]);
  });

  it('logs a call whose stdin is not JSON to the SPIDERPOOL_CNI_LOG_FILE path (no netconf to read)', () => {
    const env = { ...ENV, SPIDERPOOL_CNI_LOG_FILE: join(dir, 'env.log') };
    logInvocation(record({ env, stdinText: '{"cniVersion": ', outcome: { exitCode: 1, stdout: '{"code":6,"msg":"failed to decode content"}' } }));
    expect(lines('env.log')).toEqual([expect.objectContaining({ code: 6, msg: 'failed to decode content' })]);
  });

  it('skips VERSION and programs that are none of our plugins', () => {
    const env = { ...ENV, SPIDERPOOL_CNI_LOG_FILE: join(dir, 'x.log') };
    logInvocation(record({ env: { ...env, CNI_COMMAND: 'VERSION' } }));
    logInvocation(record({ env, argv0: '/usr/bin/node' }));
    expect(existsSync(join(dir, 'x.log'))).toBe(false);
  });

  it('never throws, whatever the log path', () => {
    writeFileSync(join(dir, 'plain-file'), 'x');
    const stdinText = JSON.stringify({ ipam: { log_file_path: join(dir, 'plain-file', 'sp.log') } });
    expect(() => logInvocation(record({ stdinText }))).not.toThrow();
    expect(() => logInvocation(record({ stdinText: JSON.stringify({ ipam: { log_file_path: dir } }) }))).not.toThrow();
  });
});
