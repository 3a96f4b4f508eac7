// SPDX-License-Identifier: Apache-2.0
import { Agent as HttpsAgent, request as httpsRequest, type RequestOptions } from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { KubeConfig, V1ObjectMeta } from '@kubernetes/client-node';
import { SpiderpoolError } from '@spiderpool/errors';
import { fromApiError } from './api-errors.ts';

/** A resource collection: `/api/v1` + `pods`, or `/apis/<group>/<version>` + plural. */
export interface ResourceRef {
  /** `/api/v1` or `/apis/<group>/<version>`. */
  base: string;
  plural: string;
  namespaced: boolean;
}

/** Any Kubernetes object: only the envelope matters to the client. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: V1ObjectMeta;
}

export interface KubeList<T> {
  metadata: { resourceVersion?: string; continue?: string };
  items: T[];
}

/** Counts requests by verb and outcome, for metrics. */
export type RequestObserver = (event: { verb: string; resource: string; status: number; durationSeconds: number }) => void;

/**
 * A small JSON client for the Kubernetes REST API on one keep-alive connection pool. It sends
 * and receives wire JSON as is (no model re-serialisation), which keeps the allocation path
 * cheap: upstream's weak spot under load is per-request overhead, not the API server.
 */
export class KubeClient {
  readonly #server: URL;
  readonly #base: RequestOptions;
  readonly #observer: RequestObserver | undefined;

  private constructor(server: URL, base: RequestOptions, observer: RequestObserver | undefined) {
    this.#server = server;
    this.#base = base;
    this.#observer = observer;
  }

  static async create(kc: KubeConfig, options: { maxSockets?: number; observer?: RequestObserver } = {}): Promise<KubeClient> {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new SpiderpoolError('INVALID_INPUT', 'kubeconfig has no current cluster', { field: 'KUBECONFIG' });
    const base: RequestOptions = { headers: {} };
    await kc.applyToHTTPSOptions(base);
    base.agent = new HttpsAgent({
      keepAlive: true,
      maxSockets: options.maxSockets ?? 64,
      ca: base.ca,
      cert: base.cert,
      key: base.key,
      rejectUnauthorized: base.rejectUnauthorized,
    });
    return new KubeClient(new URL(cluster.server), base, options.observer);
  }

  path(ref: ResourceRef, namespace?: string, name?: string, sub?: string): string {
    const ns = ref.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
    const n = name ? `/${encodeURIComponent(name)}` : '';
    return `${ref.base}${ns}/${ref.plural}${n}${sub ? `/${sub}` : ''}`;
  }

  get<T extends KubeObject>(ref: ResourceRef, name: string, namespace?: string): Promise<T> {
    return this.request<T>('GET', this.path(ref, namespace, name));
  }

  /** GET that answers undefined instead of NOT_FOUND. */
  async find<T extends KubeObject>(ref: ResourceRef, name: string, namespace?: string): Promise<T | undefined> {
    try {
      return await this.get<T>(ref, name, namespace);
    } catch (err) {
      if (err instanceof SpiderpoolError && err.code === 'NOT_FOUND') return undefined;
      throw err;
    }
  }

  list<T extends KubeObject>(ref: ResourceRef, options: { namespace?: string; labelSelector?: string; fieldSelector?: string } = {}): Promise<KubeList<T>> {
    const q = new URLSearchParams();
    if (options.labelSelector) q.set('labelSelector', options.labelSelector);
    if (options.fieldSelector) q.set('fieldSelector', options.fieldSelector);
    const query = q.size ? `?${q}` : '';
    return this.request<KubeList<T>>('GET', `${this.path(ref, options.namespace)}${query}`);
  }

  create<T extends KubeObject>(ref: ResourceRef, body: T): Promise<T> {
    return this.request<T>('POST', this.path(ref, body.metadata?.namespace), body);
  }

  /** PUT with the body's resourceVersion: a compare-and-swap, CONFLICT when it lost. */
  update<T extends KubeObject>(ref: ResourceRef, body: T): Promise<T> {
    return this.request<T>('PUT', this.path(ref, body.metadata?.namespace, body.metadata?.name), body);
  }

  updateStatus<T extends KubeObject>(ref: ResourceRef, body: T): Promise<T> {
    return this.request<T>('PUT', this.path(ref, body.metadata?.namespace, body.metadata?.name, 'status'), body);
  }

  mergePatch<T extends KubeObject>(ref: ResourceRef, name: string, patch: unknown, namespace?: string): Promise<T> {
    return this.request<T>('PATCH', this.path(ref, namespace, name), patch, 'application/merge-patch+json');
  }

  /** RFC 6902 JSON patch; a failed `test` operation answers INVALID_INPUT (422). */
  jsonPatch<T extends KubeObject>(ref: ResourceRef, name: string, ops: unknown[], namespace?: string): Promise<T> {
    return this.request<T>('PATCH', this.path(ref, namespace, name), ops, 'application/json-patch+json');
  }

  async delete(ref: ResourceRef, name: string, namespace?: string, options: { uid?: string } = {}): Promise<void> {
    const body = options.uid ? { apiVersion: 'v1', kind: 'DeleteOptions', preconditions: { uid: options.uid } } : undefined;
    await this.request('DELETE', this.path(ref, namespace, name), body);
  }

  /** Opens a watch stream; the caller reads newline-delimited JSON events from the response. */
  watch(path: string, signal: AbortSignal): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const req = httpsRequest(new URL(path, this.#server), { ...this.#base, method: 'GET', signal }, (res) => {
        if (res.statusCode === 200) return resolve(res);
        readBody(res).then(
          (text) => reject(fromApiError({ code: res.statusCode, body: text }, `watch ${path}`)),
          reject,
        );
      });
      req.on('error', (err) => reject(fromApiError(err, `watch ${path}`)));
      req.end();
    });
  }

  async request<T>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
    const started = process.hrtime.bigint();
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string | number> = { ...(this.#base.headers as Record<string, string>), accept: 'application/json' };
    if (payload !== undefined) {
      headers['content-type'] = contentType;
      headers['content-length'] = Buffer.byteLength(payload);
    }
    let status = 0;
    try {
      const res = await send(new URL(path, this.#server), { ...this.#base, method, headers }, payload);
      status = res.status;
      if (status >= 200 && status < 300) return (res.text ? JSON.parse(res.text) : undefined) as T;
      throw fromApiError({ code: status, body: res.text }, `${method} ${path}`);
    } finally {
      this.#observer?.({ verb: method, resource: path, status, durationSeconds: Number(process.hrtime.bigint() - started) / 1e9 });
    }
  }
}

function send(url: URL, options: RequestOptions, payload: string | undefined): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, options, (res) => {
      readBody(res).then((text) => resolve({ status: res.statusCode ?? 0, text }), reject);
    });
    req.on('error', (err) => reject(fromApiError(err, `${options.method} ${url.pathname}`)));
    req.end(payload);
  });
}

function readBody(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
  });
}
