/**
 * Checks of rule groups: PromQL syntax and semantics (types, series, windows, histograms,
 * ratio guards), alert hygiene (for, absent, templates, severity) and rule naming/order.
 */
import type { SyntaxNode } from '@lezer/common';
import { matches } from '../alertmanager/matchers.ts';
import { formatDuration } from '../core/duration.ts';
import type { Matcher } from '../core/model.ts';
import { RECORDING_NAME_RE } from '../core/names.ts';
import { exporters, lookupMetric } from '../scrape/catalog/index.ts';
import { exprLineCol, nearest, parseDurationSafe, seriesNames, type LintContext } from './context.ts';
import { checkGoTemplate } from '../core/gotemplate.ts';
import { GROUP_FIELDS, RULE_FIELDS } from './input.ts';
import { checkRuleExpr, problemId } from '../promql/index.ts';
import {
  aggregateInfo,
  binaryInfo,
  callArgs,
  COMPARISONS,
  exprKids,
  functionName,
  numberValue,
  resultLabels,
  selectorInfo,
  templateLabelGaps,
  unwrap,
  type SelectorInfo,
} from '../promql/labels.ts';
import type { LintGroup, LintRule, LintSeverity } from './types.ts';

const RATE_FNS = new Set(['rate', 'irate', 'increase']);
const GAUGE_FNS = new Set(['deriv', 'predict_linear', 'delta', 'idelta']);
const TRANSPARENT_AGGS = new Set(['sum', 'min', 'max', 'avg']);
const BUILTIN = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'scrape_samples_post_metric_relabeling', 'scrape_series_added', 'scrape_timeout_seconds', 'scrape_sample_limit', 'scrape_body_size_bytes']);
export const SEVERITIES = ['critical', 'warning', 'info', 'none'];

interface Walked {
  selectors: { sel: SelectorInfo; range?: string; fn?: string; from: number }[];
  absent: { sel?: SelectorInfo; from: number }[];
}

function isBurnRate(rule: LintRule): boolean {
  return 'long_window' in rule.labels && 'short_window' in rule.labels;
}

function walk(expr: string, root: SyntaxNode, visit: (n: SyntaxNode, ancestors: SyntaxNode[]) => void): void {
  const stack: SyntaxNode[] = [];
  const rec = (n: SyntaxNode) => {
    visit(n, stack);
    stack.push(n);
    for (let c = n.firstChild; c; c = c.nextSibling) rec(c);
    stack.pop();
  };
  rec(root);
  void expr;
}

function enclosingCall(expr: string, n: SyntaxNode): string | undefined {
  const body = n.parent;
  if (body?.name !== 'FunctionCallBody' || body.parent?.name !== 'FunctionCall') return undefined;
  return functionName(expr, body.parent);
}

function containsCall(expr: string, n: SyntaxNode, names: Set<string>): boolean {
  let hit = false;
  walk(expr, n, (x) => {
    if (x.name === 'FunctionCall' && names.has(functionName(expr, x))) hit = true;
  });
  return hit;
}

function readsTraffic(c: LintContext, expr: string, n: SyntaxNode, depth = 0): boolean {
  if (containsCall(expr, n, RATE_FNS)) return true;
  if (depth > 3) return false;
  let hit = false;
  walk(expr, n, (x) => {
    if (hit || x.name !== 'VectorSelector') return;
    const sel = selectorInfo(expr, x);
    const producers = sel.metric ? c.recorded.get(sel.metric) : undefined;
    if (!producers) return;
    for (const r of producers) {
      const p = c.parse(r.expr);
      if (!p.errors.length && readsTraffic(c, r.expr, p.tree.topNode, depth + 1)) hit = true;
    }
  });
  return hit;
}

/** A denominator that cannot be zero: a filter (`x > 0`), clamp_min(x, >0), x + >0, or a constant. */
function guarded(expr: string, node: SyntaxNode): boolean {
  const n = unwrap(node);
  if (numberValue(expr, n) !== undefined) return true;
  if (n.name === 'BinaryExpr') {
    const b = binaryInfo(expr, n);
    if (!b) return false;
    if (COMPARISONS.has(b.op) && !b.bool) return true;
    if (b.op === 'And' || b.op === 'Unless') return true;
    if (b.op === 'Add') {
      const k = numberValue(expr, b.lhs) ?? numberValue(expr, b.rhs);
      if (k !== undefined && k > 0) return true;
    }
    return false;
  }
  if (n.name === 'FunctionCall') {
    const fn = functionName(expr, n);
    const args = callArgs(n);
    if (fn === 'clamp_min' || fn === 'clamp') {
      const k = numberValue(expr, args[1]);
      return k !== undefined && k > 0;
    }
    if (fn === 'vector' || fn === 'scalar') return true;
    return false;
  }
  if (n.name === 'AggregateExpr') {
    const a = aggregateInfo(expr, n);
    const inner = a.args[a.args.length - 1];
    return inner ? guarded(expr, inner) : false;
  }
  return false;
}

function rawCounter(c: LintContext, expr: string, node: SyntaxNode): SelectorInfo | undefined {
  const n = unwrap(node);
  if (n.name === 'VectorSelector') {
    const sel = selectorInfo(expr, n);
    return c.metricType(sel) === 'counter' ? sel : undefined;
  }
  if (n.name === 'AggregateExpr') {
    const a = aggregateInfo(expr, n);
    if (!TRANSPARENT_AGGS.has(a.op)) return undefined;
    const inner = a.args[a.args.length - 1];
    return inner ? rawCounter(c, expr, inner) : undefined;
  }
  return undefined;
}

/**
 * How sure a raw counter compared with a number is a mistake. Testing for zero (`> 0`,
 * `== 0`, `>= 1`) inside an `and`/`unless` is a guard (does it count at all): fine. Only a
 * counter the catalog declares is an error; a name ending in `_total` is also used for
 * gauges (capacities, current counts), so the name alone gives a warning for `== N` or
 * `!= N` (a counter is rarely exactly N) and an info otherwise.
 */
function counterThresholdSeverity(declared: boolean, op: string, k: number, numberOnRight: boolean, inFilter: boolean): LintSeverity | undefined {
  const flipped: Record<string, string> = { Gtr: 'Lss', Lss: 'Gtr', Gte: 'Lte', Lte: 'Gte' };
  const o = numberOnRight ? op : (flipped[op] ?? op);
  const zeroTest = k === 0 || (k === 1 && (o === 'Gte' || o === 'Lss'));
  if (zeroTest && inFilter) return undefined;
  // `counter > 0` alone means "ever since the last restart": it never resolves, but some want exactly that.
  if (zeroTest) return declared ? 'warning' : 'info';
  if (declared) return 'error';
  return o === 'Eql' || o === 'Neq' ? 'warning' : 'info';
}

/** Damerau-Levenshtein distance of at most 1: one character added, dropped, changed, or two swapped. */
function oneTypo(a: string, b: string): boolean {
  if (a === b || Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const ta = a.slice(i);
  const tb = b.slice(i);
  if (ta.length === tb.length) return ta.slice(1) === tb.slice(1) || (ta.length >= 2 && ta[0] === tb[1] && ta[1] === tb[0] && ta.slice(2) === tb.slice(2));
  return ta.length > tb.length ? ta.slice(1) === tb : tb.slice(1) === ta;
}

/**
 * A known name the unknown one looks like a misspelling of: one typo away, and not a
 * different number (node_load1 / node_load15). Anything further apart is as likely a real
 * metric the catalog does not list (it is not a complete list of any exporter's metrics).
 */
export function typoOf(name: string, known: Iterable<string>): string | undefined {
  // The first token is the exporter's namespace: mssql_up is not a misspelling of mysql_up.
  const ns = name.split('_')[0];
  const hits = [...known].filter((k) => k.split('_')[0] === ns && oneTypo(name, k) && k.replace(/\d+/g, '#') !== name.replace(/\d+/g, '#')).sort();
  return hits.length <= 1 ? hits[0] : nearest(name, hits);
}

let catalogNames: string[] | undefined;

function checkSeries(c: LintContext, rule: LintRule, sel: SelectorInfo, from: number): void {
  const name = sel.metric;
  if (!name || c.recorded.has(name) || name === 'ALERTS' || name === 'ALERTS_FOR_STATE') return;
  if (!c.jobs) {
    if (BUILTIN.has(name)) return;
    // Offline: only a misspelling of a catalog name, never a name the catalog may just not list.
    if (lookupMetric(name)) return;
    catalogNames ??= [...exporters().values()].flatMap((e) => e.metrics.flatMap((m) => seriesNames(m.name, m.type)));
    const near = typoOf(name, catalogNames);
    if (near) c.ruleFinding(rule, 'promql/series', 'warning', `${name}: not a metric the catalog knows; it looks like a misspelling of ${near} (${lookupMetric(near)!.exporter})`, `did you mean ${near}? (obsgen lint --prometheus URL asks a server whether the series exist)`, from);
    return;
  }
  const jobMatcher = sel.matchers.find((m) => m.name === 'job' && (m.op === '=' || m.op === '=~'));
  const pinned = c.pinnedJobs(sel);
  const known = [...c.exposed, ...c.recorded.keys()];
  // Relabeling that writes `job` (service discovery setups) makes job names unpredictable.
  const openJobNames = [...c.jobs.values()].some((j) => j.targetLabels.includes('job'));
  if (jobMatcher && pinned && pinned.length === 0) {
    if (openJobNames) return;
    const near = jobMatcher.op === '=' ? nearest(jobMatcher.value, c.jobs.keys()) : undefined;
    c.ruleFinding(rule, 'promql/series', 'error', `${name}{job${jobMatcher.op}${JSON.stringify(jobMatcher.value)}}: no scrape job of the stack is named ${jobMatcher.value}`, near ? `did you mean job="${near}"? jobs: ${[...c.jobs.keys()].join(', ')}` : `jobs: ${[...c.jobs.keys()].join(', ')}`, from);
    return;
  }
  if (BUILTIN.has(name)) return;
  if (pinned?.length) {
    if (pinned.some((j) => !j.exporter)) return;
    if (pinned.some((j) => lookupMetric(name, j.exporter))) return;
    const other = lookupMetric(name);
    if (other) {
      c.ruleFinding(rule, 'promql/series', 'warning', `${name}: a ${other.exporter} metric, but job ${pinned.map((j) => j.name).join(', ')} looks like ${[...new Set(pinned.map((j) => j.exporter))].join(', ')} (by ${[...new Set(pinned.map((j) => j.exporterFrom ?? 'the stack'))].join(', ')})`, 'check the job matcher, or that the job scrapes what you think (--prometheus URL checks against a server)', from);
      return;
    }
    const names = pinned.flatMap((j) => exporters().get(j.exporter!)!.metrics.flatMap((m) => seriesNames(m.name, m.type)));
    const near = typoOf(name, [...names, ...c.recorded.keys()]);
    if (near) c.ruleFinding(rule, 'promql/series', 'warning', `${name}: job ${pinned.map((j) => j.name).join(', ')} (${[...new Set(pinned.map((j) => j.exporter))].join(', ')}) has no such metric in the catalog; it looks like a misspelling of ${near}`, `did you mean ${near}?`, from);
    return;
  }
  if (c.exposed.has(name) || lookupMetric(name)) return;
  const near = typoOf(name, known);
  if (near) c.ruleFinding(rule, 'promql/series', 'warning', `${name}: no job with a known exporter exposes this metric; it looks like a misspelling of ${near}`, `did you mean ${near}?`, from);
}

/** Expression checks of one rule. Returns false when the expression does not parse. */
function checkExpr(c: LintContext, rule: LintRule, walked: Walked): boolean {
  const expr = rule.expr;
  if (!expr.trim()) {
    c.ruleFinding(rule, 'promql/syntax', 'error', `${rule.kind === 'alert' ? 'alert' : 'recording rule'} ${rule.name} has no expr`, 'give the rule a PromQL expression');
    return false;
  }
  // Prometheus's parser: syntax, then types (and a rule's result must be an instant vector or a scalar).
  const checked = checkRuleExpr(expr);
  for (const e of checked.errors) {
    const pos = exprLineCol(expr, e.from);
    c.ruleFinding(rule, problemId(e), 'error', `${e.message} at line ${pos.line}, column ${pos.column} of the expression`, e.hint ?? 'fix the PromQL (promtool check rules shows the same error)', e.from);
    if (e.kind === 'syntax') return false;
  }
  const parsed = c.parse(expr);
  walk(expr, parsed.tree.topNode, (n, ancestors) => {
    if (n.name === 'VectorSelector') {
      const sel = selectorInfo(expr, n);
      const parent = n.parent;
      let range: string | undefined;
      let fn: string | undefined;
      if (parent?.name === 'MatrixSelector') {
        const d = parent.getChild('DurationExpr') ?? parent.getChild('NumberDurationLiteralInDurationContext');
        if (d) range = expr.slice(d.from, d.to);
        fn = enclosingCall(expr, parent);
      } else fn = enclosingCall(expr, n);
      walked.selectors.push({ sel, ...(range ? { range } : {}), ...(fn ? { fn } : {}), from: n.from });
      checkSeries(c, rule, sel, n.from);
      if (fn && range !== undefined && !c.recorded.has(sel.metric ?? '')) {
        const info = c.lookup(sel);
        // Gauges the catalog marks monotonic (kafka offsets) are rated on purpose.
        if (RATE_FNS.has(fn) && info?.type === 'gauge' && !/\bmonotonic\b/i.test(info.note ?? '')) {
          c.ruleFinding(rule, 'promql/rate-on-gauge', 'error', `${fn}() over ${sel.metric}, which is a gauge (catalog: ${info.exporter})`, `${fn}() is for counters; use deriv() or delta() for a gauge's change, or the gauge itself`, n.from);
        }
        const type = c.metricType(sel);
        if (GAUGE_FNS.has(fn) && type === 'counter') {
          c.ruleFinding(rule, 'promql/gauge-fn-on-counter', 'warning', `${fn}() over ${sel.metric}, which is a counter`, `${fn}() ignores counter resets; use rate() or increase() on a counter`, n.from);
        }
      }
      // Windows are judged against the scrape intervals of the jobs, known only with --config.
      if (range !== undefined && c.jobs) {
        const ms = parseDurationSafe(range);
        if (ms !== undefined && sel.metric) {
          const { ms: interval, what } = c.sampleIntervalMs(sel);
          if (ms < 4 * interval) {
            c.ruleFinding(rule, 'promql/range-window', 'warning', `${fn ?? 'range'}(${sel.metric}[${range}]): the window is shorter than 4 x ${what}`, `use at least [${formatDuration(4 * interval)}] so the window always holds enough samples (a missed scrape otherwise empties it)`, n.from);
          }
        }
      }
      return;
    }
    if (n.name === 'FunctionCall') {
      const fn = functionName(expr, n);
      const args = callArgs(n);
      if (fn === 'absent') {
        const a = args[0] ? unwrap(args[0]) : undefined;
        walked.absent.push({ ...(a?.name === 'VectorSelector' ? { sel: selectorInfo(expr, a) } : {}), from: n.from });
      }
      if (fn === 'histogram_quantile' && args[1]) {
        const inner = unwrap(args[1]);
        if (inner.name === 'AggregateExpr') {
          const a = aggregateInfo(expr, inner);
          const keepsLe = a.modifier === 'by' ? a.labels.includes('le') : a.modifier === 'without' ? !a.labels.includes('le') : false;
          // VictoriaMetrics histograms bucket by `vmrange`, which vmalert's histogram_quantile reads instead of le.
          const vmrange = a.modifier === 'by' && a.labels.includes('vmrange');
          if (!keepsLe && !vmrange) {
            c.ruleFinding(rule, 'promql/histogram-le', 'error', `histogram_quantile() over ${a.op}${a.modifier ? ` ${a.modifier} (${a.labels.join(', ')})` : ''}, which drops the le label`, `keep le in the aggregation: ${a.op} by (${[...(a.modifier === 'by' ? a.labels : []), 'le'].join(', ')}) (...) (vmrange for VictoriaMetrics histograms)`, inner.from);
          }
        }
      }
      return;
    }
    if (n.name === 'BinaryExpr') {
      const b = binaryInfo(expr, n);
      if (!b) return;
      if (COMPARISONS.has(b.op)) {
        const lNum = numberValue(expr, b.lhs) !== undefined;
        const rNum = numberValue(expr, b.rhs) !== undefined;
        if (lNum !== rNum) {
          const raw = rawCounter(c, expr, rNum ? b.lhs : b.rhs);
          const k = numberValue(expr, rNum ? b.rhs : b.lhs)!;
          const inFilter = ancestors.some((a) => a.name === 'BinaryExpr' && ['And', 'Unless'].includes(binaryInfo(expr, a)?.op ?? ''));
          const sevOf = raw ? counterThresholdSeverity(c.lookup(raw)?.type === 'counter', b.op, k, rNum, inFilter) : undefined;
          if (raw && sevOf) {
            const named = c.lookup(raw)?.type === 'counter' ? '' : ' (by its _total name; the catalog does not know it)';
            c.ruleFinding(rule, 'promql/counter-threshold', sevOf, `${raw.metric} is a counter${named} compared with a threshold without rate() or increase()`, `a counter only grows (and resets on restart); compare rate(${raw.metric}[5m]) or increase(${raw.metric}[1h]) instead`, raw.node.from);
          }
        }
      }
      // An alert's NaN compares false and cannot fire; a recorded NaN poisons every later sum or avg.
      if (b.op === 'Div' && rule.kind === 'record') {
        const rhs = unwrap(b.rhs);
        if (!guarded(expr, rhs) && readsTraffic(c, expr, rhs)) {
          // An enclosing `and` filter (a/b > x and b > y) also keeps zero traffic out.
          let inAnd = false;
          let child: SyntaxNode = n;
          for (let i = ancestors.length - 1; i >= 0; i--) {
            const a = ancestors[i]!;
            if (a.name === 'BinaryExpr') {
              const ab = binaryInfo(expr, a);
              if (ab && (ab.op === 'And' || ab.op === 'Unless') && ab.lhs.from === child.from && ab.lhs.to === child.to) inAnd = true;
            }
            child = a;
          }
          if (!inAnd) {
            // NaN for no traffic is often the wanted "no data": a hint, not a defect.
            c.ruleFinding(rule, 'promql/ratio-guard', 'info', 'ratio whose denominator is a rate with no zero-traffic guard: no traffic gives NaN (0/0) or +Inf', 'filter the denominator, e.g. `/ (sum(rate(x[5m])) > 0)`, so no traffic gives no sample', rhs.from);
          }
        }
      }
    }
  });
  return true;
}

function readsSeries(c: LintContext, expr: string): boolean {
  const p = c.parse(expr);
  let hit = false;
  p.tree.iterate({ enter: (n) => { if (n.name === 'VectorSelector') hit = true; return !hit; } });
  return hit;
}

/** Whether group `reader` reads a series group `producer` records (then no order removes the lag). */
function groupReads(c: LintContext, reader: number, producer: number): boolean {
  const produced = new Set(c.input.groups[producer]!.rules.filter((r) => r.kind === 'record').map((r) => r.name));
  return c.input.groups[reader]!.rules.some((r) => {
    const p = c.parse(r.expr);
    let hit = false;
    p.tree.iterate({ enter: (n) => { if (n.name === 'Identifier' && produced.has(r.expr.slice(n.from, n.to))) hit = true; return !hit; } });
    return hit;
  });
}

/** Window spellings in series names and ranges (`5m`, `rate1h`, `[30m]`, `burnrate6h`), so two windows of one ratio compare equal. */
function withoutWindows(text: string): string {
  return text.replace(/\s+/g, '').replace(/\d+(?:ms|[smhdwy])(?![a-zA-Z0-9_])/g, 'W');
}

/**
 * Alerts for which `for:` adds nothing: multi-window burn-rate alerts (two windows of one
 * ratio, `and`-ed: the short window already debounces, as Sloth, Pyrra and the mixins write
 * them), constants such as Watchdog's `vector(1)`, and alerts over ALERTS (InfoInhibitor),
 * which inherit the `for:` of the alerts they read.
 */
function needsNoFor(c: LintContext, rule: LintRule): boolean {
  const expr = rule.expr;
  if (!readsSeries(c, expr)) return true;
  const tree = c.parse(expr).tree;
  let burn = false;
  let alerts = false;
  tree.iterate({
    enter: (n) => {
      if (n.name === 'BinaryExpr') {
        const b = binaryInfo(expr, n.node);
        if (b && b.op === 'And') {
          const l = expr.slice(b.lhs.from, b.lhs.to);
          const r = expr.slice(b.rhs.from, b.rhs.to);
          if (l !== r && withoutWindows(l) === withoutWindows(r)) burn = true;
        }
      }
      if (n.name === 'VectorSelector' && selectorInfo(expr, n.node).metric === 'ALERTS') alerts = true;
      return !(burn || alerts);
    },
  });
  return burn || alerts;
}

function forMs(rule: LintRule): number {
  return rule.for ? (parseDurationSafe(rule.for) ?? 0) : 0;
}

function checkAlert(c: LintContext, rule: LintRule, walked: Walked, parsed: boolean, knownSeverities: Set<string>): void {
  if (rule.for !== undefined && parseDurationSafe(rule.for) === undefined) {
    c.ruleFinding(rule, 'alerts/for', 'error', `alert ${rule.name}: for: ${JSON.stringify(rule.for)} is not a duration`, 'use a Prometheus duration such as 5m');
  } else if (rule.for === undefined && !isBurnRate(rule) && !(parsed && needsNoFor(c, rule))) {
    // An explicit `for: 0m` is the author's decision, not an omission.
    // Whether a condition needs debouncing is the author's call (windowed rates, expiry dates and
    // slow states do not): a hint, raised to a warning by a lint config for rule sets that want it.
    c.ruleFinding(rule, 'alerts/for', 'info', `alert ${rule.name} has no for:, so one bad evaluation fires it`, 'add for: (e.g. 5m), or write for: 0m if it should fire at once; multi-window burn-rate alerts, constant (Watchdog) and ALERTS-reading alerts are exempt');
  }
  for (const a of walked.absent) {
    const interval = a.sel ? c.sampleIntervalMs(a.sel) : { ms: c.input.scrapeIntervalMs, what: `the scrape interval (${formatDuration(c.input.scrapeIntervalMs)})` };
    // Without --config the scrape interval is unknown: only no wait at all is surely too short.
    if (c.jobs ? forMs(rule) < 2 * interval.ms : forMs(rule) === 0) {
      c.ruleFinding(rule, 'alerts/absent-for', 'warning', `alert ${rule.name} uses absent() with for: ${rule.for ?? '0s'}, under 2 x ${interval.what}`, `use for: ${formatDuration(2 * interval.ms)} or more, so a restart or one missed scrape does not fire it`, a.from);
    }
  }
  // Templates: syntax, functions, variables, and $labels.x the result cannot carry.
  const result = parsed ? c.exprLabels(rule) : undefined;
  for (const [kind, map] of [['annotation', rule.annotations], ['label', rule.labels]] as const) {
    for (const key of Object.keys(map).sort()) {
      const text = map[key]!;
      if (!text.includes('{{')) continue;
      const t = checkGoTemplate(text);
      for (const p of t.problems) {
        const id = p.kind === 'function' ? 'alerts/template-function' : p.kind === 'variable' ? 'alerts/template-variable' : 'alerts/template-syntax';
        const hint = p.kind === 'function' ? 'Prometheus templates know humanize*, printf, toUpper, title, reReplaceAll, query, first, value, label, ... (see the Prometheus template reference)' : p.kind === 'variable' ? 'use $labels, $value, $externalLabels or $externalURL' : 'fix the Go template';
        c.ruleFinding(rule, id, 'error', `alert ${rule.name}: ${kind} ${key}: ${p.message} (at character ${p.offset + 1})`, hint);
      }
      if (kind === 'label' && t.usesValue) {
        c.ruleFinding(rule, 'alerts/template-value-label', 'warning', `alert ${rule.name}: label ${key} uses $value, so every new value makes a new alert`, 'move $value into an annotation');
      }
    }
  }
  // $labels.x the expression's result cannot carry: the same finding as the build's. An error where
  // an operation drops a label its input has; where no series it reads carries the label here, a
  // warning: the setup may add it (a cluster label from relabeling or a global ruler's data).
  for (const gap of result ? templateLabelGaps(rule, result) : []) {
    const dropped = gap.isStatic || c.flow.readsLabel(rule.expr, gap.label);
    c.ruleFinding(rule, 'alerts/template-label', dropped ? 'error' : 'warning', dropped ? gap.message : `${gap.message}: no series it reads carries ${gap.label} with this config and catalog`, gap.hint);
  }
  // Severity.
  // Without an Alertmanager config a severity value cannot be judged: the routing decides what it means.
  const sev = rule.labels.severity;
  const missing = c.input.settings?.missingSeverity ?? 'warning';
  if (sev === undefined || sev === '') {
    if (missing !== 'off') c.ruleFinding(rule, 'labels/severity', missing, `alert ${rule.name} has no severity label`, 'add labels: { severity: critical | warning | info }; routing and inhibition key on it (set missingSeverity in the lint config if your routing keys on other labels)');
  } else if (c.input.alertmanager && !knownSeverities.has(sev) && !sev.includes('{{')) {
    const near = nearest(sev, knownSeverities);
    c.ruleFinding(rule, 'labels/severity', 'error', `alert ${rule.name} has severity ${JSON.stringify(sev)}, which the routing does not know`, `use one of ${[...knownSeverities].sort().join(', ')}${near ? ` (did you mean ${near}?)` : ''}`);
  }
}

/** Keys the rule format does not have: Prometheus and promtool refuse the whole file ("field x not found in type rulefmt.RuleGroup"). */
function checkUnknownFields(c: LintContext, g: LintGroup): void {
  const hint = (key: string, known: string[]) => {
    const near = nearest(key, known);
    return `${near ? `did you mean ${near}? ` : ''}a ${known === GROUP_FIELDS ? 'group' : 'rule'} has only ${known.join(', ')}; remove the key (vmalert and Thanos extensions such as concurrency do not load in Prometheus)`;
  };
  for (const f of g.unknownFields ?? []) {
    c.add({
      id: 'rules/unknown-field',
      severity: 'error',
      message: `group ${g.name}: unknown field ${JSON.stringify(f.key)}; Prometheus refuses the file (field ${f.key} not found in type rulefmt.RuleGroup)`,
      hint: hint(f.key, GROUP_FIELDS),
      file: g.file,
      group: g.name,
      ...(f.line ?? g.line ? { line: f.line ?? g.line } : {}),
      ...(g.source ? { source: g.source } : {}),
    });
  }
  for (const rule of g.rules) {
    for (const f of rule.unknownFields ?? []) {
      c.ruleFinding(rule, 'rules/unknown-field', 'error', `${rule.kind === 'alert' ? 'alert' : 'recording rule'} ${rule.name}: unknown field ${JSON.stringify(f.key)}; Prometheus refuses the file (field ${f.key} not found in type rulefmt.Rule)`, hint(f.key, RULE_FIELDS));
    }
  }
}

/** Checks every rule group of the input. */
export function checkRules(c: LintContext, knownSeverities: Set<string>): void {
  const seen = new Map<string, LintRule>();
  const groupIndex = new Map<string, number>();
  c.input.groups.forEach((g, gi) => groupIndex.set(`${g.file}\u0000${g.name}`, gi));
  for (const g of c.input.groups) {
    checkUnknownFields(c, g);
    for (const rule of g.rules) {
      const walked: Walked = { selectors: [], absent: [] };
      const ok = checkExpr(c, rule, walked);
      const labels = Object.keys(rule.labels).sort().map((k) => [k, rule.labels[k]]);
      // One rule set: the files one prometheus.yml loads, or one file when there is none.
      // Alerts of one name and labels with different expressions are one alert with several
      // conditions (a common mixin idiom); only a copy of the same expression is a duplicate.
      const scope = c.input.ruleSets === 'per-file' ? `${rule.file}\u0000` : '';
      const key = `${scope}${rule.kind} ${rule.name} ${JSON.stringify(labels)} ${rule.expr.replace(/\s+/g, ' ').trim()}`;
      const dup = seen.get(key);
      if (dup) {
        c.ruleFinding(rule, 'rules/duplicate', 'error', `${rule.kind === 'alert' ? 'alert' : 'recording rule'} ${rule.name} with the same labels is also defined in ${dup.file}${dup.line ? `:${dup.line}` : ''} (group ${dup.group})`, rule.kind === 'alert' ? 'rename one, or give them different labels (e.g. severity)' : 'remove the copy');
      } else seen.set(key, rule);
      if (rule.kind === 'record') {
        if (rule.name && !RECORDING_NAME_RE.test(rule.name) && readsSeries(c, rule.expr)) {
          c.ruleFinding(rule, 'rules/record-name', 'info', `recording rule ${rule.name} is not named level:metric:operations`, 'e.g. job:http_requests:rate5m (aggregation level, metric, operations); constant series (vector(1)) are exempt');
        }
      } else checkAlert(c, rule, walked, ok, knownSeverities);
      // Reading a series recorded later in the same group, or by a later group that runs as often.
      const me = c.groupOfRule.get(rule)!;
      const reported = new Set<string>();
      for (const { sel, from } of walked.selectors) {
        const producers = sel.metric ? c.recorded.get(sel.metric) : undefined;
        if (!producers || reported.has(sel.metric!)) continue;
        for (const p of producers) {
          if (p === rule || (c.input.ruleSets === 'per-file' && p.file !== rule.file)) continue;
          // A producer whose static labels the selector excludes records other series.
          if (!sel.matchers.every((m) => !(m.name in p.labels) || matches(m as Matcher, p.labels))) continue;
          // A constant (vector(1)) has the same value at every evaluation: order does not matter.
          if (!readsSeries(c, p.expr)) continue;
          const pg = c.groupOfRule.get(p)!;
          if (pg.group === me.group && p.index > rule.index) {
            reported.add(sel.metric!);
            c.ruleFinding(rule, 'rules/group-order', 'warning', `${sel.metric} is recorded later in the same group (rule ${p.index + 1}), so this rule reads the previous evaluation's value`, `move the recording rule ${sel.metric} before this rule`, from);
            break;
          }
          if (pg.group > me.group && pg.interval === me.interval && !groupReads(c, pg.group, me.group)) {
            reported.add(sel.metric!);
            const pgName = c.input.groups[pg.group]!.name;
            // Prometheus runs groups on their own timers, so across groups this only decides what
            // promtool tests see (they evaluate groups in file order): a hint.
            c.ruleFinding(rule, 'rules/group-order', 'info', `${sel.metric} is recorded by group ${pgName}, which comes after group ${g.name} at the same interval and does not read this group, so this rule lags one evaluation behind it (promtool tests evaluate groups in file order)`, `put the recording rule in this group before the rule, or order group ${pgName} first`, from);
            break;
          }
        }
      }
    }
  }
  void resultLabels;
  void exprKids;
}
