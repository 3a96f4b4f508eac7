// SPDX-License-Identifier: Apache-2.0
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { request as httpRequest } from 'node:http';
import type { KubeConfig } from '@kubernetes/client-node';
import { SpiderpoolError } from '@spiderpool/errors';
import { fromApiError } from './api-errors.ts';

export interface RawRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** API path, e.g. `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/x?fieldManager=y`. */
  path: string;
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
}

/**
 * Sends plain wire JSON to the API server with the kubeconfig's credentials. The generated
 * client re-serialises bodies through its models, which drops keys it does not model under
 * their wire names (e.g. `x-kubernetes-preserve-unknown-fields`); this path sends them as is.
 */
export async function rawRequest<T = unknown>(kc: KubeConfig, req: RawRequest): Promise<T> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new SpiderpoolError('INVALID_INPUT', 'kubeconfig has no current cluster', { field: 'KUBECONFIG' });
  const url = new URL(req.path, cluster.server);
  const options: RequestOptions = { method: req.method, headers: { accept: 'application/json' } };
  await kc.applyToHTTPSOptions(options);
  const payload = req.body === undefined ? undefined : JSON.stringify(req.body);
  if (payload !== undefined) {
    options.headers = { ...options.headers, 'content-type': req.contentType ?? 'application/json', 'content-length': Buffer.byteLength(payload) };
  }
  const { status, text } = await send(url, options, payload, req.signal);
  if (status >= 200 && status < 300) return (text ? JSON.parse(text) : undefined) as T;
  throw fromApiError({ code: status, body: text }, `${req.method} ${url.pathname}`);
}

function send(url: URL, options: RequestOptions, payload: string | undefined, signal: AbortSignal | undefined): Promise<{ status: number; text: string }> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, { ...options, signal }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', (err) => reject(fromApiError(err, `${options.method} ${url.pathname}`)));
    req.end(payload);
  });
}
