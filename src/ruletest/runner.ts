/**
 * `promtool test rules` in process (cmd/promtool/unittest.go): for each test group, load the
 * input series, evaluate the rule groups every evaluation_interval from the start to the last
 * eval_time, compare the firing alerts at each alert_rule_test's eval_time and each
 * promql_expr_test's result, and report as promtool does.
 */
import { parseSeriesLabels } from '../promql/eval/notation.ts';
import { alertsEqual, alertsString, indentLines, samplesEqual, samplesString, sortAlerts, sortSamples, type LabelsAndAnnotations, type ParsedSample } from './compare.ts';
import { ruleQuery, type EngineFactory, type ExpandedSeries, type RuleEngine } from './evaluator.ts';
import { makeExpander } from './expand.ts';
import { goDurationString, goQuote, modelDurationString } from './format.ts';
import { RuleGroup } from './group.ts';
import { loadRuleFile, type GroupDef } from './rulefile.ts';
import { loadTestFile, type TestFile, type TestGroup } from './testfile.ts';

export interface RunOptions {
  engine: EngineFactory;
  /** --run: only test groups whose name matches one of these regular expressions. */
  run?: string[];
}

export interface FileResult {
  file: string;
  ok: boolean;
  /** The failures, each as promtool prints it. */
  errors: string[];
  warnings: string[];
  /** Test groups run. */
  groups: number;
}

/** Rule files are read once per run: a stack's test files share them. */
function loadGroups(files: string[], cache: Map<string, ReturnType<typeof loadRuleFile>>): { groups: GroupDef[]; errors: string[] } {
  const groups: GroupDef[] = [];
  const errors: string[] = [];
  for (const f of files) {
    let r = cache.get(f);
    if (!r) cache.set(f, (r = loadRuleFile(f)));
    groups.push(...r.groups);
    errors.push(...r.errors);
  }
  return { groups, errors };
}

/** Groups in group_eval_order; the others keep file order and sort as position 0, as promtool's sort does. */
function orderGroups(groups: RuleGroup[], order: string[]): RuleGroup[] {
  const pos = new Map(order.map((n, i) => [n, i] as const));
  return groups
    .map((g, i) => ({ g, i }))
    .sort((a, b) => (pos.get(a.g.name) ?? 0) - (pos.get(b.g.name) ?? 0) || a.i - b.i)
    .map((x) => x.g);
}

export function runTestFile(path: string, opts: RunOptions, cache = new Map<string, ReturnType<typeof loadRuleFile>>()): FileResult {
  const { file, errors } = loadTestFile(path);
  if (!file) return { file: path, ok: false, errors, warnings: [], groups: 0 };
  const warnings = file.unmatched.map((p) => `  WARNING: no file match pattern ${p}`);
  const seen = new Set<string>();
  for (const g of file.groupEvalOrder) {
    if (seen.has(g)) return { file: path, ok: false, errors: [`group name repeated in evaluation order: ${g}`], warnings, groups: 0 };
    seen.add(g);
  }
  const run = opts.run?.length ? new RegExp(opts.run.join('|')) : undefined;
  const errs: string[] = [];
  let groups = 0;
  file.tests.forEach((t, i) => {
    if (run && !run.test(t.name)) return;
    groups++;
    errs.push(...runTestGroup(file, t, t.name || `unnamed#${i}`, opts.engine, cache));
  });
  return { file: path, ok: errs.length === 0, errors: errs, warnings, groups };
}

/** One test group; returns its failures in promtool's words. */
export function runTestGroup(file: TestFile, tg: TestGroup, _testname: string, factory: EngineFactory, cache: Map<string, ReturnType<typeof loadRuleFile>>): string[] {
  const evalInterval = file.evaluationIntervalMs;
  const engine = factory.create({ subqueryStepMs: evalInterval });
  const mint = tg.startMs;
  let series: ExpandedSeries[];
  try {
    series = tg.inputSeries.map((s) => factory.expand(s.series, s.values, mint, tg.intervalMs));
  } catch (e) {
    return [(e as Error).message];
  }
  const loaded = loadGroups(file.ruleFiles, cache);
  if (loaded.errors.length) return loaded.errors;
  const groups = orderGroups(
    loaded.groups.map((g) => new RuleGroup({ ...g, intervalMs: g.intervalMs || tg.intervalMs })),
    file.groupEvalOrder,
  );
  const maxt = mint + Math.max(0, ...tg.alertRuleTests.map((a) => a.evalTimeMs), ...tg.promqlExprTests.map((p) => p.evalTimeMs));
  const testName = tg.name ? `    name: ${tg.name},\n` : '';

  for (const a of tg.alertRuleTests) {
    if (!a.alertname) {
      return [`an item under alert_rule_test misses required attribute alertname at eval_time ${modelDurationString(a.evalTimeMs)}${tg.name ? ` (in TestGroup ${tg.name})` : ''}`];
    }
  }
  const evalTimes = [...new Set(tg.alertRuleTests.map((a) => a.evalTimeMs))].sort((a, b) => a - b);
  let curr = 0;
  const cursor = series.map(() => 0);
  const expander = makeExpander(engine, tg.externalLabels, tg.externalURL);
  const errs: string[] = [];
  for (let ts = mint; ts <= maxt; ts += evalInterval) {
    loadTill(engine, series, cursor, ts);
    const evalErrs: string[] = [];
    for (const g of groups) {
      g.eval(engine, ts, expander);
      for (const r of g.rules) if (r.lastError !== undefined) evalErrs.push(`    rule: ${r.def.name}, time: ${goDurationString(ts)}, err: ${r.lastError}`);
    }
    errs.push(...evalErrs);
    if (evalErrs.length) return errs;

    while (curr < evalTimes.length && ts - mint <= evalTimes[curr]! && evalTimes[curr]! < ts + evalInterval - mint) {
      const t = evalTimes[curr]!;
      const cases = tg.alertRuleTests.filter((a) => a.evalTimeMs === t);
      const wanted = new Set(cases.map((c) => c.alertname));
      const got = new Map<string, LabelsAndAnnotations[]>();
      for (const g of groups) {
        for (const r of g.rules) {
          if (!r.alerting || !wanted.has(r.def.name)) continue;
          const firing = r.alerting.activeAlerts().filter((a) => a.state === 'firing');
          got.set(r.def.name, [...(got.get(r.def.name) ?? []), ...firing.map((a) => ({ labels: { ...a.labels }, annotations: { ...a.annotations } }))]);
        }
      }
      for (const c of cases) {
        const gotAlerts = sortAlerts(got.get(c.alertname) ?? []);
        const expAlerts = sortAlerts(c.expAlerts.map((e) => ({ labels: { ...e.labels, alertname: c.alertname }, annotations: e.annotations })));
        if (!alertsEqual(expAlerts, gotAlerts)) {
          errs.push(
            `${testName}    alertname: ${c.alertname}, time: ${modelDurationString(c.evalTimeMs)}, \n        exp:${indentLines(alertsString(expAlerts), '            ')}, \n        got:${indentLines(alertsString(gotAlerts), '            ')}`,
          );
        }
      }
      curr++;
    }
  }
  // The lazy loader has loaded up to maxt when the expressions are queried.
  loadTill(engine, series, cursor, maxt);

  outer: for (const tc of tg.promqlExprTests) {
    const at = modelDurationString(tc.evalTimeMs);
    let got: ParsedSample[];
    try {
      got = ruleQuery(engine, tc.expr, mint + tc.evalTimeMs).map((s) => ({ labels: s.labels, value: s.value, histogram: '' }));
    } catch (e) {
      errs.push(`    expr: ${goQuote(tc.expr)}, time: ${at}, err: ${(e as Error).message}`);
      continue;
    }
    const exp: ParsedSample[] = [];
    for (const s of tc.expSamples) {
      try {
        const { labels, rest } = parseSeriesLabels(s.labels);
        if (rest.trim() !== '') throw new Error(`unexpected ${goQuote(rest.trim())}`);
        if (s.histogram) throw new Error('native histograms are not supported by obsgen\'s engine');
        exp.push({ labels, value: s.value, histogram: s.histogram });
      } catch (e) {
        errs.push(`    expr: ${goQuote(tc.expr)}, time: ${at}, err: labels ${goQuote(s.labels)}: ${(e as Error).message}`);
        continue outer;
      }
    }
    const e = sortSamples(exp);
    const g = sortSamples(got);
    if (!samplesEqual(e, g, file.fuzzyCompare)) {
      errs.push(`    expr: ${goQuote(tc.expr)}, time: ${at},\n        exp: ${samplesString(e)}\n        got: ${samplesString(g)}`);
    }
  }
  return errs;
}

/** Appends each input series' points up to and including ts (promqltest's WithSamplesTill). */
function loadTill(engine: RuleEngine, series: ExpandedSeries[], cursor: number[], ts: number): void {
  for (let i = 0; i < series.length; i++) {
    const pts = series[i]!.points;
    let c = cursor[i]!;
    while (c < pts.length && pts[c]!.t <= ts) {
      engine.append(series[i]!.labels, pts[c]!.t, pts[c]!.v);
      c++;
    }
    cursor[i] = c;
  }
}
