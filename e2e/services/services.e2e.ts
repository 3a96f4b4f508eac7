// SPDX-License-Identifier: Apache-2.0
// The four services as deployed: separate processes against the real test bed. Each becomes
// ready, exposes health and metrics, serves its main endpoint, and shuts down gracefully.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { request } from 'node:http';
import { existsSync, statSync } from 'node:fs';
import { IpamService } from '@spiderpool/proto';
import { createGrpcClient } from '@spiderpool/grpc-kit';
import { startServices, testbed, waitHealthy, type ServiceProcess, type StartedServices } from '../testbed/index.ts';

let stack: StartedServices;
const byName = (name: string): ServiceProcess => {
  const s = stack.services.find((x) => x.name === name);
  if (!s) throw new Error(`no service ${name}`);
  return s;
};

beforeAll(async () => {
  const tb = testbed();
  stack = await startServices({ sharedControlPlane: true, stateDir: tb.stateDir, kubeconfig: tb.kubeconfig, redisUrl: tb.redisUrl, node: 'svc-node-1' });
  await waitHealthy(stack.services, 60_000);
});

afterAll(async () => {
  await Promise.all(stack.services.map((s) => s.process.stop()));
});

function unixGet(socketPath: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe.each(['ipam-service', 'webhook-service', 'gc-service', 'node-agent'])('%s', (name) => {
  it('is live and ready, and names its readiness checks', async () => {
    const s = byName(name);
    expect((await fetch(`http://127.0.0.1:${s.opsPort}/healthz`)).status).toBe(200);
    const ready = await fetch(`http://127.0.0.1:${s.opsPort}/readyz`);
    expect(ready.status).toBe(200);
    const report = (await ready.json()) as { ready: boolean; checks: Record<string, { ok: boolean }> };
    expect(report.ready).toBe(true);
    expect(Object.values(report.checks).every((c) => c.ok)).toBe(true);
  });

  it('exports Prometheus metrics with its build info', async () => {
    const res = await fetch(`http://127.0.0.1:${byName(name).opsPort}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toMatch(new RegExp(`spiderpool_build_info\\{service="${name}",version="[^"]+",node_version="v24\\.`));
    expect(text).toContain('process_cpu_user_seconds_total');
  });
});

describe('main endpoints', () => {
  it('ipam-service answers IpamService.Status over gRPC and rejects a malformed Allocate', async () => {
    const client = createGrpcClient(IpamService, stack.ipamAddress, { defaultDeadlineMs: 5_000 });
    try {
      const status = await client.status({});
      expect(status.ready).toBe(true);
      await expect(client.allocate({})).rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'pod.namespace' });
    } finally {
      client.close();
    }
  });

  it('node-agent serves the CNI API on a root-only unix socket', async () => {
    expect(statSync(stack.socketPath).mode & 0o777).toBe(0o600);
    const res = await unixGet(stack.socketPath, '/v1/ipam/healthy');
    expect(res.status).toBe(200);
    expect((await unixGet(stack.socketPath, '/v1/nothing')).status).toBe(404);
  });

  it('node-agent turns unready when ipam-service goes away, and ipam-service exits cleanly on SIGTERM', async () => {
    const ipam = byName('ipam-service');
    await ipam.process.stop(15_000);
    expect(ipam.process.exitCode).toBe(0);
    const agent = byName('node-agent');
    const ready = await fetch(`http://127.0.0.1:${agent.opsPort}/readyz`);
    expect(ready.status).toBe(503);
    expect(JSON.stringify(await ready.json())).toContain('ipam-service');
  });
});

describe('graceful shutdown', () => {
  it.each(['webhook-service', 'gc-service', 'node-agent'])('%s exits 0 on SIGTERM and cleans up', async (name) => {
    const s = byName(name);
    const started = Date.now();
    await s.process.stop(15_000);
    expect(s.process.exitCode).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    if (name === 'node-agent') expect(existsSync(stack.socketPath)).toBe(false);
  });
});
