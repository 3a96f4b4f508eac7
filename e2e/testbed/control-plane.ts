// SPDX-License-Identifier: Apache-2.0
import { request } from 'node:https';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import type { Binaries } from './binaries.ts';
import { freePort } from './free-port.ts';
import { ManagedProcess, sleep } from './managed-process.ts';
import { createPki, type Pki } from './pki.ts';

export interface ControlPlaneEndpoints {
  apiserverUrl: string;
  kubeconfig: string;
  caCert: string;
  etcdUrl: string;
}

/** Service and pod ranges the control plane uses; no traffic is ever sent to them. */
const SERVICE_CIDR = '10.96.0.0/16';
const CLUSTER_CIDR = '10.244.0.0/16';

/**
 * A real Kubernetes control plane on loopback: etcd, kube-apiserver (TLS, RBAC, Node
 * authorizer, default admission chain incl. webhooks), kube-controller-manager (namespaces,
 * garbage collector, service accounts, workloads) and kwok (fake kubelets for simulated
 * nodes). Start order etcd → apiserver → KCM → kwok; stop order reversed.
 */
export class ControlPlane {
  readonly #bins: Binaries;
  readonly #dir: string;
  readonly #processes: ManagedProcess[] = [];
  #endpoints: ControlPlaneEndpoints | undefined;
  #pki: Pki | undefined;

  constructor(bins: Binaries, stateDir: string) {
    this.#bins = bins;
    this.#dir = stateDir;
  }

  get endpoints(): ControlPlaneEndpoints {
    if (!this.#endpoints) throw new Error('control plane is not started');
    return this.#endpoints;
  }

  get pki(): Pki {
    if (!this.#pki) throw new Error('control plane is not started');
    return this.#pki;
  }

  get pids(): number[] {
    return this.#processes.flatMap((p) => (p.pid ? [p.pid] : []));
  }

  async start(): Promise<ControlPlaneEndpoints> {
    mkdirSync(join(this.#dir, 'logs'), { recursive: true });
    const pki = createPki(join(this.#dir, 'pki'));
    this.#pki = pki;
    try {
      const etcdUrl = await this.#startEtcd();
      const apiserverUrl = await this.#startApiserver(pki, etcdUrl);
      const kubeconfig = this.#writeKubeconfig(pki, apiserverUrl);
      this.#endpoints = { apiserverUrl, kubeconfig, caCert: pki.caCert, etcdUrl };
      await this.#waitForDefaultNamespace(kubeconfig);
      await this.#startControllerManager(pki, kubeconfig);
      this.#startKwok(kubeconfig);
      return this.#endpoints;
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  async stop(): Promise<void> {
    for (const proc of [...this.#processes].reverse()) await proc.stop();
    this.#processes.length = 0;
  }

  /** Fails when any component has died since start: a dead component must not go unnoticed. */
  assertRunning(): void {
    const dead = this.#processes.filter((p) => !p.running);
    if (dead.length > 0) {
      throw new Error(dead.map((p) => `${p.name} is not running\n${p.logTail(15)}`).join('\n'));
    }
  }

  #spawn(name: string, command: string, args: string[]): ManagedProcess {
    const proc = new ManagedProcess({ name, command, args, logFile: join(this.#dir, 'logs', `${name}.log`) });
    this.#processes.push(proc);
    return proc;
  }

  async #startEtcd(): Promise<string> {
    const [client, peer] = [await freePort(), await freePort()];
    const url = `http://127.0.0.1:${client}`;
    const peerUrl = `http://127.0.0.1:${peer}`;
    const etcd = this.#spawn('etcd', this.#bins.etcd, [
      '--name=testbed', `--data-dir=${join(this.#dir, 'etcd')}`,
      `--listen-client-urls=${url}`, `--advertise-client-urls=${url}`,
      `--listen-peer-urls=${peerUrl}`, `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=testbed=${peerUrl}`, '--unsafe-no-fsync', '--log-level=warn',
    ]);
    await etcd.waitReady(async () => (await fetch(`${url}/health`)).ok, 30_000);
    return url;
  }

  async #startApiserver(pki: Pki, etcdUrl: string): Promise<string> {
    const port = await freePort();
    const url = `https://127.0.0.1:${port}`;
    const apiserver = this.#spawn('kube-apiserver', this.#bins.kubeApiserver, [
      `--etcd-servers=${etcdUrl}`,
      '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1', `--secure-port=${port}`,
      `--tls-cert-file=${pki.apiserverCert}`, `--tls-private-key-file=${pki.apiserverKey}`,
      `--client-ca-file=${pki.caCert}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${pki.saPub}`, `--service-account-signing-key-file=${pki.saKey}`,
      `--service-cluster-ip-range=${SERVICE_CIDR}`,
      '--authorization-mode=Node,RBAC', '--allow-privileged=true',
      '--endpoint-reconciler-type=none', `--cert-dir=${join(this.#dir, 'apiserver-certs')}`,
      '--profiling=false', '--v=1',
    ]);
    const ca = readFileSync(pki.caCert);
    await apiserver.waitReady(() => httpsOk(`${url}/readyz`, ca), 120_000);
    return url;
  }

  #writeKubeconfig(pki: Pki, server: string): string {
    const file = join(this.#dir, 'admin.kubeconfig');
    const config = {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'testbed', cluster: { server, 'certificate-authority': pki.caCert } }],
      users: [{ name: 'admin', user: { 'client-certificate': pki.adminCert, 'client-key': pki.adminKey } }],
      contexts: [{ name: 'testbed', context: { cluster: 'testbed', user: 'admin' } }],
      'current-context': 'testbed',
    };
    writeFileSync(file, JSON.stringify(config, null, 2), { mode: 0o600 });
    return file;
  }

  async #waitForDefaultNamespace(kubeconfig: string): Promise<void> {
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfig);
    const core = kc.makeApiClient(CoreV1Api);
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        await core.readNamespace({ name: 'default' });
        return;
      } catch (err) {
        if (Date.now() > deadline) throw new Error(`namespace "default" never appeared: ${(err as Error).message}`);
        await sleep(200);
      }
    }
  }

  async #startControllerManager(pki: Pki, kubeconfig: string): Promise<void> {
    const port = await freePort();
    const kcm = this.#spawn('kube-controller-manager', this.#bins.kubeControllerManager, [
      `--kubeconfig=${kubeconfig}`, `--authentication-kubeconfig=${kubeconfig}`, `--authorization-kubeconfig=${kubeconfig}`,
      '--bind-address=127.0.0.1', `--secure-port=${port}`,
      '--authorization-always-allow-paths=/healthz,/readyz,/livez,/metrics',
      '--leader-elect=false', `--root-ca-file=${pki.caCert}`,
      `--service-account-private-key-file=${pki.saKey}`, '--use-service-account-credentials=false',
      `--service-cluster-ip-range=${SERVICE_CIDR}`, `--cluster-cidr=${CLUSTER_CIDR}`,
      '--allocate-node-cidrs=false', '--controllers=*,-nodeipam',
      // The default client limit (20 requests/s) would make every workload test wait on KCM.
      '--kube-api-qps=500', '--kube-api-burst=1000',
      // Simulated nodes: give them time before the node lifecycle controller evicts anything.
      '--node-monitor-grace-period=120s', '--v=1',
    ]);
    await kcm.waitReady(() => httpsOk(`https://127.0.0.1:${port}/healthz`, undefined), 60_000);
  }

  #startKwok(kubeconfig: string): void {
    this.#spawn('kwok', this.#bins.kwok, [
      `--kubeconfig=${kubeconfig}`, `--config=${this.#bins.kwokStages}`,
      '--manage-all-nodes=false',
      '--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake',
      '--node-ip=127.0.0.1', '--cidr=203.0.113.0/24', '--node-lease-duration-seconds=40',
    ]);
  }
}

/** GET over TLS; `ca` undefined means the server uses a self-signed cert (loopback only). */
function httpsOk(url: string, ca: Buffer | undefined): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', ca, rejectUnauthorized: ca !== undefined, timeout: 2_000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy(new Error('probe timed out')));
    req.on('error', reject);
    req.end();
  });
}
