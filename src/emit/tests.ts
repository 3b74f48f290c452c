/**
 * Generated promtool unit tests: one file per rule group, loading only the rule files its
 * rules read (promtool evaluates every loaded rule at every step, so a shared file of all
 * rules makes tests orders of magnitude slower). Expected annotations are rendered here
 * exactly as Prometheus renders them.
 */
import type { AlertRule, AlertScenario, ExpectedAlert, ExprScenario, Rule, RuleGroup } from '../core/model.ts';
import { parsePromQL, selectors } from '../core/promql.ts';
import { renderTemplate, sampleData } from '../core/template.ts';
import { groupFileStem, ruleFileName } from './prometheus.ts';
import { GENERATED, toYaml } from './yaml.ts';

export const TESTS_DIR = 'prometheus/tests';

/** Which groups record each recording rule name (per-job rules share a name across groups). */
export function recordProducers(all: RuleGroup[]): Map<string, RuleGroup[]> {
  const producer = new Map<string, RuleGroup[]>();
  for (const g of all) {
    for (const r of g.rules) {
      if (r.kind !== 'record') continue;
      const list = producer.get(r.name) ?? [];
      if (!list.includes(g)) list.push(g);
      producer.set(r.name, list);
    }
  }
  return producer;
}

/** Whether a group's rules named `name` can give series the `=` matchers select (their static labels agree). */
function mayProduce(group: RuleGroup, name: string, matchers: { name: string; op: string; value: string }[]): boolean {
  return group.rules.some(
    (r) => r.kind === 'record' && r.name === name && matchers.every((m) => m.op !== '=' || r.labels?.[m.name] === undefined || r.labels[m.name] === m.value),
  );
}

/** Groups whose recording rules the group's expressions read, transitively, the group itself first. */
export function groupDependencies(group: RuleGroup, producer: Map<string, RuleGroup[]>): RuleGroup[] {
  const out: RuleGroup[] = [];
  const seen = new Set<string>();
  const visit = (g: RuleGroup) => {
    if (seen.has(g.name)) return;
    seen.add(g.name);
    out.push(g);
    const own = new Set(g.rules.filter((r) => r.kind === 'record').map((r) => r.name));
    for (const r of g.rules) {
      // What the rule reads, what its expression tests query, and what its annotations query.
      const exprs =
        r.kind === 'record'
          ? [r.expr, ...(r.tests ?? []).flatMap((t) => t.checks.map((c) => c.expr))]
          : [r.expr, ...r.tests.flatMap((t) => t.checks.flatMap((c) => c.firing.flatMap((f) => [...Object.keys(f.queries ?? {}), ...Object.keys(f.queryLabels ?? {})])))];
      for (const s of exprs.flatMap((e) => selectors(parsePromQL(e)))) {
        const m = s.metric;
        // A group that records the name itself reads its own output.
        if (!m || own.has(m)) continue;
        for (const dep of producer.get(m) ?? []) {
          // A shared group (one copy of rules many components contributed, e.g. the SLO windows)
          // reads every contributor's series; a test of one contributor needs only its own.
          if (g.shared && !dep.shared && dep !== group) continue;
          if (mayProduce(dep, m, s.matchers)) visit(dep);
        }
      }
    }
  };
  visit(group);
  return out;
}

/**
 * The loaded groups in the order a step must evaluate them: every group after the groups whose
 * recorded series it reads (the SLO reads, then the windows, the levels, the budget, the alerts),
 * ties in load order. Without `group_eval_order` promtool runs the groups of a step in random
 * order, so a series two hops away from the raw data lags by zero to two steps at random and a
 * timing assertion must allow for the worst case. A cycle (a group reading its reader's output)
 * keeps the load order for the groups in it.
 */
export function evalOrder(loads: RuleGroup[]): RuleGroup[] {
  const recorders = new Map<string, Set<RuleGroup>>();
  for (const g of loads) for (const r of g.rules) if (r.kind === 'record') recorders.set(r.name, (recorders.get(r.name) ?? new Set()).add(g));
  const needs = new Map<RuleGroup, Set<RuleGroup>>();
  for (const g of loads) {
    const deps = new Set<RuleGroup>();
    for (const r of g.rules) {
      for (const s of selectors(parsePromQL(r.expr))) for (const dep of (s.metric && recorders.get(s.metric)) || []) if (dep !== g) deps.add(dep);
    }
    needs.set(g, deps);
  }
  const out: RuleGroup[] = [];
  const placed = new Set<RuleGroup>();
  while (out.length < loads.length) {
    const ready = loads.find((g) => !placed.has(g) && [...needs.get(g)!].every((d) => placed.has(d))) ?? loads.find((g) => !placed.has(g))!;
    out.push(ready);
    placed.add(ready);
  }
  return out;
}

function expectedAlerts(own: AlertRule, firing: ExpectedAlert[]) {
  return firing.map((f) => {
    const rule = f.rule ?? own;
    const data = sampleData(f);
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

/** An alert scenario that runs in another group's test file than the alert's own. */
export interface GuestScenario {
  group: RuleGroup;
  rule: AlertRule;
  scenario: AlertScenario;
}

/** Alert scenarios that run in another group's test file, by the name of that group. */
export function guestScenarios(all: RuleGroup[]): Map<string, GuestScenario[]> {
  const out = new Map<string, GuestScenario[]>();
  for (const group of all) {
    for (const rule of group.rules) {
      if (rule.kind !== 'alert') continue;
      for (const scenario of rule.tests) {
        if (scenario.home === undefined || scenario.home === group.name) continue;
        const list = out.get(scenario.home) ?? [];
        list.push({ group, rule, scenario });
        out.set(scenario.home, list);
      }
    }
  }
  return out;
}

/**
 * The test file of a group: its rules' scenarios, and the scenarios of other groups' (shared)
 * alerts that name it their home. Those load the alert's group and what it reads as well.
 */
export function testFile(group: RuleGroup, producers: Map<string, RuleGroup[]>, evaluationInterval: string, guests: GuestScenario[] = []): TestFile | undefined {
  const tests: Record<string, unknown>[] = [];
  // What every promtool test case starts with: name, step and input series.
  const head = (rule: Rule, scenario: AlertScenario | ExprScenario) => ({
    name: `${rule.name}: ${scenario.name}`,
    interval: scenario.interval ?? '1m',
    input_series: scenario.series.map((s) => ({ series: s.series, values: s.values })),
  });
  const alertTest = (rule: AlertRule, scenario: AlertScenario) =>
    tests.push({
      ...head(rule, scenario),
      alert_rule_test: scenario.checks.map((c) => ({
        eval_time: c.at,
        alertname: rule.name,
        exp_alerts: expectedAlerts(rule, c.firing),
      })),
    });
  for (const g of guests) alertTest(g.rule, g.scenario);
  for (const rule of group.rules) {
    if (rule.kind === 'alert') {
      for (const scenario of rule.tests) if (scenario.home === undefined || scenario.home === group.name) alertTest(rule, scenario);
    } else {
      for (const scenario of rule.tests ?? []) {
        tests.push({
          ...head(rule, scenario),
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
  const loads = [...groupDependencies(group, producers)];
  for (const g of new Set(guests.map((x) => x.group))) for (const dep of groupDependencies(g, producers)) if (!loads.includes(dep)) loads.push(dep);
  const ruleFiles = loads.map((g) => `../rules/${ruleFileName(g)}`);
  return {
    path: `${TESTS_DIR}/${groupFileStem(group)}.test.yml`,
    content: toYaml({ rule_files: ruleFiles, evaluation_interval: evaluationInterval, group_eval_order: [...new Set(evalOrder(loads).map((g) => g.name))], tests }, GENERATED),
    cases: tests.length,
  };
}
