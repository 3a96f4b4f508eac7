// SPDX-License-Identifier: Apache-2.0
import { chmodSync, existsSync, lstatSync, mkdirSync, unlinkSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { dirname } from 'node:path';

export type RouteHandler = (req: IncomingMessage, body: string) => Promise<{ status: number; body: unknown }>;

/**
 * The local HTTP/JSON API the CNI plugin executable calls. It listens on a unix socket that
 * only root may open (0600): anyone who can write to it could allocate or release addresses.
 */
export class UnixSocketServer {
  readonly #path: string;
  readonly #routes: Map<string, RouteHandler>;
  #server: Server | undefined;

  constructor(path: string, routes: Record<string, RouteHandler>) {
    this.#path = path;
    this.#routes = new Map(Object.entries(routes));
  }

  async start(): Promise<void> {
    mkdirSync(dirname(this.#path), { recursive: true, mode: 0o700 });
    removeStaleSocket(this.#path);
    const server = createServer((req, res) => void this.#handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#path, () => resolve());
    });
    chmodSync(this.#path, 0o600);
    this.#server = server;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    removeStaleSocket(this.#path);
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const key = `${req.method} ${(req.url ?? '/').split('?')[0]}`;
    const handler = this.#routes.get(key);
    let status = 404;
    let payload: unknown = { error: `no route ${key}` };
    if (handler) {
      try {
        ({ status, body: payload } = await handler(req, await readBody(req)));
      } catch (err) {
        status = 500;
        payload = { error: err instanceof Error ? err.message : String(err) };
      }
    }
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(payload));
  }
}

function removeStaleSocket(path: string): void {
  if (!existsSync(path)) return;
  if (!lstatSync(path).isSocket()) throw new Error(`${path} exists and is not a socket; refusing to remove it`);
  unlinkSync(path);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
