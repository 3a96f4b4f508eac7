// SPDX-License-Identifier: Apache-2.0
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { runShim } from './run-shim.ts';
import { agentAnswer, makeSocketDir, startFakeAgent } from './testing/fake-agent.ts';
import { SUPPORTED_CNI_VERSIONS } from './version.ts';

describe('runShim', () => {
  let sockets: ReturnType<typeof makeSocketDir>;

  beforeEach(() => {
    sockets = makeSocketDir();
  });
  afterEach(() => sockets.remove());

  describe('VERSION (answered without any agent)', () => {
    const env = (): Record<string, string> => ({ CNI_COMMAND: 'VERSION', SPIDERPOOL_CNI_SOCKET: sockets.socketPath('missing.sock') });

    it('echoes the netconf cniVersion', async () => {
      const outcome = await runShim({ argv0: '/opt/cni/bin/coordinator', env: env(), stdinText: '{"cniVersion":"0.4.0"}' });
      expect(outcome.exitCode).toBe(0);
      expect(JSON.parse(outcome.stdout)).toEqual({ cniVersion: '0.4.0', supportedVersions: ['0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0'] });
    });

    it('defaults to 1.1.0 for an empty stdin', async () => {
      const outcome = await runShim({ argv0: 'spiderpool', env: env(), stdinText: '' });
      expect(JSON.parse(outcome.stdout)).toEqual({ cniVersion: '1.1.0', supportedVersions: [...SUPPORTED_CNI_VERSIONS] });
    });
  });

  it('prints request errors as CNI error documents with exit code 1', async () => {
    const outcome = await runShim({ argv0: 'spiderpool', env: { CNI_COMMAND: 'BOGUS' }, stdinText: '{}' });
    expect(outcome.exitCode).toBe(1);
    expect(JSON.parse(outcome.stdout)).toEqual({ cniVersion: '1.1.0', code: 4, msg: 'invalid environment variable CNI_COMMAND', details: expect.stringContaining('"BOGUS"') });
  });

  it('forwards the other commands to the agent', async () => {
    const agent = await startFakeAgent(sockets.socketPath(), () => agentAnswer(0, '{"cniVersion":"1.0.0"}'));
    try {
      const outcome = await runShim({
        argv0: '/opt/cni/bin/ifacer',
        env: { CNI_COMMAND: 'CHECK', CNI_CONTAINERID: 'c1', SPIDERPOOL_CNI_SOCKET: agent.socketPath, HOME: '/root' },
        stdinText: '{"cniVersion":"1.0.0"}',
      });
      expect(outcome).toEqual({ exitCode: 0, stdout: '{"cniVersion":"1.0.0"}' });
      expect(agent.received).toEqual([{ plugin: 'ifacer', command: 'CHECK', env: { CNI_COMMAND: 'CHECK', CNI_CONTAINERID: 'c1' }, stdin: '{"cniVersion":"1.0.0"}' }]);
    } finally {
      await agent.close();
    }
  });
});
