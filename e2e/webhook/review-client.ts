// SPDX-License-Identifier: Apache-2.0
// Posts raw bodies to the admission endpoint over HTTPS, trusting only the test-bed CA, on a
// keep-alive connection pool (as the API server does): for tests and benchmarks that talk to
// the webhook directly instead of through the API server.
import { Agent, request } from 'node:https';

export interface ReviewAnswer {
  status: number;
  body: string;
}

export interface ReviewClient {
  post(path: string, body: string | Buffer, headers?: Record<string, string>): Promise<ReviewAnswer>;
  close(): void;
}

export function createReviewClient(baseUrl: string, caPem: string, options: { maxSockets?: number; timeoutMs?: number } = {}): ReviewClient {
  const agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 32, ca: caPem });
  const timeoutMs = options.timeoutMs ?? 30_000;
  return {
    post: (path, body, headers = { 'content-type': 'application/json' }) =>
      new Promise((resolve, reject) => {
        const req = request(new URL(path, baseUrl), { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) }, timeout: timeoutMs }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        });
        req.on('timeout', () => req.destroy(new Error(`no answer from ${path} within ${timeoutMs} ms`)));
        req.on('error', reject);
        req.end(body);
      }),
    close: () => agent.destroy(),
  };
}

/** Sum of `<name>{labels}` samples whose labels include every pair in `match`. */
export function sumSamples(metricsText: string, name: string, match: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of metricsText.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})?\s+(\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(match).every(([k, v]) => labels[k] === v)) sum += Number(m[3]);
  }
  return sum;
}
