// SPDX-License-Identifier: Apache-2.0
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { HealthRegistry } from './health.ts';

export interface OpsServerOptions {
  health: HealthRegistry;
  metrics: Registry;
  host: string;
  port: number;
}

/**
 * The operations endpoint every service exposes: `/healthz` (liveness), `/readyz` (readiness
 * with the failing checks named), `/metrics` (Prometheus text format).
 */
export class OpsServer {
  readonly #options: OpsServerOptions;
  #server: Server | undefined;

  constructor(options: OpsServerOptions) {
    this.#options = options;
  }

  async start(): Promise<number> {
    const server = createServer((req, res) => void this.#handle(req, res));
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#options.port, this.#options.host, () => resolve());
    });
    this.#server = server;
    return (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    try {
      if (req.method !== 'GET') return reply(res, 405, 'text/plain', 'method not allowed\n');
      if (path === '/healthz' || path === '/livez') return reply(res, 200, 'text/plain', 'ok\n');
      if (path === '/readyz') {
        const report = await this.#options.health.readiness();
        return reply(res, report.ready ? 200 : 503, 'application/json', `${JSON.stringify(report)}\n`);
      }
      if (path === '/metrics') {
        const body = await this.#options.metrics.metrics();
        return reply(res, 200, this.#options.metrics.contentType, body);
      }
      return reply(res, 404, 'text/plain', 'not found\n');
    } catch (err) {
      return reply(res, 500, 'text/plain', `${err instanceof Error ? err.message : String(err)}\n`);
    }
  }
}

function reply(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
  res.end(body);
}
