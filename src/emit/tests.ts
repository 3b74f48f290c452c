/**
 * Generated promtool unit tests: one file per rule group, loading only the rule files its
 * rules read (promtool evaluates every loaded rule at every step, so a shared file of all
 * rules makes tests orders of magnitude slower). Expected annotations are rendered here
 * exactly as Prometheus renders them.
 */
import type { AlertRule, RuleGroup } from '../core/model.ts';
import { metricNames } from '../core/promql.ts';
import { renderTemplate } from '../core/template.ts';
import { ruleFileName } from './prometheus.ts';
import { GENERATED, toYaml } from './yaml.ts';

export const TESTS_DIR = 'prometheus/tests';

/** Groups whose recording rules the group's expressions read, transitively, the group itself first. */
export function groupDependencies(group: RuleGroup, all: RuleGroup[]): RuleGroup[] {
  const producer = new Map<string, RuleGroup>();
  for (const g of all) for (const r of g.rules) if (r.kind === 'record' && !producer.has(r.name)) producer.set(r.name, g);
  const out: RuleGroup[] = [];
  const seen = new Set<string>();
  const visit = (g: RuleGroup) => {
    if (seen.has(g.name)) return;
    seen.add(g.name);
    out.push(g);
    for (const r of g.rules) {
      for (const m of metricNames(r.expr)) {
        const dep = producer.get(m);
        if (dep) visit(dep);
      }
    }
  };
  visit(group);
  return out;
}

function expectedAlerts(rule: AlertRule, firing: { labels: Record<string, string>; value: number }[]) {
  return firing.map((f) => {
    const data = { labels: f.labels, value: f.value };
    const labels: Record<string, string> = {};
    for (const [k, v] of Object.entries(f.labels)) if (k !== '__name__') labels[k] = v;
    for (const [k, v] of Object.entries(rule.labels)) labels[k] = renderTemplate(v, data);
    const annotations: Record<string, string> = {};
    for (const [k, v] of Object.entries(rule.annotations)) annotations[k] = renderTemplate(v, data);
    return {
      exp_labels: Object.fromEntries(Object.keys(labels).sort().map((k) => [k, labels[k]!])),
      exp_annotations: Object.fromEntries(Object.keys(annotations).sort().map((k) => [k, annotations[k]!])),
    };
  });
}

export interface TestFile {
  path: string;
  content: string;
  cases: number;
}

export function testFile(group: RuleGroup, all: RuleGroup[], evaluationInterval: string): TestFile | undefined {
  const tests: Record<string, unknown>[] = [];
  for (const rule of group.rules) {
    if (rule.kind === 'alert') {
      for (const scenario of rule.tests) {
        tests.push({
          name: `${rule.name}: ${scenario.name}`,
          interval: scenario.interval ?? '1m',
          input_series: scenario.series.map((s) => ({ series: s.series, values: s.values })),
          alert_rule_test: scenario.checks.map((c) => ({
            eval_time: c.at,
            alertname: rule.name,
            exp_alerts: expectedAlerts(rule, c.firing),
          })),
        });
      }
    } else {
      for (const scenario of rule.tests ?? []) {
        tests.push({
          name: `${rule.name}: ${scenario.name}`,
          interval: scenario.interval ?? '1m',
          input_series: scenario.series.map((s) => ({ series: s.series, values: s.values })),
          promql_expr_test: scenario.checks.map((c) => ({
            expr: c.expr,
            eval_time: c.at,
            exp_samples: c.samples.map((s) => ({ labels: s.labels, value: s.value })),
          })),
        });
      }
    }
  }
  if (tests.length === 0) return undefined;
  const ruleFiles = groupDependencies(group, all).map((g) => `../rules/${ruleFileName(g)}`);
  return {
    path: `${TESTS_DIR}/${group.name}.test.yml`,
    content: toYaml({ rule_files: ruleFiles, evaluation_interval: evaluationInterval, tests }, GENERATED),
    cases: tests.length,
  };
}
