// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { CniShimError, type CniError } from './cni-errors.ts';
import { DEFAULT_SOCKET_PATH, DEFAULT_TIMEOUT_MS, readCniRequest, type ReadCniRequestInput } from './request.ts';
import { CNI_COMMANDS } from './types.ts';

const NETCONF = JSON.stringify({ cniVersion: '1.0.0', name: 'net1', type: 'macvlan', ipam: { type: 'spiderpool' } });

function input(overrides: Partial<ReadCniRequestInput> = {}): ReadCniRequestInput {
  return { argv0: '/opt/cni/bin/spiderpool', env: { CNI_COMMAND: 'ADD' }, stdin: NETCONF, ...overrides };
}

function errorOf(run: () => unknown): CniError {
  try {
    run();
  } catch (error) {
    if (error instanceof CniShimError) return error.cniError;
    throw error;
  }
  throw new Error('expected a CniShimError');
}

describe('readCniRequest', () => {
  it('takes the plugin from the base name of argv0', () => {
    expect(readCniRequest(input()).plugin).toBe('spiderpool');
    expect(readCniRequest(input({ argv0: '/opt/cni/bin/coordinator' })).plugin).toBe('coordinator');
    expect(readCniRequest(input({ argv0: 'ifacer' })).plugin).toBe('ifacer');
  });

  it('lets SPIDERPOOL_CNI_PLUGIN_NAME override argv0 (running under node)', () => {
    const request = readCniRequest(input({ argv0: '/usr/bin/node', env: { CNI_COMMAND: 'ADD', SPIDERPOOL_CNI_PLUGIN_NAME: 'coordinator' } }));
    expect(request.plugin).toBe('coordinator');
  });

  it('rejects an unknown plugin name with code 4', () => {
    const error = errorOf(() => readCniRequest(input({ argv0: '/usr/bin/node' })));
    expect(error.code).toBe(4);
    expect(error.msg).toContain('SPIDERPOOL_CNI_PLUGIN_NAME');
    expect(error.details).toContain('"node"');
  });

  it.each(CNI_COMMANDS)('accepts CNI_COMMAND=%s', (command) => {
    expect(readCniRequest(input({ env: { CNI_COMMAND: command } })).command).toBe(command);
  });

  it.each([['FOO'], ['add'], [''], [undefined]])('rejects CNI_COMMAND=%p with code 4 naming CNI_COMMAND', (command) => {
    const error = errorOf(() => readCniRequest(input({ env: command === undefined ? {} : { CNI_COMMAND: command } })));
    expect(error).toMatchObject({ code: 4, cniVersion: '1.1.0' });
    expect(error.msg).toContain('CNI_COMMAND');
  });

  it('forwards only the CNI_* variables that are present', () => {
    const env = { CNI_COMMAND: 'ADD', CNI_CONTAINERID: 'c1', CNI_NETNS: '/var/run/netns/x', CNI_IFNAME: 'eth0', CNI_ARGS: 'K8S_POD_NAME=p', HOME: '/root', PATH: '/bin' };
    expect(readCniRequest(input({ env })).env).toEqual({ CNI_COMMAND: 'ADD', CNI_CONTAINERID: 'c1', CNI_NETNS: '/var/run/netns/x', CNI_IFNAME: 'eth0', CNI_ARGS: 'K8S_POD_NAME=p' });
  });

  it('keeps stdin verbatim and reads cniVersion from it', () => {
    const request = readCniRequest(input());
    expect(request.stdin).toBe(NETCONF);
    expect(request.cniVersion).toBe('1.0.0');
    expect(readCniRequest(input({ stdin: '{}' })).cniVersion).toBe('1.1.0');
  });

  it('rejects malformed stdin with code 6', () => {
    expect(errorOf(() => readCniRequest(input({ stdin: '{"cniVersion": ' }))).code).toBe(6);
    expect(errorOf(() => readCniRequest(input({ stdin: '' }))).code).toBe(6);
    expect(errorOf(() => readCniRequest(input({ env: { CNI_COMMAND: 'VERSION' }, stdin: 'nope' }))).code).toBe(6);
  });

  it('accepts an empty stdin for VERSION only', () => {
    expect(readCniRequest(input({ env: { CNI_COMMAND: 'VERSION' }, stdin: '' })).cniVersion).toBe('1.1.0');
  });

  it('rejects JSON that is not a netconf object with code 7', () => {
    expect(errorOf(() => readCniRequest(input({ stdin: '[1]' }))).code).toBe(7);
    expect(errorOf(() => readCniRequest(input({ stdin: '{"cniVersion": 1}' }))).code).toBe(7);
    expect(errorOf(() => readCniRequest(input({ stdin: '{"ipam": {"ipam_unix_socket_path": 5}}' }))).code).toBe(7);
  });

  describe('socket path precedence', () => {
    const both = JSON.stringify({ ipam_unix_socket_path: '/top.sock', ipam: { type: 'spiderpool', ipam_unix_socket_path: '/ipam.sock' } });

    it('defaults to the agent socket', () => {
      expect(readCniRequest(input()).socketPath).toBe(DEFAULT_SOCKET_PATH);
      expect(DEFAULT_SOCKET_PATH).toBe('/var/run/spidernet/spiderpool.sock');
    });

    it('prefers ipam.ipam_unix_socket_path over the top-level field', () => {
      expect(readCniRequest(input({ stdin: both })).socketPath).toBe('/ipam.sock');
      expect(readCniRequest(input({ stdin: JSON.stringify({ ipam_unix_socket_path: '/top.sock', ipam: {} }) })).socketPath).toBe('/top.sock');
    });

    it('lets SPIDERPOOL_CNI_SOCKET override the netconf', () => {
      expect(readCniRequest(input({ stdin: both, env: { CNI_COMMAND: 'ADD', SPIDERPOOL_CNI_SOCKET: '/env.sock' } })).socketPath).toBe('/env.sock');
    });
  });

  describe('timeout', () => {
    it('defaults to 100 s', () => {
      expect(readCniRequest(input()).timeoutMs).toBe(DEFAULT_TIMEOUT_MS);
      expect(DEFAULT_TIMEOUT_MS).toBe(100_000);
    });

    it('reads SPIDERPOOL_CNI_TIMEOUT_MS', () => {
      expect(readCniRequest(input({ env: { CNI_COMMAND: 'ADD', SPIDERPOOL_CNI_TIMEOUT_MS: '200' } })).timeoutMs).toBe(200);
    });

    it.each([['0'], ['-5'], ['1.5'], ['abc']])('rejects SPIDERPOOL_CNI_TIMEOUT_MS=%p with code 4', (value) => {
      const error = errorOf(() => readCniRequest(input({ env: { CNI_COMMAND: 'ADD', SPIDERPOOL_CNI_TIMEOUT_MS: value } })));
      expect(error.code).toBe(4);
      expect(error.msg).toContain('SPIDERPOOL_CNI_TIMEOUT_MS');
    });
  });
});
