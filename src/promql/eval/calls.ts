/**
 * Function calls at one step (engine.go's Call case and functions.go): range-vector functions
 * per series, per-sample math and dates, and the functions that work on whole vectors or labels
 * (absent, label_replace, label_join, sort*, histogram_quantile, scalar, vector, timestamp, ...).
 * Native-histogram functions see only float samples, so they return nothing; info() is refused.
 */
import type { Expr } from '../ast.ts';
import { re2Regexp } from '../../core/re2.ts';
import type { Evaluator } from './engine.ts';
import { unique } from './engine.ts';
import { DATE_FUNCTIONS, MATH_FUNCTIONS, RANGE_FUNCTIONS } from './functions.ts';
import { compareLabels, dropMetricName, EMPTY_LABELS, labelsKey, memo, withLabels, type Labels } from './labels.ts';
import { bucketFraction, bucketQuantile, type Bucket } from './quantile.ts';
import { EvalError, UnsupportedError, type Sample, type Value } from './values.ts';

type Call = Extract<Expr, { kind: 'call' }>;

function unwrap(e: Expr): Expr {
  while (e.kind === 'paren') e = e.expr;
  return e;
}

function vec(v: Sample[]): Value {
  return { kind: 'vector', v };
}

/** createLabelsForAbsentFunction: the equality matchers of a selector, a label matched twice left out. */
function absentLabels(arg: Expr): Labels {
  const e = unwrap(arg);
  const sel = e.kind === 'selector' ? e : e.kind === 'matrix' && e.selector.kind === 'selector' ? e.selector : undefined;
  if (!sel) return EMPTY_LABELS;
  const out: Record<string, string> = {};
  const has = new Set<string>();
  for (const m of sel.matchers) {
    if (m.name === '__name__') continue;
    if (m.op === '=' && !has.has(m.name)) {
      out[m.name] = m.value;
      has.add(m.name);
    } else delete out[m.name];
  }
  return withLabels(EMPTY_LABELS, out);
}

/** Go's regexp.Expand template: $1, ${1}, $name, ${name}, $$. */
function expandTemplate(template: string, m: RegExpExecArray): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c !== '$' || i === template.length - 1) {
      out += c;
      continue;
    }
    if (template[i + 1] === '$') {
      out += '$';
      i++;
      continue;
    }
    let name: string | undefined;
    let end = i;
    if (template[i + 1] === '{') {
      const close = template.indexOf('}', i + 2);
      const inner = close < 0 ? '' : template.slice(i + 2, close);
      if (close >= 0 && /^[A-Za-z0-9_]+$/.test(inner)) [name, end] = [inner, close];
    } else {
      const w = /^[A-Za-z0-9_]+/.exec(template.slice(i + 1));
      if (w) [name, end] = [w[0], i + w[0].length];
    }
    if (name === undefined) {
      out += '$';
      continue;
    }
    if (/^[0-9]+$/.test(name)) {
      const n = Number(name);
      out += n < m.length ? (m[n] ?? '') : '';
    } else out += m.groups?.[name] ?? '';
    i = end;
  }
  return out;
}

/** Prometheus 3's label name check (UTF-8 names): non-empty, valid UTF-8. */
export function isValidLabelName(s: string): boolean {
  return s !== '' && !/[\uD800-\uDFFF]/.test(s.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ''));
}

/** strconv.ParseFloat as histogram_quantile reads `le`. */
export function goParseFloat(s: string): number | undefined {
  const t = s.toLowerCase();
  if (/^[+-]?(inf|infinity)$/.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/.test(t)) return NaN;
  if (/^[+-]?(\d+(_\d+)*\.?(\d+(_\d+)*)?|\.\d+(_\d+)*)([eE][+-]?\d+)?$/.test(s)) {
    if (s.includes('_')) return undefined;
    return Number(s);
  }
  if (/^[+-]?0x[0-9a-f]*\.?[0-9a-f]*p[+-]?\d+$/i.test(s)) {
    const m = /^([+-]?)0x([0-9a-f]*)\.?([0-9a-f]*)p([+-]?\d+)$/i.exec(s)!;
    const mant = parseInt((m[2] || '0') + (m[3] || ''), 16) / Math.pow(16, (m[3] || '').length);
    return (m[1] === '-' ? -1 : 1) * mant * Math.pow(2, Number(m[4]));
  }
  return undefined;
}

/** github.com/facette/natsort Compare: digit runs compare as numbers. */
function natLess(a: string, b: string): boolean {
  const ca = a.match(/(\d+|\D+)/g) ?? [];
  const cb = b.match(/(\d+|\D+)/g) ?? [];
  for (let i = 0; i < ca.length; i++) {
    if (i >= cb.length) return false;
    const x = ca[i]!;
    const y = cb[i]!;
    const xi = /^\d+$/.test(x) && x.length < 19 ? Number(x) : undefined;
    const yi = /^\d+$/.test(y) && y.length < 19 ? Number(y) : undefined;
    if (xi !== undefined && yi !== undefined) {
      if (xi === yi) {
        if (i === ca.length - 1) return true;
        if (i === cb.length - 1) return false;
        continue;
      }
      return xi < yi;
    }
    if (x === y) {
      if (i === ca.length - 1) return true;
      if (i === cb.length - 1) return false;
      continue;
    }
    return x < y;
  }
  return false;
}

/** Go's sort.Sort for small inputs (insertion sort); larger inputs sort stably by the same order. */
function goSort(v: Sample[], less: (a: Sample, b: Sample) => boolean): Sample[] {
  const out = [...v];
  if (out.length <= 12) {
    for (let i = 1; i < out.length; i++) for (let j = i; j > 0 && less(out[j]!, out[j - 1]!); j--) [out[j], out[j - 1]] = [out[j - 1]!, out[j]!];
    return out;
  }
  return out.sort((a, b) => (less(a, b) ? -1 : less(b, a) ? 1 : 0));
}

function histogramQuantile(q: number, input: Sample[], fraction?: [number, number]): Sample[] {
  const groups = new Map<string, { labels: Labels; buckets: Bucket[] }>();
  for (const s of input) {
    const ub = goParseFloat(s.labels.le ?? '');
    if (ub === undefined) continue;
    // The bucket's series without `le`, once per input label set (the same objects step after step).
    const { key, labels } = memo(s.labels, '\x00histogramGroup', () => {
      const rest: Record<string, string> = { ...s.labels };
      delete rest.le;
      return { key: labelsKey(withLabels(EMPTY_LABELS, rest)), labels: dropMetricName(withLabels(EMPTY_LABELS, rest)) };
    });
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { labels, buckets: [] }));
    g.buckets.push({ upperBound: ub, count: s.v });
  }
  const out: Sample[] = [];
  for (const g of groups.values()) {
    if (!g.buckets.length) continue;
    out.push({ labels: g.labels, v: fraction ? bucketFraction(fraction[0], fraction[1], g.buckets) : bucketQuantile(q, g.buckets) });
  }
  return out;
}

function labelReplace(input: Sample[], dst: string, repl: string, src: string, regex: string): Sample[] {
  const re = re2Regexp(regex);
  if (typeof re === 'string') throw new EvalError(`invalid regular expression in label_replace(): ${regex}`);
  if (!isValidLabelName(dst)) throw new EvalError(`invalid destination label name in label_replace(): ${dst}`);
  return input.map((s) => {
    const m = re.exec(s.labels[src] ?? '');
    if (!m) return s;
    return { labels: withLabels(s.labels, { [dst]: expandTemplate(repl, m) }), v: s.v };
  });
}

function floatFunc(input: Sample[], f: (v: number) => number): Sample[] {
  return input.map((s) => ({ labels: dropMetricName(s.labels), v: f(s.v) }));
}

const FP_SCALE = (f: number) => f.toFixed(6);

// Argument readers at module level: closures made per call cost an allocation (and a name) per step.
function scalarArg(ev: Evaluator, args: readonly Expr[], t: number, i: number): number {
  return ev.scalar(args[i]!, t);
}

function stringArg(ev: Evaluator, args: readonly Expr[], t: number, i: number): string {
  return args[i]!.kind === 'string' ? (args[i] as { value: string }).value : (ev.eval(args[i]!, t) as { v: string }).v;
}

export function callFunction(ev: Evaluator, e: Call, t: number): Value {
  const name = e.name;
  const args = e.args;

  const rangeFn = RANGE_FUNCTIONS[name];
  if (rangeFn) {
    const mi = e.fn.argTypes.indexOf('matrix');
    const m = ev.eval(args[mi]!, t);
    if (m.kind !== 'matrix') throw new EvalError(`expected range vector in call to ${name}`);
    const extra: number[] = [];
    for (let i = 0; i < args.length; i++) if (i !== mi) extra.push(ev.scalar(args[i]!, t));
    if (name === 'double_exponential_smoothing') {
      const [sf, tf] = extra as [number, number];
      if (!(sf > 0 && sf < 1)) throw new EvalError(`invalid smoothing factor. Expected: 0 < sf < 1, got: ${FP_SCALE(sf)}`);
      if (!(tf > 0 && tf < 1)) throw new EvalError(`invalid trend factor. Expected: 0 < tf < 1, got: ${FP_SCALE(tf)}`);
    }
    const keepName = name === 'last_over_time' || name === 'first_over_time';
    const w = { startMs: m.endMs - m.rangeMs, endMs: m.endMs, rangeSeconds: m.rangeMs / 1000, evalMs: t };
    const out: Sample[] = [];
    for (const s of m.v) {
      const v = rangeFn(s, w, extra);
      if (v === undefined) continue;
      const labels = keepName ? s.labels : dropMetricName(s.labels);
      if (labels !== s.labels) ev.checkMatrixOutput(e, s.labels, labels);
      out.push({ labels, v });
    }
    return vec(unique(out));
  }
  const math = MATH_FUNCTIONS[name];
  if (math) return vec(unique(floatFunc(ev.vector(args[0]!, t), math)));
  const date = DATE_FUNCTIONS[name];
  if (date) {
    if (args.length === 0) return vec([{ labels: EMPTY_LABELS, v: date(Math.trunc(t / 1000)) }]);
    return vec(unique(floatFunc(ev.vector(args[0]!, t), date)));
  }

  switch (name) {
    case 'time':
      return { kind: 'scalar', v: t / 1000 };
    case 'pi':
      return { kind: 'scalar', v: Math.PI };
    case 'start':
      return { kind: 'scalar', v: ev.startMs / 1000 };
    case 'end':
      return { kind: 'scalar', v: ev.endMs / 1000 };
    case 'range':
      return { kind: 'scalar', v: (ev.endMs - ev.startMs) / 1000 };
    case 'step':
      return { kind: 'scalar', v: ev.stepMs / 1000 };
    case 'min_of':
      return { kind: 'scalar', v: Math.min(scalarArg(ev, args, t, 0), scalarArg(ev, args, t, 1)) };
    case 'max_of':
      return { kind: 'scalar', v: Math.max(scalarArg(ev, args, t, 0), scalarArg(ev, args, t, 1)) };
    case 'vector':
      return vec([{ labels: EMPTY_LABELS, v: scalarArg(ev, args, t, 0) }]);
    case 'scalar': {
      const v = ev.vector(args[0]!, t);
      return { kind: 'scalar', v: v.length === 1 ? v[0]!.v : NaN };
    }
    case 'timestamp': {
      const arg = unwrap(args[0]!);
      if (arg.kind === 'selector') return vec(unique(ev.selectVector(arg, t).map((s) => ({ labels: dropMetricName(s.labels), v: s.t! / 1000 }))));
      return vec(unique(ev.vector(arg, t).map((s) => ({ labels: dropMetricName(s.labels), v: t / 1000 }))));
    }
    case 'absent':
      return vec(ev.vector(args[0]!, t).length > 0 ? [] : [{ labels: absentLabels(args[0]!), v: 1 }]);
    case 'absent_over_time': {
      const m = ev.eval(args[0]!, t);
      return vec(m.kind === 'matrix' && m.v.some((s) => s.ts.length > 0) ? [] : [{ labels: absentLabels(args[0]!), v: 1 }]);
    }
    case 'clamp': {
      const v = ev.vector(args[0]!, t);
      const [min, max] = [scalarArg(ev, args, t, 1), scalarArg(ev, args, t, 2)];
      if (max < min) return vec([]);
      return vec(unique(floatFunc(v, (f) => Math.max(min, Math.min(max, f)))));
    }
    case 'clamp_min': {
      const v = ev.vector(args[0]!, t);
      const min = scalarArg(ev, args, t, 1);
      return vec(unique(floatFunc(v, (f) => Math.max(min, Math.min(Infinity, f)))));
    }
    case 'clamp_max': {
      const v = ev.vector(args[0]!, t);
      const max = scalarArg(ev, args, t, 1);
      return vec(unique(floatFunc(v, (f) => Math.max(-Infinity, Math.min(max, f)))));
    }
    case 'round': {
      const v = ev.vector(args[0]!, t);
      const toNearest = args.length >= 2 ? scalarArg(ev, args, t, 1) : 1;
      const inv = 1 / toNearest;
      return vec(unique(floatFunc(v, (f) => Math.floor(f * inv + 0.5) / inv)));
    }
    case 'sort':
      return vec(goSort(ev.vector(args[0]!, t), (a, b) => Number.isNaN(b.v) || b.v > a.v));
    case 'sort_desc':
      return vec(goSort(ev.vector(args[0]!, t), (a, b) => Number.isNaN(b.v) || b.v < a.v));
    case 'sort_by_label':
    case 'sort_by_label_desc': {
      const labels = args.slice(1).map((_, i) => stringArg(ev, args, t, i + 1));
      const desc = name === 'sort_by_label_desc';
      const cmp = (a: Sample, b: Sample): number => {
        for (const l of labels) {
          const [x, y] = [a.labels[l] ?? '', b.labels[l] ?? ''];
          if (x === y) continue;
          return natLess(x, y) !== desc ? -1 : 1;
        }
        return desc ? -compareLabels(a.labels, b.labels) : compareLabels(a.labels, b.labels);
      };
      return vec([...ev.vector(args[0]!, t)].sort(cmp));
    }
    case 'label_replace':
      return vec(unique(labelReplace(ev.vector(args[0]!, t), stringArg(ev, args, t, 1), stringArg(ev, args, t, 2), stringArg(ev, args, t, 3), stringArg(ev, args, t, 4))));
    case 'label_join': {
      const dst = stringArg(ev, args, t, 1);
      const sep = stringArg(ev, args, t, 2);
      const srcs = args.slice(3).map((_, i) => stringArg(ev, args, t, i + 3));
      for (const s of srcs) if (!isValidLabelName(s)) throw new EvalError(`invalid source label name in label_join(): ${s}`);
      if (!isValidLabelName(dst)) throw new EvalError(`invalid destination label name in label_join(): ${dst}`);
      const v = ev.vector(args[0]!, t);
      return vec(unique(v.map((s) => ({ labels: withLabels(s.labels, { [dst]: srcs.map((l) => s.labels[l] ?? '').join(sep) }), v: s.v }))));
    }
    case 'histogram_quantile': {
      const q = scalarArg(ev, args, t, 0);
      return vec(unique(histogramQuantile(q, ev.vector(args[1]!, t))));
    }
    case 'histogram_fraction': {
      const [lower, upper] = [scalarArg(ev, args, t, 0), scalarArg(ev, args, t, 1)];
      return vec(unique(histogramQuantile(NaN, ev.vector(args[2]!, t), [lower, upper])));
    }
    case 'histogram_count':
    case 'histogram_sum':
    case 'histogram_avg':
    case 'histogram_stddev':
    case 'histogram_stdvar':
      // Native-histogram functions ignore float samples; obsgen's store holds only floats.
      ev.vector(args[0]!, t);
      return vec([]);
    case 'start_timestamp':
      // Without start timestamps in the store, there is nothing to return.
      ev.vector(args[0]!, t);
      return vec([]);
    case 'info':
    case 'histogram_quantiles':
      throw new UnsupportedError(`function ${name}() is not supported by obsgen's engine`);
  }
  throw new UnsupportedError(`function ${name}() is not supported by obsgen's engine`);
}
