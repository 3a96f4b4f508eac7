// SPDX-License-Identifier: Apache-2.0
// Reads the monitoring component (dashboards and the PrometheusRule) and takes PromQL apart far
// enough for the tests: the metric names an expression reads, the quantity an alert compares
// against its threshold, and Grafana's template variables replaced by concrete values.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { REPO_ROOT } from '../testbed/index.ts';

export const MONITORING_DIR = join(REPO_ROOT, 'deploy', 'kustomize', 'components', 'monitoring');
export const RULES_FILE = join(MONITORING_DIR, 'prometheus-rules.yaml');
const DASHBOARDS_DIR = join(MONITORING_DIR, 'dashboards');

/** One PromQL expression of the component and where it comes from, for failure messages. */
export interface SourcedExpr {
  file: string;
  /** e.g. `panel "Pool usage" (A)`, `alert SpiderpoolGCFailures`, `record spiderpool:x`. */
  where: string;
  expr: string;
  /** Alerts are judged by the quantity before their comparison; see alertSubject. */
  kind: 'panel' | 'variable' | 'alert' | 'record';
}

export interface Rule {
  record?: string;
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface RuleGroup {
  name: string;
  interval?: string;
  rules: Rule[];
}

interface Target {
  refId?: string;
  expr?: string;
}

export interface Panel {
  type: string;
  title: string;
  targets?: Target[];
  panels?: Panel[];
}

export interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: Array<{ name: string; type: string; query?: unknown; definition?: string }> };
}

export function dashboardFiles(): string[] {
  return readdirSync(DASHBOARDS_DIR).filter((f) => f.endsWith('.json')).sort();
}

export function loadDashboard(file: string): Dashboard {
  return JSON.parse(readFileSync(join(DASHBOARDS_DIR, file), 'utf8')) as Dashboard;
}

/** Panels in layout order, the panels of collapsed rows included. */
export function allPanels(panels: Panel[]): Panel[] {
  return panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);
}

export function loadRuleGroups(): RuleGroup[] {
  const doc = parse(readFileSync(RULES_FILE, 'utf8')) as { kind: string; spec: { groups: RuleGroup[] } };
  if (doc.kind !== 'PrometheusRule') throw new Error(`${RULES_FILE} is a ${doc.kind}, not a PrometheusRule`);
  return doc.spec.groups;
}

/** The PrometheusRule's spec.groups as a plain Prometheus rules file (what the operator generates). */
export function plainRulesFile(): string {
  return stringify({ groups: loadRuleGroups() });
}

const VARIABLE_QUERY = /^label_values\(\s*(.+?)\s*,\s*\w+\s*\)$/;

/** Every expression of every dashboard (panel targets and query variables) and every rule. */
export function allExpressions(): SourcedExpr[] {
  const out: SourcedExpr[] = [];
  for (const file of dashboardFiles()) {
    const d = loadDashboard(file);
    const path = `dashboards/${file}`;
    for (const v of d.templating.list.filter((x) => x.type === 'query')) {
      const m = VARIABLE_QUERY.exec(v.definition ?? '');
      if (!m?.[1]) throw new Error(`${path}: variable $${v.name} is not label_values(<metric>, <label>): ${v.definition}`);
      out.push({ file: path, where: `variable $${v.name}`, expr: m[1], kind: 'variable' });
    }
    const targets = allPanels(d.panels).flatMap((p) => (p.targets ?? []).map((t) => ({ p, t })));
    for (const { p, t } of targets) {
      if (t.expr !== undefined) out.push({ file: path, where: `panel "${p.title}" (${t.refId ?? '?'})`, expr: t.expr, kind: 'panel' });
    }
  }
  for (const g of loadRuleGroups()) {
    for (const r of g.rules) {
      const kind = r.alert ? 'alert' : 'record';
      out.push({ file: 'prometheus-rules.yaml', where: `${kind} ${r.alert ?? r.record} (group ${g.name})`, expr: r.expr, kind });
    }
  }
  return out;
}

export function recordedNames(): Set<string> {
  return new Set(loadRuleGroups().flatMap((g) => g.rules.map((r) => r.record).filter((r): r is string => r !== undefined)));
}

/**
 * Grafana's variables, replaced as Grafana would with values that fit a Prometheus that has
 * scraped for a few seconds: a rate window covering several 1 s scrapes, every pool.
 */
export function withConcreteVariables(expr: string): string {
  return expr
    .replaceAll('$__rate_interval', '1m')
    .replaceAll('$__interval', '15s')
    .replaceAll('$__range', '5m')
    .replaceAll('${pool}', '.*')
    .replaceAll('$pool', '.*');
}

// Words of PromQL that look like metric names but are not: aggregation modifiers, set and
// comparison keywords, literals.
const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset', 'atan2', 'inf', 'nan']);

/**
 * The metric names an expression reads. String literals, label matchers, range and subquery
 * brackets and grouping label lists are cut first; what remains that is an identifier and not
 * a function call or a keyword is a metric (or recording-rule) name.
 */
export function metricNames(expr: string): string[] {
  const stripped = withConcreteVariables(expr)
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const m of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const word = m[0];
    const after = stripped.slice((m.index ?? 0) + word.length).trimStart();
    const isNumberPart = /[0-9.]$/.test(stripped.slice(0, m.index ?? 0)); // the `e` of 1e3
    if (after.startsWith('(') || KEYWORDS.has(word.toLowerCase()) || isNumberPart) continue;
    names.add(word);
  }
  return [...names];
}

const COMPARISON = /^(==|!=|>=|<=|>|<)(\s*bool\b)?/;

/**
 * The left-hand side of an alert's last top-level comparison: the quantity it judges. An alert
 * expression is empty whenever nothing crosses its threshold, which says nothing about whether
 * the expression can see its data; this part can be checked for series in any healthy cluster.
 * Undefined when the expression has no top-level comparison.
 */
export function alertSubject(expr: string): string | undefined {
  let depth = 0;
  let quote: string | undefined;
  let cut: number | undefined;
  for (let i = 0; i < expr.length; i++) {
    const c = expr.charAt(i);
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (depth === 0 && COMPARISON.test(expr.slice(i)) && !expr.slice(i).startsWith('=~')) {
      cut = i;
      i += (COMPARISON.exec(expr.slice(i))?.[0].length ?? 1) - 1;
    }
  }
  return cut === undefined ? undefined : expr.slice(0, cut).trim();
}

const SERIES_SUFFIXES: Record<string, string[]> = { histogram: ['_bucket', '_sum', '_count'], summary: ['_sum', '_count'] };

/** Metric names of a Prometheus text exposition: histograms and summaries with their series. */
export function exposedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\w+)/.exec(line);
    if (type?.[1]) {
      const [, name, kind = ''] = type;
      for (const suffix of ['', ...(SERIES_SUFFIXES[kind] ?? [])]) names.add(name + suffix);
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]/.exec(line);
    if (sample?.[1]) names.add(sample[1]);
  }
  return names;
}

/** Series Prometheus itself writes for every scrape target. */
export const PROMETHEUS_SERIES = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'scrape_samples_post_metric_relabeling', 'scrape_series_added']);
