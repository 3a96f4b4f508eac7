// SPDX-License-Identifier: Apache-2.0
import type { Logger } from '@spiderpool/observability';
import { Counter, Histogram, type Registry } from '@spiderpool/observability';
import { CniCode, CniError, errorResponse, type ShimRequest, type ShimResponse } from './cni-types.ts';

/** One CNI plugin served by node-agent: what its executable would do, given its env and stdin. */
export type CniPlugin = (command: string, env: Record<string, string>, stdin: string) => Promise<ShimResponse>;

export interface CniEndpointDeps {
  /** By the name the executable was invoked as: `spiderpool`, `coordinator`, `ifacer`. */
  plugins: Readonly<Record<string, CniPlugin>>;
  logger: Logger;
  metrics: Registry;
}

/** `POST /v1/cni`: what the shim forwards, dispatched by plugin name, timed and counted. */
export function createCniEndpoint(deps: CniEndpointDeps): (body: string) => Promise<ShimResponse> {
  const duration = new Histogram({
    name: 'spiderpool_cni_request_duration_seconds',
    help: 'Duration of CNI requests handled by node-agent, by plugin and command.',
    labelNames: ['plugin', 'command'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [deps.metrics],
  });
  const errors = new Counter({
    name: 'spiderpool_cni_request_errors_total',
    help: 'CNI requests answered with an error, by plugin, command and CNI error code.',
    labelNames: ['plugin', 'command', 'code'],
    registers: [deps.metrics],
  });
  return async (body) => {
    const request = parseShimRequest(body);
    if ('error' in request) return request.error;
    const started = performance.now();
    const response = await route(deps, request);
    duration.observe({ plugin: request.plugin, command: request.command }, (performance.now() - started) / 1_000);
    if (response.exitCode !== 0) errors.inc({ plugin: request.plugin, command: request.command, code: codeOf(response) });
    return response;
  };
}

function route(deps: CniEndpointDeps, request: ShimRequest): Promise<ShimResponse> {
  const plugin = Object.hasOwn(deps.plugins, request.plugin) ? deps.plugins[request.plugin] : undefined;
  if (plugin) return plugin(request.command, request.env, request.stdin);
  return Promise.resolve(errorResponse('1.1.0', new CniError(CniCode.NOT_SUPPORTED, `plugin "${request.plugin}" is not served by this node-agent (served: ${Object.keys(deps.plugins).join(', ')})`)));
}

function parseShimRequest(body: string): ShimRequest | { error: ShimResponse } {
  try {
    const r = JSON.parse(body) as Partial<ShimRequest>;
    const valid = typeof r.plugin === 'string' && typeof r.command === 'string' && typeof r.stdin === 'string' && typeof r.env === 'object' && r.env !== null;
    if (valid) return r as ShimRequest;
  } catch {
    // fall through to the error below
  }
  return { error: errorResponse('1.1.0', new CniError(CniCode.DECODE_FAILURE, 'the shim request must be {plugin, command, env, stdin}')) };
}

function codeOf(response: ShimResponse): string {
  try {
    return String((JSON.parse(response.stdout) as { code?: number }).code ?? 'unknown');
  } catch {
    return 'unknown';
  }
}
