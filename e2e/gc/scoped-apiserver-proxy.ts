// SPDX-License-Identifier: Apache-2.0
// A scoping HTTPS proxy in front of the test bed's kube-apiserver, for gc-service processes.
//
// gc-service has no setting that limits it to some pools or namespaces: it lists every
// SpiderIPPool and watches every pod and SpiderEndpoint. Other test files share the apiserver,
// so a gc-service started here must never see (let alone release) their records. The proxy
// makes the cluster look as if it held only this file's objects:
//   - SpiderIPPools: only those whose name starts with the scope prefix (lists filtered, other
//     names answer 404, writes refused);
//   - namespaced kinds (pods, SpiderEndpoints, StatefulSets, VMs, Leases): only namespaces whose
//     name starts with the prefix (cluster-wide lists and watch streams filtered event by event,
//     other namespaces answer 404 / 403);
//   - nodes, health and discovery: read-only pass-through;
//   - anything else: 403, recorded in `denied` (the tests assert it stays empty).
// Everything that passes is forwarded unchanged with the admin identity: the gc-service process
// runs its production code path against the real apiserver.
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, request as httpsRequest, Agent, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { testbed } from '../testbed/index.ts';
import { issueLoopbackCert } from '../webhook/webhook-harness.ts';

interface KubeconfigFile {
  clusters: Array<{ name: string; cluster: { server: string; 'certificate-authority': string } }>;
  users: Array<{ name: string; user: { 'client-certificate': string; 'client-key': string } }>;
  [key: string]: unknown;
}

export interface ScopedProxy {
  /** A kubeconfig file that points at the proxy. */
  kubeconfig: string;
  /** Requests refused because they fell outside any rule (method + path). */
  denied: string[];
  /** Requests forwarded, by `METHOD resource` (e.g. `GET spiderippools`). */
  forwarded: Map<string, number>;
  close(): Promise<void>;
}

const PATH = /^\/(?:api|apis\/[^/]+)\/[^/]+(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?(?:\/([^/]+))?$/;
const NAMESPACED = new Set(['pods', 'spiderendpoints', 'statefulsets', 'virtualmachines', 'virtualmachineinstances', 'leases']);
const HEALTH = /^\/(readyz|livez|healthz|version|api|apis)(\/.*)?$/;

interface Meta {
  metadata?: { name?: string; namespace?: string };
}

export async function startScopedProxy(prefix: string, name: string): Promise<ScopedProxy> {
  const tb = testbed();
  const real = JSON.parse(readFileSync(tb.kubeconfig, 'utf8')) as KubeconfigFile;
  const cluster = real.clusters[0]?.cluster;
  const user = real.users[0]?.user;
  if (!cluster || !user) throw new Error(`unexpected test-bed kubeconfig ${tb.kubeconfig}`);
  const upstream = new URL(cluster.server);
  const agent = new Agent({
    keepAlive: true,
    ca: readFileSync(cluster['certificate-authority']),
    cert: readFileSync(user['client-certificate']),
    key: readFileSync(user['client-key']),
  });
  const serving = await issueLoopbackCert(`${name}-proxy`, join(tb.stateDir, 'gc-proxy', name));
  const denied: string[] = [];
  const forwarded = new Map<string, number>();
  const inScope = (value: string | undefined): boolean => value !== undefined && value.startsWith(prefix);
  const objectInScope = (resource: string, o: Meta | undefined): boolean =>
    resource === 'spiderippools' ? inScope(o?.metadata?.name) : NAMESPACED.has(resource) ? inScope(o?.metadata?.namespace) : true;

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'https://proxy');
    const method = req.method ?? 'GET';
    const m = PATH.exec(url.pathname);
    const refuse = (code: 403 | 404): void => {
      if (code === 403) denied.push(`${method} ${url.pathname}`);
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: code === 404 ? 'NotFound' : 'Forbidden', code, message: `outside the test scope ${prefix}` }));
    };
    if (!m) {
      if (method === 'GET' && HEALTH.test(url.pathname)) return forward(req, res, url, undefined);
      return refuse(403);
    }
    const [, namespace, resource = '', objectName] = m;
    if (resource === 'nodes') return method === 'GET' ? forward(req, res, url, undefined) : refuse(403);
    if (resource === 'spiderippools' && namespace === undefined) {
      if (method !== 'GET') return refuse(403);
      if (objectName !== undefined) return inScope(objectName) ? forward(req, res, url, undefined) : refuse(404);
      return forward(req, res, url, resource);
    }
    if (NAMESPACED.has(resource)) {
      if (namespace !== undefined) return inScope(namespace) ? forward(req, res, url, undefined) : refuse(method === 'GET' ? 404 : 403);
      if (method !== 'GET' || objectName !== undefined) return refuse(403);
      return forward(req, res, url, resource);
    }
    return refuse(403);
  };

  /** Forwards; with `filter`, the list or watch answer is cut down to the scope. */
  const forward = (req: IncomingMessage, res: ServerResponse, url: URL, filter: string | undefined): void => {
    const key = `${req.method ?? 'GET'} ${PATH.exec(url.pathname)?.[2] ?? url.pathname}`;
    forwarded.set(key, (forwarded.get(key) ?? 0) + 1);
    const headers = { ...req.headers, host: upstream.host };
    delete headers['accept-encoding'];
    const out = httpsRequest(new URL(url.pathname + url.search, upstream), { method: req.method, headers, agent }, (up) => {
      const status = up.statusCode ?? 502;
      const upHeaders = { ...up.headers };
      if (!filter || status !== 200) {
        res.writeHead(status, upHeaders);
        up.pipe(res);
        return;
      }
      delete upHeaders['content-length'];
      delete upHeaders['transfer-encoding'];
      const watching = url.searchParams.get('watch') === '1' || url.searchParams.get('watch') === 'true';
      if (watching) {
        res.writeHead(status, upHeaders);
        let buffer = '';
        up.setEncoding('utf8');
        up.on('data', (chunk: string) => {
          buffer += chunk;
          let nl: number;
          while ((nl = buffer.indexOf('\n')) >= 0) {
            const line = buffer.slice(0, nl);
            buffer = buffer.slice(nl + 1);
            if (!line.trim()) continue;
            const event = JSON.parse(line) as { type?: string; object?: Meta };
            if (event.type === 'BOOKMARK' || event.type === 'ERROR' || objectInScope(filter, event.object)) res.write(`${line}\n`);
          }
        });
        up.on('end', () => res.end());
        up.on('error', () => res.destroy());
        return;
      }
      const chunks: Buffer[] = [];
      up.on('data', (c: Buffer) => chunks.push(c));
      up.on('end', () => {
        const list = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { items?: Meta[] };
        list.items = (list.items ?? []).filter((o) => objectInScope(filter, o));
        const body = JSON.stringify(list);
        res.writeHead(status, { ...upHeaders, 'content-length': Buffer.byteLength(body) });
        res.end(body);
      });
      up.on('error', () => res.destroy());
    });
    out.on('error', () => res.destroy());
    res.on('close', () => out.destroy());
    req.pipe(out);
  };

  const server: Server = createServer({ cert: readFileSync(serving.cert), key: readFileSync(serving.key) }, handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const kubeconfig = join(tb.stateDir, 'gc-proxy', name, 'kubeconfig');
  writeFileSync(kubeconfig, JSON.stringify({ ...real, clusters: [{ name: real.clusters[0]?.name ?? 'testbed', cluster: { ...cluster, server: `https://127.0.0.1:${port}` } }] }), { mode: 0o600 });
  return {
    kubeconfig,
    denied,
    forwarded,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}
