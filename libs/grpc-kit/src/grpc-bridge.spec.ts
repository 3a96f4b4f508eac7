// SPDX-License-Identifier: Apache-2.0
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create } from '@bufbuild/protobuf';
import { IpamService, IpVersion, StatusResponseSchema } from '@spiderpool/proto';
import { SpiderpoolError, invalidInput, type ErrorCode } from '@spiderpool/errors';
import { GrpcServer } from './grpc-server.ts';
import { createGrpcClient } from './grpc-client.ts';
import type { MethodsOf, ServiceHandlers } from './typed-service.ts';

type IpamHandlers = ServiceHandlers<MethodsOf<typeof IpamService>>;

// A small in-process implementation exercising every shape the bridge must carry:
// nested messages, repeated fields, enums, plain-object and real-message responses, errors.
const handlers: IpamHandlers = {
  async allocate(req) {
    if (!req.pod?.uid) throw invalidInput('pod.uid', req.pod?.uid ?? '', 'must not be empty');
    return {
      ips: [
        { version: IpVersion.V4, address: '192.0.2.10/24', pool: 'p4', gateway: '192.0.2.1', nic: req.attachment?.interface ?? '' },
        { version: IpVersion.V6, address: '2001:db8::a/64', pool: 'p6', nic: req.attachment?.interface ?? '' },
      ],
      routes: [{ nic: 'eth0', dst: '0.0.0.0/0', gw: '192.0.2.1' }],
      dns: { nameservers: ['192.0.2.53'] },
    };
  },
  async release(req) {
    if (req.pod?.name === 'boom') throw new TypeError('secret internal detail');
    return { released: req.expected, kept: false, keptReason: '' };
  },
  async check(_req, ctx) {
    await new Promise((resolve) => setTimeout(resolve, 2_000).unref());
    return { ips: [], routes: [], ...(ctx.signal.aborted ? {} : {}) };
  },
  async garbageCollect(req) {
    throw new SpiderpoolError('NO_AVAILABLE_POOL', `node ${req.node}`);
  },
  async status(req) {
    // A real message must pass through unchanged.
    return create(StatusResponseSchema, {
      ready: true,
      pools: req.pools.map((name) => ({ name, version: IpVersion.V4, total: 254, allocated: 1, available: 253 })),
    });
  },
};

const calls: Array<{ path: string; code: ErrorCode | undefined }> = [];

describe.each([
  ['TCP on loopback', (): string => '127.0.0.1:0'],
  ['a unix socket', (): string => `unix://${join(socketDir, 'ipam.sock')}`],
])('grpc-js bridge over %s', (_label, addressOf) => {
  let server: GrpcServer;
  let client: ReturnType<typeof createGrpcClient<MethodsOf<typeof IpamService>>>;

  beforeAll(async () => {
    server = new GrpcServer({ onCall: (e) => calls.push({ path: e.path, code: e.code }) });
    server.addService(IpamService, handlers);
    const address = addressOf();
    const port = await server.listen(address);
    const target = address.startsWith('unix://') ? address : `127.0.0.1:${port}`;
    client = createGrpcClient(IpamService, target, { defaultDeadlineMs: 5_000 });
  });

  afterAll(async () => {
    client.close();
    await server.stop(1_000);
  });

  it('round-trips nested, repeated and enum fields', async () => {
    const res = await client.allocate({
      pod: { namespace: 'default', name: 'web-0', uid: 'uid-1' },
      attachment: { containerId: 'c1', interface: 'eth0', netns: '/var/run/netns/x' },
      defaultIpv4Pools: ['p4'],
    });
    expect(res.ips.map((ip) => [ip.version, ip.address, ip.nic])).toEqual([
      [IpVersion.V4, '192.0.2.10/24', 'eth0'],
      [IpVersion.V6, '2001:db8::a/64', 'eth0'],
    ]);
    expect(res.routes[0]).toMatchObject({ nic: 'eth0', dst: '0.0.0.0/0', gw: '192.0.2.1' });
    expect(res.dns?.nameservers).toEqual(['192.0.2.53']);
  });

  it('passes real messages through and keeps repeated request fields', async () => {
    const res = await client.status({ pools: ['a', 'b'] });
    expect(res.ready).toBe(true);
    expect(res.pools.map((p) => [p.name, p.available])).toEqual([['a', 253], ['b', 253]]);
  });

  it('carries the error code, field and message of a SpiderpoolError', async () => {
    const err = await client.allocate({ pod: { namespace: 'default', name: 'x' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SpiderpoolError);
    expect(err).toMatchObject({ code: 'INVALID_INPUT', field: 'pod.uid', retryable: false });
    expect((err as Error).message).toBe('wrong input: pod.uid: value "" must not be empty');
    const gc = await client.garbageCollect({ node: 'n1' }).catch((e: unknown) => e);
    expect(gc).toMatchObject({ code: 'NO_AVAILABLE_POOL', message: 'no IPPool available: node n1' });
  });

  it('reports unexpected errors as INTERNAL without leaking their detail', async () => {
    const err = await client.release({ pod: { name: 'boom' } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'INTERNAL', message: 'internal error' });
    expect(calls.some((c) => c.path === '/spiderpool.ipam.v1.IpamService/Release' && c.code === 'INTERNAL')).toBe(true);
  });

  it('fails a call that outlives its deadline with DEADLINE_EXCEEDED', async () => {
    const err = await client.check({}, { deadlineMs: 100 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'DEADLINE_EXCEEDED', retryable: true });
  });

  it('cancels a call when the caller aborts', async () => {
    const abort = new AbortController();
    const pending = client.check({}, { signal: abort.signal }).catch((e: unknown) => e);
    setTimeout(() => abort.abort(), 50);
    expect(await pending).toBeInstanceOf(SpiderpoolError);
  });
});

let socketDir: string;
beforeAll(() => {
  socketDir = mkdtempSync(join(tmpdir(), 'grpc-kit-'));
});
afterAll(() => rmSync(socketDir, { recursive: true, force: true }));

describe('retries of UNAVAILABLE', () => {
  it('reaches a server that comes up after the first attempts, within one deadline', async () => {
    const probe = new GrpcServer();
    probe.addService(IpamService, handlers);
    const port = await probe.listen('127.0.0.1:0');
    await probe.stop(1_000);
    const client = createGrpcClient(IpamService, `127.0.0.1:${port}`, { defaultDeadlineMs: 5_000, retry: { maxAttempts: 20, initialBackoffMs: 50, maxBackoffMs: 200 } });
    const late = new GrpcServer();
    late.addService(IpamService, handlers);
    const started = new Promise<void>((resolve) => setTimeout(() => void late.listen(`127.0.0.1:${port}`).then(() => resolve()), 400));
    try {
      const res = await client.status({ pools: ['a'] });
      expect(res.ready).toBe(true);
    } finally {
      await started;
      client.close();
      await late.stop(1_000);
    }
  });

  it('gives up with UNAVAILABLE after the attempts, and never retries other errors', async () => {
    const probe = new GrpcServer();
    probe.addService(IpamService, handlers);
    const port = await probe.listen('127.0.0.1:0');
    await probe.stop(1_000);
    const client = createGrpcClient(IpamService, `127.0.0.1:${port}`, { defaultDeadlineMs: 5_000, retry: { maxAttempts: 3, initialBackoffMs: 10, maxBackoffMs: 20 } });
    try {
      await expect(client.status({})).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    } finally {
      client.close();
    }
    const server = new GrpcServer();
    const seen: string[] = [];
    server.addService(IpamService, { ...handlers, garbageCollect: async (req) => { seen.push(req.node); throw new SpiderpoolError('NO_AVAILABLE_POOL', 'x'); } });
    const live = await server.listen('127.0.0.1:0');
    const retrying = createGrpcClient(IpamService, `127.0.0.1:${live}`, { defaultDeadlineMs: 5_000, retry: { maxAttempts: 5, initialBackoffMs: 10, maxBackoffMs: 20 } });
    try {
      await expect(retrying.garbageCollect({ node: 'n' })).rejects.toMatchObject({ code: 'NO_AVAILABLE_POOL' });
      expect(seen).toEqual(['n']);
    } finally {
      retrying.close();
      await server.stop(1_000);
    }
  });
});
