// SPDX-License-Identifier: Apache-2.0
// Every metric the monitoring component's dashboards and rules read is one the four services
// export: their names are taken from the running services' /metrics, not from a list that could
// drift from the code. The dashboards are well-formed Grafana JSON.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { StartedServices } from '../testbed/index.ts';
import { PROMETHEUS_SERIES, MONITORING_DIR, allExpressions, allPanels, dashboardFiles, exposedNames, loadDashboard, loadRuleGroups, metricNames, recordedNames } from './monitoring-assets.ts';
import { ownStateDir, scrape, startStack, stopStack } from './observability-stack.ts';

let stack: StartedServices | undefined;
const exported = new Map<string, Set<string>>();

beforeAll(async () => {
  stack = await startStack(ownStateDir('obs-names'), 'obs-names-node');
  for (const s of stack.services) exported.set(s.name, exposedNames(await scrape(s.opsPort)));
}, 150_000);

afterAll(async () => {
  await stopStack(stack);
}, 60_000);

describe('metric names used by the monitoring component', () => {
  it('scrapes all four services, each exporting its own spiderpool_ metrics', () => {
    expect([...exported.keys()].sort()).toEqual(['gc-service', 'ipam-service', 'node-agent', 'webhook-service']);
    for (const [service, names] of exported) expect({ service, own: [...names].some((n) => n.startsWith('spiderpool_') && n !== 'spiderpool_build_info') }).toEqual({ service, own: true });
  });

  it('every dashboard and rule expression reads only exported, recorded or Prometheus-written series', () => {
    const known = new Set([...PROMETHEUS_SERIES, ...recordedNames(), ...[...exported.values()].flatMap((s) => [...s])]);
    const expressions = allExpressions();
    expect(expressions.length).toBeGreaterThan(50);
    const unknown = expressions.flatMap((e) => metricNames(e.expr).filter((n) => !known.has(n)).map((n) => `${n}: ${e.file} ${e.where}`));
    expect(unknown).toEqual([]);
    // The extraction itself must find names, or the check above would pass vacuously.
    expect(expressions.every((e) => metricNames(e.expr).length > 0 || /^vector\(/.test(e.expr))).toBe(true);
  });
});

describe('component manifests', () => {
  it('is a kustomize Component with the four ServiceMonitors, the rules and every dashboard in a labelled ConfigMap', () => {
    const k = parse(readFileSync(join(MONITORING_DIR, 'kustomization.yaml'), 'utf8')) as {
      apiVersion: string;
      kind: string;
      resources: string[];
      configMapGenerator: Array<{ files: string[]; options: { disableNameSuffixHash: boolean; labels: Record<string, string> } }>;
    };
    expect({ apiVersion: k.apiVersion, kind: k.kind }).toEqual({ apiVersion: 'kustomize.config.k8s.io/v1alpha1', kind: 'Component' });
    expect(k.resources).toEqual(expect.arrayContaining(['servicemonitors.yaml', 'prometheus-rules.yaml']));
    const generator = k.configMapGenerator[0];
    expect(generator?.options).toMatchObject({ disableNameSuffixHash: true, labels: { grafana_dashboard: '1' } });
    expect([...(generator?.files ?? [])].sort()).toEqual(dashboardFiles().map((f) => `dashboards/${f}`));

    const monitors = readFileSync(join(MONITORING_DIR, 'servicemonitors.yaml'), 'utf8').split(/^---$/m).map((d) => parse(d) as {
      kind: string;
      metadata: { namespace: string };
      spec: { namespaceSelector: { matchNames: string[] }; selector: { matchLabels: Record<string, string> }; endpoints: Array<{ port: string }> };
    });
    expect(monitors.map((m) => m.spec.selector.matchLabels['app.kubernetes.io/name']).sort()).toEqual(['gc-service', 'ipam-service', 'node-agent', 'webhook-service']);
    for (const m of monitors) {
      expect(m).toMatchObject({ kind: 'ServiceMonitor', metadata: { namespace: 'spiderpool' }, spec: { namespaceSelector: { matchNames: ['spiderpool'] }, endpoints: [{ port: 'metrics' }] } });
    }
  });

  it('has the required alerts, each with a severity and a summary', () => {
    const rules = loadRuleGroups().flatMap((g) => g.rules);
    const alerts = rules.filter((r) => r.alert);
    // Alerts read some quantities through recording rules: search both.
    const exprs = rules.map((a) => a.expr).join('\n');
    for (const metric of ['spiderpool_ipam_allocation_failure_counts_total', 'spiderpool_ippool:available:ratio', 'predict_linear', 'spiderpool_gc_failures_total', 'spiderpool_ipam_lock_degraded', 'spiderpool_webhook_admission_errors_total', 'spiderpool_webhook_admission_denials_total', 'spiderpool_subnet_controller_failures_total']) {
      expect({ metric, used: exprs.includes(metric) }).toEqual({ metric, used: true });
    }
    for (const a of alerts) expect({ alert: a.alert, severity: a.labels?.severity, summary: typeof a.annotations?.summary }).toEqual({ alert: a.alert, severity: expect.stringMatching(/^(critical|warning|info)$/), summary: 'string' });
  });

  it.each(dashboardFiles())('%s is a Grafana dashboard with a prometheus datasource variable and queried panels', (file) => {
    const d = loadDashboard(file);
    expect(d.uid).toMatch(/^spiderpool-[a-z-]+$/);
    expect(d.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(d.templating.list).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' })]));
    const panels = allPanels(d.panels).filter((p) => p.type !== 'row');
    expect(panels.length).toBeGreaterThan(3);
    for (const p of panels) expect({ title: p.title, exprs: (p.targets ?? []).filter((t) => typeof t.expr === 'string' && t.expr.length > 0).length > 0 }).toEqual({ title: p.title, exprs: true });
    const ids = allPanels(d.panels).map((p) => (p as unknown as { id: number }).id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
