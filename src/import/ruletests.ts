/**
 * Generated promtool scenarios for imported alerts, for the shapes where obsgen knows what input
 * makes the expression fire: a comparison of one series (or a by-aggregation of it) with a
 * number (`up{job="x"} == 0`, `sum by (instance) (foo) > 10`), and `absent(selector)`. Every
 * other alert is left without tests (a warning at build) rather than given a guess.
 */
import type { z } from 'zod';
import type { alertTestSchema } from '../alerts/custom.ts';
import { durationMs, formatDuration } from '../core/duration.ts';
import { inspectTemplate, renderTemplate, sampleData } from '../core/template.ts';
import type { Expr, LabelMatcherNode } from '../promql/ast.ts';
import { typeCheck } from '../promql/index.ts';
import { seriesSelector } from '../alerts/series.ts';
import { probeScenarios } from './probe.ts';

type AlertTest = z.input<typeof alertTestSchema>;
type Op = '==' | '!=' | '>' | '<' | '>=' | '<=';

/** Value a label gets in the input series when the templates read it and no matcher fixes it. */
const FILLER = 'imported-test';
const SIMPLE_AGGREGATIONS = new Set(['sum', 'max', 'min', 'avg']);
const MIRROR: Record<Op, Op> = { '==': '==', '!=': '!=', '>': '<', '<': '>', '>=': '<=', '<=': '>=' };

function unparen(e: Expr): Expr {
  return e.kind === 'paren' ? unparen(e.expr) : e;
}

function numberOf(e: Expr): number | undefined {
  const u = unparen(e);
  if (u.kind === 'number') return u.value;
  if (u.kind === 'unary' && u.op === '-') {
    const v = numberOf(u.expr);
    return v === undefined ? undefined : -v;
  }
  return undefined;
}

/** A selector obsgen can write one series for: a metric name, `=` matchers with values, `!=` ones. */
interface Series {
  metric: string;
  labels: Record<string, string>;
  excluded: Map<string, string>;
}

function seriesOf(e: Expr): Series | undefined {
  const u = unparen(e);
  if (u.kind !== 'selector' || u.offset || u.at !== undefined) return undefined;
  const labels: Record<string, string> = {};
  const excluded = new Map<string, string>();
  let metric = u.name;
  for (const m of u.matchers as LabelMatcherNode[]) {
    if (m.name === '__name__' && m.op === '=') metric = m.value;
    else if (m.op === '=' && m.value !== '') labels[m.name] = m.value;
    else if (m.op === '!=' && m.value !== '') excluded.set(m.name, m.value);
    else return undefined;
  }
  if (!metric || !/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(metric)) return undefined;
  return { metric, labels, excluded };
}

/** The firing and quiet values for `series OP threshold`. */
function values(op: Op, t: number): { fire: number; quiet: number } {
  const step = Math.max(1, Math.abs(t));
  switch (op) {
    case '>':
      return { fire: t + step, quiet: t };
    case '>=':
      return { fire: t, quiet: t - step };
    case '<':
      return { fire: t - step, quiet: t };
    case '<=':
      return { fire: t, quiet: t + step };
    case '==':
      return { fire: t, quiet: t + step };
    case '!=':
      return { fire: t + step, quiet: t };
  }
}

interface Shape {
  series: Series;
  /** Labels of the expression's result: all of the series' (a filter), or the aggregation's groups. */
  keep: (labels: Record<string, string>) => Record<string, string>;
  fire: string;
  quiet: string | undefined;
  firingValue: number;
  /** A comparison filter keeps the metric name on its result: `{{ $labels }}` shows `__name__` (the alert's labels drop it). */
  keepsName?: boolean;
}

function comparisonShape(e: Expr): Shape | undefined {
  if (e.kind !== 'binary' || e.bool || e.matching?.on || e.matching?.labels.length || !['==', '!=', '>', '<', '>=', '<='].includes(e.op)) return undefined;
  let op = e.op as Op;
  let side = e.lhs;
  let t = numberOf(e.rhs);
  if (t === undefined) {
    t = numberOf(e.lhs);
    side = e.rhs;
    op = MIRROR[op];
  }
  if (t === undefined || !Number.isFinite(t)) return undefined;
  const v = values(op, t);
  if (![v.fire, v.quiet].every((x) => Number.isSafeInteger(x) || String(x).length < 12)) return undefined;
  const inner = unparen(side);
  let series = seriesOf(inner);
  let keep: Shape['keep'] = (l) => l;
  if (!series && inner.kind === 'aggregate' && SIMPLE_AGGREGATIONS.has(inner.op) && !inner.without && !inner.param && inner.expr) {
    series = seriesOf(inner.expr);
    const by = inner.grouping;
    // Labels the templates read must survive the aggregation, or they render empty.
    keep = (l) => Object.fromEntries(by.filter((k) => k in l).map((k) => [k, l[k]!]));
    if (series) for (const k of by) if (!(k in series.labels) && !series.excluded.has(k)) series.labels[k] = FILLER;
  }
  if (!series) return undefined;
  return { series, keep, fire: `${v.fire}`, quiet: `${v.quiet}`, firingValue: v.fire, keepsName: inner.kind === 'selector' };
}

function absentShape(e: Expr): Shape | undefined {
  if (e.kind !== 'call' || e.name !== 'absent' || e.args.length !== 1) return undefined;
  const series = seriesOf(e.args[0]!);
  if (!series || series.excluded.size) return undefined;
  const eq = { ...series.labels };
  // absent() gives the `=` matchers' labels.
  return { series, keep: () => eq, fire: '', quiet: '1', firingValue: 1 };
}

/**
 * Scenarios (one where the alert fires, one where it stays quiet) for an alert of a known shape,
 * or undefined. Series run one sample a minute; the check comes two minutes after `for` has passed.
 */
export function alertScenarios(rule: { expr: string; for?: string; queryOffset?: string; labels: Record<string, string>; annotations: Record<string, string> }): AlertTest[] | undefined {
  const checked = typeCheck(rule.expr);
  if (!checked.ast || checked.errors.length) return undefined;
  const top = unparen(checked.ast);
  const shape = comparisonShape(top) ?? absentShape(top);
  if (!shape) return probedScenarios(checked.ast, rule);

  // Labels the templates read get a value in the series, unless a matcher fixes or forbids one.
  // A template that queries Prometheus needs results the scenario cannot state.
  const read = templateReads(rule);
  if (!read) return undefined;
  const labels = { ...shape.series.labels };
  for (const l of read) {
    if (l === '__name__' || l in labels) continue;
    if (shape.series.excluded.get(l) === FILLER) return undefined;
    labels[l] = FILLER;
  }
  const out = shape.keep(labels);
  // A label the templates read that the result does not carry renders empty, and Prometheus drops an empty label.
  if ([...read].some((l) => l !== '__name__' && !(l in out))) return undefined;
  const expected = { ...Object.fromEntries(Object.entries(out).filter(([k]) => k !== '__name__')), ...(shape.keepsName ? { __name__: shape.series.metric } : {}) };
  // The templates must render for this sample as Prometheus would, or the generated test would lie.
  for (const text of [...Object.values(rule.labels), ...Object.values(rule.annotations)]) {
    try {
      renderTemplate(text, sampleData({ labels: expected, value: shape.firingValue }));
    } catch {
      return undefined;
    }
  }
  const forMs = rule.for ? durationMs(rule.for) : 0;
  // A group's query_offset delays what the rule sees of the series by that much.
  const offsetMs = rule.queryOffset ? durationMs(rule.queryOffset) : 0;
  const atMinutes = Math.ceil((forMs + offsetMs) / 60_000) + 2;
  const steps = atMinutes + 2;
  const selector = seriesSelector(shape.series.metric, labels);
  const at = formatDuration(atMinutes * 60_000);
  const fireSeries = shape.fire === '' ? [] : [{ series: selector, values: `${shape.fire}x${steps}` }];
  return [
    { name: 'fires (generated by obsgen import)', series: fireSeries, at, firing: [{ labels: expected, value: shape.firingValue }] },
    { name: 'stays quiet (generated by obsgen import)', series: [{ series: selector, values: `${shape.quiet}x${steps}` }], at, firing: [] },
  ];
}

/** Labels the templates read, or undefined when a template queries Prometheus or does not parse. */
function templateReads(rule: { labels: Record<string, string>; annotations: Record<string, string> }): Set<string> | undefined {
  const read = new Set<string>();
  for (const text of [...Object.values(rule.labels), ...Object.values(rule.annotations)]) {
    try {
      const t = inspectTemplate(text);
      if (t.functions.includes('query')) return undefined;
      for (const l of t.labels) read.add(l);
    } catch {
      return undefined;
    }
  }
  return read;
}

/**
 * Any other shape: input series found by trying patterns on obsgen's engine (probe.ts). The
 * labels the templates read get a value in every series, and must reach the alert.
 */
function probedScenarios(ast: Expr, rule: { expr: string; for?: string; queryOffset?: string; labels: Record<string, string>; annotations: Record<string, string> }): AlertTest[] | undefined {
  const read = templateReads(rule);
  if (!read) return undefined;
  const fill = Object.fromEntries([...read].filter((l) => l !== '__name__').map((l) => [l, FILLER]));
  const forMs = rule.for ? durationMs(rule.for) : 0;
  const offsetMs = rule.queryOffset ? durationMs(rule.queryOffset) : 0;
  const texts = [...Object.values(rule.labels), ...Object.values(rule.annotations)];
  const p = probeScenarios(ast, rule.expr, forMs, offsetMs, fill, texts.some((t) => /\$value|\.Value\b/.test(t)));
  if (!p) return undefined;
  for (const f of p.firing) {
    if ([...read].some((l) => l !== '__name__' && !(l in f.labels))) return undefined;
    for (const text of [...Object.values(rule.labels), ...Object.values(rule.annotations)]) {
      try {
        renderTemplate(text, sampleData({ labels: f.labels, value: f.value }));
      } catch {
        return undefined;
      }
    }
  }
  return [
    { name: 'fires (generated by obsgen import)', interval: p.interval, series: p.series, at: p.at, firing: p.firing },
    { name: 'stays quiet (generated by obsgen import)', interval: p.interval, series: p.quietSeries, at: p.at, firing: [] },
  ];
}
