/**
 * The PromQL evaluator: instant and range queries over a SeriesStore, with Prometheus 3
 * semantics (promql/engine.go): left-open windows (t - range, t], a 5m lookback that stops at a
 * staleness marker, offset and @ (start()/end()), subqueries on their own step grid, and the
 * "vector cannot contain metrics with the same labelset" check after every operation. It walks
 * the typed tree of check.ts once per step; selectors are compiled once per query.
 */
import type { DurationNode, Expr, Modifiers } from '../ast.ts';
import { typeCheck, type PromQLFeatures } from '../check.ts';
import { re2Regexp } from '../../core/re2.ts';
import { aggregate, aggregateK, countValues } from './aggregate.ts';
import { scalarBinop, setBinop, vectorBinop, vectorScalarBinop } from './binary.ts';
import { callFunction } from './calls.ts';
import { compareLabels, dropMetricName, formatLabels, labelsKey, type Labels } from './labels.ts';
import { selectionKey, upperBound, type Matcher, type SeriesStore, type StoredSeries } from './storage.ts';
import { EvalError, UnsupportedError, type QueryValue, type RangeSeries, type Sample, type Value } from './values.ts';

export interface QueryOptions {
  /** How far back an instant selector looks for a sample (default 5m). */
  lookbackDeltaMs?: number;
  /** The step of a subquery written without one, `x[5m:]` (Prometheus: the global evaluation interval; default 1m). */
  noStepSubqueryIntervalMs?: number;
  /** Experimental PromQL to accept (default: experimental functions and fill modifiers on, as promqltest runs). */
  features?: PromQLFeatures;
  /** Return the engine's own (frozen, key-cached) label sets instead of copies: for callers that never mutate them. */
  shareLabels?: boolean;
}

const DEFAULT_FEATURES: PromQLFeatures = { experimentalFunctions: true, binopFillModifiers: true, extendedRangeSelectors: true };

/** Reads an expression into the typed tree, throwing the first problem as an EvalError. */
export function parseExpr(expr: string, features: PromQLFeatures = DEFAULT_FEATURES): Expr {
  const r = typeCheck(expr, features);
  const first = r.errors[0];
  if (first || !r.ast) throw new EvalError(first ? `${first.kind === 'syntax' ? 'parse error' : 'type error'}: ${first.message}` : 'parse error: no expression found in input');
  return r.ast;
}

interface CompiledSelector {
  matchers: Matcher[];
  series: StoredSeries[];
}

function nativeHistogram(l: Labels): UnsupportedError {
  return new UnsupportedError(`series ${formatLabels(l)} holds native histogram samples, which obsgen's engine does not evaluate`);
}

/** Go's timestamp.FromFloatSeconds. */
function secondsToMs(s: number): number {
  return Math.round(s * 1000);
}

/** A selector's matchers and selection key, by selector node: a parsed rule expression is queried at every step. */
const MATCHERS = new WeakMap<Expr, { matchers: Matcher[]; key: string }>();

export class Evaluator {
  readonly lookbackMs: number;
  readonly noStepSubqueryMs: number;
  private readonly selectors = new Map<Expr, CompiledSelector>();
  private readonly subqueryCache = new Map<Expr, Map<number, Sample[]>>();
  /** Per range-vector function call: output label set -> the input series that produced it, over the whole query. */
  private readonly matrixOutputs = new Map<Expr, Map<string, string>>();

  constructor(
    readonly store: SeriesStore,
    /** The query's start and end (ms), what @ start() / @ end() and start()/end() mean. */
    readonly startMs: number,
    readonly endMs: number,
    readonly stepMs: number,
    opts: QueryOptions = {},
  ) {
    this.lookbackMs = opts.lookbackDeltaMs ?? 5 * 60_000;
    this.noStepSubqueryMs = opts.noStepSubqueryIntervalMs ?? 60_000;
  }

  /** A duration expression in ms: literals, step(), range() and arithmetic on them. */
  durationMs(d: DurationNode | undefined): number {
    return d ? secondsToMs(this.durationSeconds(d)) : 0;
  }

  private durationSeconds(d: DurationNode): number {
    switch (d.kind) {
      case 'literal':
        return d.seconds;
      case 'step':
        return this.stepMs / 1000;
      case 'range':
        return (this.endMs - this.startMs) / 1000;
      case 'paren':
        return this.durationSeconds(d.expr);
      case 'unary':
        return d.op === '-' ? -this.durationSeconds(d.expr) : this.durationSeconds(d.expr);
      case 'binary': {
        const l = this.durationSeconds(d.lhs);
        const r = this.durationSeconds(d.rhs);
        switch (d.op) {
          case '+': return l + r;
          case '-': return l - r;
          case '*': return l * r;
          case '/': return l / r;
          case '%': return l % r;
          case '^': return Math.pow(l, r);
          case 'min_of': return Math.min(l, r);
          case 'max_of': return Math.max(l, r);
        }
      }
    }
    throw new EvalError('unknown duration expression');
  }

  /** The time a selector or subquery reads at when evaluated at t: @ if given, minus offset. */
  refTime(m: Modifiers, t: number): number {
    let base = t;
    if (m.at === 'start') base = this.startMs;
    else if (m.at === 'end') base = this.endMs;
    else if (typeof m.at === 'number') base = secondsToMs(m.at);
    return base - this.durationMs(m.offset);
  }

  private compiled(e: Extract<Expr, { kind: 'selector' }>): CompiledSelector {
    let c = this.selectors.get(e);
    if (!c) {
      let m = MATCHERS.get(e);
      if (!m) {
        if (e.anchored || e.smoothed) throw new UnsupportedError('the anchored and smoothed modifiers (promql-extended-range-selectors) are not supported by obsgen\'s engine');
        const matchers: Matcher[] = e.matchers.map((m) => ({ name: m.name, op: m.op, value: m.value }));
        if (e.name !== undefined) matchers.unshift({ name: '__name__', op: '=', value: e.name });
        for (const m of matchers) {
          if (m.op !== '=~' && m.op !== '!~') continue;
          const re = re2Regexp(m.value);
          if (typeof re === 'string') throw new UnsupportedError(`regex ${JSON.stringify(m.value)} ${re}`);
        }
        m = { matchers, key: selectionKey(matchers) };
        MATCHERS.set(e, m);
      }
      c = { matchers: m.matchers, series: this.store.select(m.matchers, undefined, undefined, m.key) };
      this.selectors.set(e, c);
    }
    return c;
  }

  /** An instant vector selector at t: the newest sample in (ref - lookback, ref], unless it is a staleness marker. */
  selectVector(e: Extract<Expr, { kind: 'selector' }>, t: number): Sample[] {
    const { series } = this.compiled(e);
    const ref = this.refTime(e, t);
    const out: Sample[] = [];
    for (const s of series) {
      const i = upperBound(s.ts, ref) - 1;
      if (i < 0) continue;
      const st = s.ts[i]!;
      if (st <= ref - this.lookbackMs) continue;
      if (s.stale?.[i]) continue;
      if (s.hist?.[i]) throw nativeHistogram(s.labels);
      out.push({ labels: s.labels, v: s.vs[i]!, t: st });
    }
    return out;
  }

  /** A range selector at t: the samples in (ref - range, ref], staleness markers left out. */
  selectMatrix(e: Extract<Expr, { kind: 'matrix' }>, t: number): Extract<Value, { kind: 'matrix' }> {
    const sel = e.selector as Extract<Expr, { kind: 'selector' }>;
    const { series } = this.compiled(sel);
    const ref = this.refTime(sel, t);
    const rangeMs = this.durationMs(e.range);
    const out: RangeSeries[] = [];
    for (const s of series) {
      const lo = upperBound(s.ts, ref - rangeMs);
      const hi = upperBound(s.ts, ref);
      if (hi <= lo) continue;
      if (s.hist) for (let i = lo; i < hi; i++) if (s.hist[i]) throw nativeHistogram(s.labels);
      let ts = s.ts.slice(lo, hi);
      let vs = s.vs.slice(lo, hi);
      if (s.stale) {
        const keep: number[] = [];
        for (let i = lo; i < hi; i++) if (!s.stale[i]) keep.push(i - lo);
        if (keep.length !== ts.length) {
          ts = keep.map((i) => ts[i]!);
          vs = keep.map((i) => vs[i]!);
        }
      }
      if (ts.length) out.push({ labels: s.labels, ts, vs });
    }
    return { kind: 'matrix', v: out, rangeMs, endMs: ref };
  }

  /** A subquery at t: the inner expression at every multiple of its step in (ref - range, ref]. */
  subquery(e: Extract<Expr, { kind: 'subquery' }>, t: number): Extract<Value, { kind: 'matrix' }> {
    const ref = this.refTime(e, t);
    const rangeMs = this.durationMs(e.range);
    const stepMs = e.step ? this.durationMs(e.step) : this.noStepSubqueryMs;
    if (stepMs <= 0) throw new EvalError('subquery step must be greater than 0');
    // Go's integer division truncates toward zero.
    let start = stepMs * Math.trunc((ref - rangeMs) / stepMs);
    if (start <= ref - rangeMs) start += stepMs;
    let cache = this.subqueryCache.get(e);
    if (!cache) this.subqueryCache.set(e, (cache = new Map()));
    const byKey = new Map<string, RangeSeries>();
    for (let ts = start; ts <= ref; ts += stepMs) {
      let vec = cache.get(ts);
      if (!vec) {
        const v = this.eval(e.expr, ts);
        vec = v.kind === 'vector' ? v.v : v.kind === 'scalar' ? [{ labels: {}, v: v.v }] : [];
        cache.set(ts, vec);
      }
      for (const s of vec) {
        const k = labelsKey(s.labels);
        let rs = byKey.get(k);
        if (!rs) byKey.set(k, (rs = { labels: s.labels, ts: [], vs: [] }));
        rs.ts.push(ts);
        rs.vs.push(s.v);
      }
    }
    return { kind: 'matrix', v: [...byKey.values()].sort((a, b) => compareLabels(a.labels, b.labels)), rangeMs, endMs: ref };
  }

  eval(e: Expr, t: number): Value {
    switch (e.kind) {
      case 'number':
        return { kind: 'scalar', v: e.value };
      case 'string':
        return { kind: 'string', v: e.value };
      case 'paren':
        return this.eval(e.expr, t);
      case 'selector':
        return { kind: 'vector', v: this.selectVector(e, t) };
      case 'matrix':
        return this.selectMatrix(e, t);
      case 'subquery':
        return this.subquery(e, t);
      case 'unary': {
        const v = this.eval(e.expr, t);
        if (e.op === '+') return v;
        if (v.kind === 'scalar') return { kind: 'scalar', v: -v.v };
        if (v.kind !== 'vector') throw new EvalError('unary expression only allowed on expressions of type scalar or instant vector');
        return { kind: 'vector', v: unique(v.v.map((s) => ({ labels: dropMetricName(s.labels), v: -s.v }))) };
      }
      case 'binary':
        return this.binary(e, t);
      case 'aggregate':
        return { kind: 'vector', v: unique(this.aggregate(e, t)) };
      case 'call':
        return callFunction(this, e, t);
    }
  }

  private binary(e: Extract<Expr, { kind: 'binary' }>, t: number): Value {
    const l = this.eval(e.lhs, t);
    const r = this.eval(e.rhs, t);
    if (l.kind === 'scalar' && r.kind === 'scalar') return { kind: 'scalar', v: scalarBinop(e.op, l.v, r.v) };
    if (l.kind === 'vector' && r.kind === 'vector') {
      const m = e.matching ?? { card: 'one-to-one', on: false, labels: [], include: [] };
      if (e.op === 'and' || e.op === 'or' || e.op === 'unless') return { kind: 'vector', v: unique(setBinop(e.op, l.v, r.v, m)) };
      return { kind: 'vector', v: unique(vectorBinop(e.op, l.v, r.v, m, e.bool)) };
    }
    if (l.kind === 'vector' && r.kind === 'scalar') return { kind: 'vector', v: unique(vectorScalarBinop(e.op, l.v, r.v, false, e.bool)) };
    if (l.kind === 'scalar' && r.kind === 'vector') return { kind: 'vector', v: unique(vectorScalarBinop(e.op, r.v, l.v, true, e.bool)) };
    throw new EvalError('binary expression must contain only scalar and instant vector types');
  }

  private aggregate(e: Extract<Expr, { kind: 'aggregate' }>, t: number): Sample[] {
    if (!e.expr) throw new EvalError('no arguments for aggregate expression provided');
    const spec = { op: e.op, grouping: e.grouping, without: e.without };
    if (e.op === 'count_values') {
      const label = (this.eval(e.param!, t) as { v: string }).v;
      if (label === '' || !isValidUtf8(label)) throw new EvalError(`invalid label name ${JSON.stringify(label)}`);
      return countValues(spec, this.vector(e.expr, t), label);
    }
    const param = e.param ? this.scalar(e.param, t) : NaN;
    const vec = this.vector(e.expr, t);
    if (e.op === 'topk' || e.op === 'bottomk' || e.op === 'limitk' || e.op === 'limit_ratio') return aggregateK(spec, vec, param);
    return aggregate(spec, vec, param);
  }

  /**
   * A range-vector function's output series over the whole query (engine.go checks the output
   * matrix, not each step): two input series that end up with the same labels fail the query
   * even when they never have a value at the same step.
   */
  checkMatrixOutput(call: Expr, input: Labels, output: Labels): void {
    let outputs = this.matrixOutputs.get(call);
    if (!outputs) this.matrixOutputs.set(call, (outputs = new Map()));
    const k = labelsKey(output);
    const from = labelsKey(input);
    const seen = outputs.get(k);
    if (seen === undefined) outputs.set(k, from);
    else if (seen !== from) throw new EvalError('vector cannot contain metrics with the same labelset');
  }

  vector(e: Expr, t: number): Sample[] {
    const v = this.eval(e, t);
    if (v.kind !== 'vector') throw new EvalError(`expected instant vector, got ${v.kind}`);
    return v.v;
  }

  scalar(e: Expr, t: number): number {
    const v = this.eval(e, t);
    if (v.kind !== 'scalar') throw new EvalError(`expected scalar, got ${v.kind}`);
    return v.v;
  }
}

function isValidUtf8(s: string): boolean {
  return !/[\uD800-\uDFFF]/.test(s.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ''));
}

/** rangeEval's check: one step's result may not hold two series with the same labels. */
export function unique(vec: Sample[]): Sample[] {
  if (vec.length < 2) return vec;
  const seen = new Set<string>();
  for (const s of vec) {
    const k = labelsKey(s.labels);
    if (seen.has(k)) throw new EvalError('vector cannot contain metrics with the same labelset');
    seen.add(k);
  }
  return vec;
}

function toQueryVector(vec: Sample[], share = false): QueryValue {
  if (share) return { type: 'vector', samples: vec.map((s) => ({ labels: s.labels, value: s.v })) };
  return { type: 'vector', samples: vec.map((s) => ({ labels: { ...s.labels }, value: s.v })) };
}

function resolve(expr: string | Expr, opts: QueryOptions): Expr {
  return typeof expr === 'string' ? parseExpr(expr, opts.features ?? DEFAULT_FEATURES) : expr;
}

/** Evaluates `expr` at one time (ms), as GET /api/v1/query does. */
export function instantQuery(store: SeriesStore, expr: string | Expr, timeMs: number, opts: QueryOptions = {}): QueryValue {
  const ast = resolve(expr, opts);
  const ev = new Evaluator(store, timeMs, timeMs, 0, opts);
  const v = ev.eval(ast, timeMs);
  switch (v.kind) {
    case 'scalar':
      return { type: 'scalar', value: v.v };
    case 'string':
      return { type: 'string', value: v.v };
    case 'vector':
      return toQueryVector(v.v, opts.shareLabels === true);
    case 'matrix':
      return { type: 'matrix', series: v.v.map((s) => ({ labels: { ...s.labels }, points: s.ts.map((t, i) => ({ t, v: s.vs[i]! })) })) };
  }
}

/** Evaluates `expr` at start, start + step, ... <= end (ms), as GET /api/v1/query_range does. */
export function rangeQuery(store: SeriesStore, expr: string | Expr, startMs: number, endMs: number, stepMs: number, opts: QueryOptions = {}): QueryValue {
  const ast = resolve(expr, opts);
  if (ast.type !== 'vector' && ast.type !== 'scalar') {
    throw new EvalError(`invalid expression type ${JSON.stringify(ast.type === 'matrix' ? 'range vector' : ast.type)} for range query, must be Scalar or instant Vector`);
  }
  if (stepMs <= 0) throw new EvalError('zero or negative query resolution step widths are not accepted. Try a positive integer');
  if (endMs < startMs) throw new EvalError('end timestamp must not be before start time');
  const ev = new Evaluator(store, startMs, endMs, stepMs, opts);
  const byKey = new Map<string, { labels: Labels; points: { t: number; v: number }[] }>();
  for (let t = startMs; t <= endMs; t += stepMs) {
    const v = ev.eval(ast, t);
    const vec: Sample[] = v.kind === 'scalar' ? [{ labels: {}, v: v.v }] : v.kind === 'vector' ? v.v : [];
    for (const s of vec) {
      const k = labelsKey(s.labels);
      let series = byKey.get(k);
      if (!series) byKey.set(k, (series = { labels: s.labels, points: [] }));
      series.points.push({ t, v: s.v });
    }
  }
  const series = [...byKey.values()].sort((a, b) => compareLabels(a.labels, b.labels));
  return { type: 'matrix', series: series.map((s) => ({ labels: { ...s.labels }, points: s.points })) };
}
