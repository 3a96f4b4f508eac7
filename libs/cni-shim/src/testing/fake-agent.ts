// SPDX-License-Identifier: Apache-2.0
// Test-only fake of OUR OWN node-agent CNI endpoint: a node:http server on a unix socket that
// records what the shim sent and answers as told (or never answers).
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** How the fake answers one request: an HTTP status and body, or no answer at all. */
export type FakeAgentReply = { status: number; body: string } | 'hang';

export interface FakeAgent {
  socketPath: string;
  /** The parsed JSON bodies received, in order. */
  received: unknown[];
  close(): Promise<void>;
}

/** A fresh directory for sockets (unix socket paths must stay short, so under the OS temp dir). */
export function makeSocketDir(): { dir: string; socketPath: (name?: string) => string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'cni-shim-'));
  return {
    dir,
    socketPath: (name = 'agent.sock') => join(dir, name),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Starts the fake on `socketPath`; `reply` decides each answer from the parsed request body. */
export function startFakeAgent(socketPath: string, reply: (body: unknown) => FakeAgentReply): Promise<FakeAgent> {
  const received: unknown[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      received.push(body);
      const answer = reply(body);
      if (answer === 'hang') return;
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(answer.body);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () =>
      resolve({
        socketPath,
        received,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      }),
    );
  });
}

/** The usual answer: `{exitCode, stdout}` with HTTP 200. */
export function agentAnswer(exitCode: number, stdout: string): FakeAgentReply {
  return { status: 200, body: JSON.stringify({ exitCode, stdout }) };
}
