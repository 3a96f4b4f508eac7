// SPDX-License-Identifier: Apache-2.0
// The kustomize deployment tree (deploy/kustomize) against the real kube-apiserver: every overlay
// renders, passes a server-side dry run as it is, and is then applied for real (as an isolated
// copy, see isolated-copy.ts) so that SubjectAccessReviews can prove, per service account, that
// everything the services' code does is allowed and a list of things they must not do is denied.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { KubeClient, type KubeObject, type ResourceRef } from '@spiderpool/k8s';
import { REPO_ROOT, adminKubeConfig, ensureNamespace, testbed, uniqueName } from '../testbed/index.ts';
import { INSTALL_NAMESPACE, isolatedCopy, type KubeDoc } from './isolated-copy.ts';
import { DENIED, DENIED_WITHOUT_AUTO_TLS, NEEDS, type Access, type Need, type Service } from './service-permissions.ts';

const KUSTOMIZE = join(REPO_ROOT, 'deploy', 'kustomize');
const STUB_CRDS = join(REPO_ROOT, 'deploy', 'test-crds', 'third-party-stubs');
const SERVICES: readonly Service[] = ['ipam-service', 'webhook-service', 'gc-service', 'node-agent'];
const CRDS: ResourceRef = { base: '/apis/apiextensions.k8s.io/v1', plural: 'customresourcedefinitions', namespaced: false };

interface Overlay {
  name: string;
  /** cert-manager component: webhook-service in provided TLS mode. */
  certManager: boolean;
  replicas: Record<string, number>;
}

const OVERLAYS: readonly Overlay[] = [
  { name: 'default', certManager: false, replicas: { 'ipam-service': 1, 'webhook-service': 1, 'gc-service': 1 } },
  { name: 'dual-stack', certManager: false, replicas: { 'ipam-service': 1, 'webhook-service': 1, 'gc-service': 1 } },
  { name: 'ha', certManager: true, replicas: { 'ipam-service': 3, 'webhook-service': 3, 'gc-service': 2 } },
];

/** kubectl with a bound run time; a failure carries kubectl's stderr. */
function kubectl(args: readonly string[], timeoutMs = 120_000): string {
  try {
    return execFileSync(testbed().kubectl, ['--kubeconfig', testbed().kubeconfig, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs, maxBuffer: 1 << 26 });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`kubectl ${args.join(' ')}: ${e.stderr || e.message}`);
  }
}

function render(overlay: string): KubeDoc[] {
  const text = kubectl(['kustomize', join(KUSTOMIZE, 'overlays', overlay)]);
  return parseAllDocuments(text).map((d) => d.toJSON() as KubeDoc).filter((d) => d !== null);
}

const find = (docs: readonly KubeDoc[], kind: string, name: string): KubeDoc | undefined =>
  docs.find((d) => d.kind === kind && d.metadata.name === name);

interface Container { name: string; image: string; env?: Array<{ name: string; value?: string }>; livenessProbe?: { httpGet?: { path: string } }; readinessProbe?: { httpGet?: { path: string } } }
const containersOf = (d: KubeDoc): Container[] =>
  ((d.spec as { template: { spec: { containers: Container[] } } }).template.spec.containers);
const envOf = (d: KubeDoc, name: string): string | undefined =>
  containersOf(d)[0]?.env?.find((e) => e.name === name)?.value;

let kube: KubeClient;

beforeAll(async () => {
  kube = await KubeClient.create(adminKubeConfig());
  // The dry run of the overlays as they are needs their namespace; other suites share it and
  // create it the same way, and nobody deletes it.
  await ensureNamespace(kube, INSTALL_NAMESPACE);
  await installStubCrds();
});

/**
 * cert-manager and Prometheus Operator kinds, created only when absent: another suite may have
 * installed a fuller definition, and CRDs are shared, so they are never deleted either.
 */
async function installStubCrds(): Promise<void> {
  const names: string[] = [];
  for (const file of readdirSync(STUB_CRDS).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')) {
    const crd = parseAllDocuments(readFileSync(join(STUB_CRDS, file), 'utf8'))[0]?.toJSON() as KubeObject;
    const name = crd.metadata?.name ?? '';
    names.push(name);
    if (await kube.find(CRDS, name)) continue;
    await kube.create(CRDS, crd).catch(async (err: unknown) => {
      if (!(await kube.find(CRDS, name))) throw err;
    });
  }
  kubectl(['wait', '--for=condition=Established', '--timeout=60s', ...names.map((n) => `crd/${n}`)], 90_000);
}

describe('the services’ API needs are still in their code', () => {
  const all = SERVICES.flatMap((s) => NEEDS[s].map((n) => ({ service: s, need: n })));
  it.each(all.map(({ service, need }) => [service, `${need.verbs.join(',')} ${need.resource}${need.subresource ? `/${need.subresource}` : ''}`, need] as const))(
    '%s: %s',
    (_service, _what, need) => {
      expect(readFileSync(join(REPO_ROOT, need.source), 'utf8')).toContain(need.evidence);
    },
  );
});

describe.each(OVERLAYS)('overlay $name', (overlay) => {
  let docs: KubeDoc[] = [];

  it('renders with kubectl kustomize', () => {
    docs = render(overlay.name);
    // The generated CRDs, all of them (deploy/base/crds/<group>_<plural>.yaml).
    const crds = docs.filter((d) => d.kind === 'CustomResourceDefinition').map((d) => d.metadata.name).sort();
    const generated = readdirSync(join(REPO_ROOT, 'deploy', 'base', 'crds')).filter((f) => f.startsWith('spiderpool.spidernet.io_'));
    expect(crds).toEqual(generated.map((f) => `${f.slice(f.indexOf('_') + 1, -'.yaml'.length)}.spiderpool.spidernet.io`).sort());
    // Namespaced objects live in the install namespace, except the status controller's sources.
    const elsewhere = docs.filter((d) => d.metadata.namespace && d.metadata.namespace !== INSTALL_NAMESPACE);
    expect(elsewhere.map((d) => `${d.kind}/${d.metadata.namespace}/${d.metadata.name}`)).toEqual([
      `Role/kube-system/spiderpool-webhook-service-network-sources`,
      `RoleBinding/kube-system/spiderpool-webhook-service-network-sources`,
    ]);
    for (const app of SERVICES) {
      const workload = find(docs, app === 'node-agent' ? 'DaemonSet' : 'Deployment', `spiderpool-${app}`);
      expect(workload).toBeDefined();
      const [container] = containersOf(workload as KubeDoc);
      expect(container?.image).toBe(`ghcr.io/spiderpool-ts/${app}:0.1.0`);
      expect(container?.livenessProbe?.httpGet?.path).toBe('/healthz');
      expect(container?.readinessProbe?.httpGet?.path).toBe('/readyz');
    }
    for (const service of docs.filter((d) => d.kind === 'Service' && d.metadata.name !== 'spiderpool-redis')) {
      expect((service.spec as { ports: Array<{ name: string }> }).ports.map((p) => p.name)).toContain('metrics');
    }
  });

  it('has the overlay’s settings', () => {
    for (const [app, count] of Object.entries(overlay.replicas)) {
      expect((find(docs, 'Deployment', `spiderpool-${app}`)?.spec as { replicas: number }).replicas).toBe(count);
    }
    const config = find(docs, 'ConfigMap', 'spiderpool-config')?.data as Record<string, string>;
    expect(config.SPIDERPOOL_ENABLE_IPV4).toBe('true');
    expect(config.SPIDERPOOL_ENABLE_IPV6).toBe(overlay.name === 'dual-stack' ? 'true' : 'false');
    const webhook = find(docs, 'Deployment', 'spiderpool-webhook-service') as KubeDoc;
    expect(envOf(webhook, 'SPIDERPOOL_TLS_MODE')).toBe(overlay.certManager ? 'provided' : 'auto');
    expect(find(docs, 'Role', 'spiderpool-webhook-service-tls') !== undefined).toBe(!overlay.certManager);
    if (overlay.certManager) {
      expect(envOf(webhook, 'SPIDERPOOL_TLS_CERT_FILE')).toBe('/etc/spiderpool/tls/tls.crt');
      for (const kind of ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']) {
        expect(find(docs, kind, 'spiderpool-webhook')?.metadata.annotations?.['cert-manager.io/inject-ca-from']).toBe('spiderpool/spiderpool-webhook-cert');
      }
      const budgets = docs.filter((d) => d.kind === 'PodDisruptionBudget').map((d) => [d.metadata.name, (d.spec as { minAvailable?: number }).minAvailable]);
      expect(Object.fromEntries(budgets)).toEqual({ 'spiderpool-ipam-service': 2, 'spiderpool-webhook-service': 2, 'spiderpool-gc-service': 1 });
    }
  });

  it('passes a server-side dry run as it is', () => {
    const out = kubectl(['apply', '-k', join(KUSTOMIZE, 'overlays', overlay.name), '--server-side', '--dry-run=server']);
    expect(out.trim().split('\n')).toHaveLength(docs.length);
  });

  it('applied for real, grants each service account what its code does and nothing on the denied list', async () => {
    const suffix = uniqueName('kz');
    const namespace = suffix;
    const dir = mkdtempSync(join(tmpdir(), 'spiderpool-kustomize-'));
    const copy = isolatedCopy(docs, { namespace, suffix });
    writeFileSync(join(dir, 'rendered.yaml'), copy.map((d) => stringify(d)).join('---\n'));
    writeFileSync(join(dir, 'kustomization.yaml'), 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - rendered.yaml\n');
    try {
      const out = kubectl(['apply', '-k', dir, '--server-side']);
      expect(out.trim().split('\n')).toHaveLength(copy.length);
      const failures: string[] = [];
      for (const service of SERVICES) {
        const needs = NEEDS[service].filter((n) => !(overlay.certManager && n.autoTlsOnly));
        const denied = [...DENIED[service], ...(overlay.certManager && service === 'webhook-service' ? DENIED_WITHOUT_AUTO_TLS : [])];
        failures.push(...(await check(service, namespace, needs, true)), ...(await check(service, namespace, denied, false)));
      }
      expect(failures).toEqual([]);
    } finally {
      kubectl(['delete', '-k', dir, '--ignore-not-found', '--wait=false'], 120_000);
      rmSync(dir, { recursive: true, force: true });
    }
    // Cluster-scoped objects go at once; the namespace follows through its controller.
    for (const d of copy.filter((c) => !c.metadata.namespace && c.kind !== 'Namespace')) {
      expect(kubectl(['get', d.kind.toLowerCase(), d.metadata.name, '--ignore-not-found', '-o', 'name']).trim()).toBe('');
    }
  }, 300_000);
});

/** One SubjectAccessReview per verb; returns the checks whose answer was not the expected one. */
async function check(service: Service, namespace: string, accesses: readonly (Access | Need)[], expected: boolean): Promise<string[]> {
  const failures: string[] = [];
  for (const access of accesses) {
    for (const verb of access.verbs) {
      const ns = access.scope === 'cluster' ? undefined : access.scope === 'own' ? namespace : access.scope;
      const review = await kube.request<{ status?: { allowed?: boolean; reason?: string } }>('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec: {
          user: `system:serviceaccount:${namespace}:spiderpool-${service}`,
          groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
          resourceAttributes: { verb, group: access.group, resource: access.resource, subresource: access.subresource, namespace: ns, name: access.name },
        },
      });
      if ((review.status?.allowed ?? false) !== expected) {
        const what = `${verb} ${access.group || 'core'}/${access.resource}${access.subresource ? `/${access.subresource}` : ''}${ns ? ` in ${ns}` : ''}${access.name ? ` name=${access.name}` : ''}`;
        failures.push(`${service}: ${what} should be ${expected ? 'allowed' : 'denied'}${'source' in access ? ` (${access.source})` : ''}`);
      }
    }
  }
  return failures;
}
