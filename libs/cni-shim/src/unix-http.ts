// SPDX-License-Identifier: Apache-2.0
// One HTTP/1.1 POST over a unix socket with node:net alone. The shim used node:http before; its
// client costs ~15 ms more per invocation (module loading and first-request set-up), which on
// every pod creation is worth a few lines of framing (see docs/node-agent.md, "Performance").
import { connect } from 'node:net';
import { parseHttpResponse, type HttpAnswer } from './http-response.ts';

export interface UnixPost {
  socketPath: string;
  path: string;
  /** JSON. */
  body: Buffer;
  /** A hard limit over the whole exchange: connect, the server's work, reading the answer. */
  timeoutMs: number;
  /** An answer larger than this is not what we asked for; stop reading instead of buffering it. */
  maxAnswerBytes: number;
}

/** Rejects on a transport failure, a timeout, or a malformed, oversized or cut-short answer. */
export function postOverUnixSocket(post: UnixPost): Promise<HttpAnswer> {
  return new Promise<HttpAnswer>((resolve, reject) => {
    const socket = connect(post.socketPath);
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (outcome: { error: Error } | { answer: HttpAnswer }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if ('error' in outcome) reject(outcome.error);
      else resolve(outcome.answer);
    };
    const settleIfComplete = (ended: boolean): void => {
      try {
        const answer = parseHttpResponse(Buffer.concat(chunks, size), ended);
        if (answer) finish({ answer });
      } catch (error) {
        finish({ error: error instanceof Error ? error : new Error(String(error)) });
      }
    };
    const timer = setTimeout(() => finish({ error: new Error(`no answer within ${post.timeoutMs} ms`) }), post.timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > post.maxAnswerBytes) return finish({ error: new Error(`answer larger than ${post.maxAnswerBytes} bytes`) });
      chunks.push(chunk);
      settleIfComplete(false);
    });
    socket.on('end', () => settleIfComplete(true));
    socket.on('error', (error) => finish({ error }));
    socket.on('close', () => finish({ error: new Error('connection closed before the answer was complete') }));
    // Written before the connection is up: net queues it until then.
    socket.write(Buffer.concat([Buffer.from(requestHead(post.path, post.body.length), 'latin1'), post.body]));
  });
}

function requestHead(path: string, contentLength: number): string {
  // Host is mandatory in HTTP/1.1 (node:http servers answer 400 without it).
  return `POST ${path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${contentLength}\r\nConnection: close\r\n\r\n`;
}
