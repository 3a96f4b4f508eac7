// SPDX-License-Identifier: Apache-2.0
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { forward } from './forward.ts';
import { agentAnswer, makeSocketDir, startFakeAgent, type FakeAgent } from './testing/fake-agent.ts';
import type { CniCommand, CniRequest } from './types.ts';

const STDIN = JSON.stringify({ cniVersion: '1.0.0', name: 'net1', type: 'macvlan', ipam: { type: 'spiderpool' } });

function cniRequest(socketPath: string, command: CniCommand, timeoutMs = 5_000): CniRequest {
  return {
    plugin: 'spiderpool',
    command,
    env: { CNI_COMMAND: command, CNI_CONTAINERID: 'c1', CNI_NETNS: '/var/run/netns/x', CNI_IFNAME: 'eth0' },
    stdin: STDIN,
    cniVersion: '1.0.0',
    socketPath,
    timeoutMs,
  };
}

describe('forward', () => {
  let sockets: ReturnType<typeof makeSocketDir>;
  let agent: FakeAgent | undefined;

  beforeEach(() => {
    sockets = makeSocketDir();
    agent = undefined;
  });
  afterEach(async () => {
    await agent?.close();
    sockets.remove();
  });

  it('sends exactly {plugin, command, env, stdin} and returns the agent answer', async () => {
    const result = JSON.stringify({ cniVersion: '1.0.0', ips: [{ address: '192.0.2.10/24' }] });
    agent = await startFakeAgent(sockets.socketPath(), () => agentAnswer(0, result));
    const request = cniRequest(agent.socketPath, 'ADD');

    await expect(forward(request)).resolves.toEqual({ exitCode: 0, stdout: result });
    expect(agent.received).toEqual([{ plugin: 'spiderpool', command: 'ADD', env: request.env, stdin: STDIN }]);
  });

  it('passes a non-zero agent exit code through', async () => {
    agent = await startFakeAgent(sockets.socketPath(), () => agentAnswer(1, '{"code":100}'));
    await expect(forward(cniRequest(agent.socketPath, 'ADD'))).resolves.toEqual({ exitCode: 1, stdout: '{"code":100}' });
  });

  describe('agent down (no socket)', () => {
    it.each<CniCommand>(['ADD', 'CHECK', 'GC'])('%s → code 11 naming the socket', async (command) => {
      const socketPath = sockets.socketPath('missing.sock');
      const outcome = await forward(cniRequest(socketPath, command));
      expect(outcome.exitCode).toBe(1);
      const error = JSON.parse(outcome.stdout) as { code: number; msg: string; cniVersion: string };
      expect(error).toMatchObject({ code: 11, cniVersion: '1.0.0' });
      expect(error.msg).toContain(`try again later: node-agent unreachable at ${socketPath}`);
      expect(error.msg).toContain('ENOENT');
    });

    it('DEL → exit 0 with empty stdout', async () => {
      await expect(forward(cniRequest(sockets.socketPath('missing.sock'), 'DEL'))).resolves.toEqual({ exitCode: 0, stdout: '' });
    });

    it('STATUS → code 50', async () => {
      const outcome = await forward(cniRequest(sockets.socketPath('missing.sock'), 'STATUS'));
      expect(outcome.exitCode).toBe(1);
      expect(JSON.parse(outcome.stdout)).toMatchObject({ code: 50, msg: expect.stringContaining('plugin not available: node-agent unreachable at') });
    });
  });

  it('an agent that never answers → code 11 within the timeout plus slack', async () => {
    agent = await startFakeAgent(sockets.socketPath(), () => 'hang');
    const started = performance.now();
    const outcome = await forward(cniRequest(agent.socketPath, 'ADD', 200));
    const elapsed = performance.now() - started;

    expect(JSON.parse(outcome.stdout)).toMatchObject({ code: 11, msg: expect.stringContaining('no answer within 200 ms') });
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(1_500);
  });

  it('an agent that never answers a DEL still lets the runtime go on', async () => {
    agent = await startFakeAgent(sockets.socketPath(), () => 'hang');
    await expect(forward(cniRequest(agent.socketPath, 'DEL', 200))).resolves.toEqual({ exitCode: 0, stdout: '' });
  });

  it('a non-200 answer → code 11', async () => {
    agent = await startFakeAgent(sockets.socketPath(), () => ({ status: 500, body: 'boom' }));
    const outcome = await forward(cniRequest(agent.socketPath, 'ADD'));
    expect(JSON.parse(outcome.stdout)).toMatchObject({ code: 11, msg: expect.stringContaining('HTTP 500') });
  });

  it.each([['not json'], ['{"exitCode": "0", "stdout": ""}'], ['{"exitCode": 0}']])('an unparsable answer %p → code 11', async (body) => {
    agent = await startFakeAgent(sockets.socketPath(), () => ({ status: 200, body }));
    const outcome = await forward(cniRequest(agent.socketPath, 'CHECK'));
    expect(JSON.parse(outcome.stdout)).toMatchObject({ code: 11, msg: expect.stringContaining('unparsable answer') });
  });

  it('a refused connection (socket file without listener) → code 11', async () => {
    const { writeFileSync } = await import('node:fs');
    const socketPath = sockets.socketPath('stale.sock');
    writeFileSync(socketPath, '');
    const outcome = await forward(cniRequest(socketPath, 'ADD'));
    expect(JSON.parse(outcome.stdout)).toMatchObject({ code: 11, msg: expect.stringContaining(socketPath) });
  });
});
