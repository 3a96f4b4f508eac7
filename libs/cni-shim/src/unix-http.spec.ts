// SPDX-License-Identifier: Apache-2.0
// The client against real sockets: a node:http server (what node-agent runs) and raw net servers
// that frame, split or cut the answer the ways node:http never would.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { makeSocketDir } from './testing/fake-agent.ts';
import { postOverUnixSocket, type UnixPost } from './unix-http.ts';

describe('postOverUnixSocket', () => {
  let sockets: ReturnType<typeof makeSocketDir>;
  let server: Server | undefined;

  beforeEach(() => {
    sockets = makeSocketDir();
    server = undefined;
  });
  afterEach(async () => {
    await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
    sockets.remove();
  });

  const post = (overrides: Partial<UnixPost> = {}): UnixPost => ({
    socketPath: sockets.socketPath(),
    path: '/v1/cni',
    body: Buffer.from('{"q":1}'),
    timeoutMs: 5_000,
    maxAnswerBytes: 1024,
    ...overrides,
  });

  function listen(s: Server): Promise<void> {
    server = s;
    return new Promise((resolve) => s.listen(sockets.socketPath(), () => resolve()));
  }

  /** A raw server that answers every connection with `reply` once the request has arrived. */
  function rawServer(reply: (socket: Socket) => void): Server {
    return createNetServer((socket) => {
      socket.once('data', () => reply(socket));
      socket.on('error', () => undefined);
    });
  }

  it('sends a well-formed POST to a node:http server and reads its chunked answer', async () => {
    let seen: { method?: string; url?: string; host?: string; type?: string; body?: string } = {};
    await listen(
      createHttpServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          seen = { method: req.method, url: req.url, host: req.headers.host, type: req.headers['content-type'], body: Buffer.concat(chunks).toString() };
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{"exitCode":0,"stdout":"ok"}');
        });
      }),
    );
    await expect(postOverUnixSocket(post())).resolves.toEqual({ status: 200, body: '{"exitCode":0,"stdout":"ok"}' });
    expect(seen).toEqual({ method: 'POST', url: '/v1/cni', host: 'localhost', type: 'application/json', body: '{"q":1}' });
  });

  it('reassembles an answer that arrives in small pieces', async () => {
    const wire = 'HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello world';
    await listen(
      rawServer((socket) => {
        // One byte per write, each on its own turn of the event loop.
        const send = (i: number): void => {
          if (i < wire.length) socket.write(wire[i] ?? '', () => setImmediate(() => send(i + 1)));
        };
        send(0);
      }),
    );
    await expect(postOverUnixSocket(post())).resolves.toEqual({ status: 200, body: 'hello world' });
  });

  it('settles as soon as the answer is complete, even if the server keeps the connection open', async () => {
    await listen(rawServer((socket) => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok')));
    await expect(postOverUnixSocket(post({ timeoutMs: 2_000 }))).resolves.toEqual({ status: 200, body: 'ok' });
  });

  it('rejects an answer cut short by the server', async () => {
    await listen(rawServer((socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\npartial')));
    await expect(postOverUnixSocket(post())).rejects.toThrow('connection closed before the answer was complete');
  });

  it('rejects an answer larger than maxAnswerBytes without buffering the rest', async () => {
    await listen(rawServer((socket) => socket.write(`HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n${'x'.repeat(5000)}`)));
    await expect(postOverUnixSocket(post({ maxAnswerBytes: 1024 }))).rejects.toThrow('answer larger than 1024 bytes');
  });

  it('rejects after timeoutMs when nothing comes back', async () => {
    await listen(rawServer(() => undefined));
    const started = performance.now();
    await expect(postOverUnixSocket(post({ timeoutMs: 150 }))).rejects.toThrow('no answer within 150 ms');
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('passes connection errors through with their code', async () => {
    await expect(postOverUnixSocket(post({ socketPath: sockets.socketPath('missing.sock') }))).rejects.toThrow(/ENOENT/);
  });
});
