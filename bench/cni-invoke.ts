// SPDX-License-Identifier: Apache-2.0
// The two ways the CNI benchmark reaches node-agent, each timed: executing the plugin the way a
// container runtime does (a fresh process per call, env + stdin in, stdout + exit code out), and
// posting the same request straight to node-agent's socket (the baseline without the executable).
import { spawnSync } from 'node:child_process';
import { request } from 'node:http';

export interface Timed {
  ok: boolean;
  ms: number;
  /** What to show when the call failed. */
  detail: string;
}

/** One execution with exactly `env` (nothing inherited: no NODE_OPTIONS leaking into the executable). */
export function execute(command: string, args: string[], env: Record<string, string>, stdin: string): Timed {
  const started = performance.now();
  const r = spawnSync(command, args, { env, input: stdin, encoding: 'utf8', timeout: 60_000 });
  const ms = performance.now() - started;
  return { ok: r.status === 0 && !r.error, ms, detail: `exit ${r.status}: ${r.error?.message ?? (r.stdout || r.stderr).slice(0, 300)}` };
}

/** `POST /v1/cni` with the body the executable would send, on a fresh connection like the executable's. */
export function postCni(socketPath: string, body: { plugin: string; command: string; env: Record<string, string>; stdin: string }): Promise<Timed> {
  const payload = Buffer.from(JSON.stringify(body));
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request(
      { socketPath, path: '/v1/cni', method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': payload.length, connection: 'close' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ ok: res.statusCode === 200 && exitCodeOf(text) === 0, ms: performance.now() - started, detail: `HTTP ${res.statusCode}: ${text.slice(0, 300)}` });
        });
      },
    );
    req.on('error', (err) => resolve({ ok: false, ms: performance.now() - started, detail: err.message }));
    req.end(payload);
  });
}

function exitCodeOf(text: string): number | undefined {
  try {
    return (JSON.parse(text) as { exitCode?: number }).exitCode;
  } catch {
    return undefined;
  }
}
