/**
 * The numeric part of PromQL's functions (promql/functions.go) on float samples: range-vector
 * functions over one series' window (rate/increase/delta with extrapolatedRate, irate/idelta,
 * *_over_time, deriv, predict_linear, resets, changes, double_exponential_smoothing) and the
 * per-sample math and date functions. The evaluator (engine.ts) does the series bookkeeping.
 */
import { kahanInc, quantile } from './quantile.ts';

/** One series' samples in a window (stale markers removed). */
export interface Points {
  ts: number[];
  vs: number[];
}

export interface Window {
  /** The window is (startMs, endMs]. */
  startMs: number;
  endMs: number;
  rangeSeconds: number;
  /** The evaluation time (enh.Ts). */
  evalMs: number;
}

/** extrapolatedRate for float samples, without start timestamps. */
export function extrapolatedRate(p: Points, w: Window, isCounter: boolean, isRate: boolean): number | undefined {
  const n = p.vs.length;
  if (n < 2) return undefined;
  const firstT = p.ts[0]!;
  const lastT = p.ts[n - 1]!;
  let result = p.vs[n - 1]! - p.vs[0]!;
  if (isCounter) {
    for (let i = 1; i < n; i++) if (p.vs[i]! < p.vs[i - 1]!) result += p.vs[i - 1]!;
  }
  let durationToStart = (firstT - w.startMs) / 1000;
  let durationToEnd = (w.endMs - lastT) / 1000;
  const sampledInterval = (lastT - firstT) / 1000;
  const averageDurationBetweenSamples = sampledInterval / (n - 1);
  const extrapolationThreshold = averageDurationBetweenSamples * 1.1;
  if (durationToStart >= extrapolationThreshold) durationToStart = averageDurationBetweenSamples / 2;
  if (isCounter) {
    let durationToZero = durationToStart;
    if (result > 0 && p.vs[0]! >= 0) durationToZero = sampledInterval * (p.vs[0]! / result);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  if (durationToEnd >= extrapolationThreshold) durationToEnd = averageDurationBetweenSamples / 2;
  let factor = 1;
  if (sampledInterval !== 0) factor = (sampledInterval + durationToStart + durationToEnd) / sampledInterval;
  if (isRate) factor /= w.rangeSeconds;
  return result * factor;
}

/** instantValue: irate (isRate) and idelta over the last two samples. */
export function instantValue(p: Points, isRate: boolean): number | undefined {
  const n = p.vs.length;
  if (n < 2) return undefined;
  const [t0, t1] = [p.ts[n - 2]!, p.ts[n - 1]!];
  const [v0, v1] = [p.vs[n - 2]!, p.vs[n - 1]!];
  const sampledInterval = t1 - t0;
  if (sampledInterval === 0) return undefined;
  let result = v1;
  if (!isRate || !(v1 < v0)) result = v1 - v0;
  if (isRate) result /= sampledInterval / 1000;
  return result;
}

function linearRegression(p: Points, interceptTime: number): [number, number] {
  let n = 0;
  let sumX = 0, cX = 0, sumY = 0, cY = 0, sumXY = 0, cXY = 0, sumX2 = 0, cX2 = 0;
  const initY = p.vs[0]!;
  let constY = true;
  for (let i = 0; i < p.vs.length; i++) {
    const y = p.vs[i]!;
    if (constY && i > 0 && y !== initY) constY = false;
    n += 1;
    const x = (p.ts[i]! - interceptTime) / 1e3;
    [sumX, cX] = kahanInc(x, sumX, cX);
    [sumY, cY] = kahanInc(y, sumY, cY);
    [sumXY, cXY] = kahanInc(x * y, sumXY, cXY);
    [sumX2, cX2] = kahanInc(x * x, sumX2, cX2);
  }
  if (constY) {
    if (!Number.isFinite(initY) && !Number.isNaN(initY)) return [NaN, NaN];
    return [0, initY];
  }
  sumX += cX;
  sumY += cY;
  sumXY += cXY;
  sumX2 += cX2;
  const covXY = sumXY - (sumX * sumY) / n;
  const varX = sumX2 - (sumX * sumX) / n;
  const slope = covXY / varX;
  const intercept = sumY / n - (slope * sumX) / n;
  return [slope, intercept];
}

function avgOverTime(vs: number[]): number {
  let sum = vs[0]!;
  let count = 1;
  let mean = 0;
  let kahanC = 0;
  let incremental = false;
  for (let i = 1; i < vs.length; i++) {
    const f = vs[i]!;
    count = i + 1;
    if (!incremental) {
      const [ns, nc] = kahanInc(f, sum, kahanC);
      if (Number.isNaN(ns) || Number.isFinite(ns)) {
        [sum, kahanC] = [ns, nc];
        continue;
      }
      incremental = true;
      mean = sum / (count - 1);
      kahanC /= count - 1;
    }
    const q = (count - 1) / count;
    [mean, kahanC] = kahanInc(f / count, q * mean, q * kahanC);
  }
  if (incremental) return mean + kahanC;
  return sum / count + kahanC / count;
}

function varianceOverTime(vs: number[]): number {
  let count = 0, mean = 0, cMean = 0, aux = 0, cAux = 0;
  for (const f of vs) {
    count++;
    const delta = f - (mean + cMean);
    [mean, cMean] = kahanInc(delta / count, mean, cMean);
    [aux, cAux] = kahanInc(delta * (f - (mean + cMean)), aux, cAux);
  }
  return (aux + cAux) / count;
}

function compareOverTime(p: Points, better: (cur: number, best: number) => boolean, timestamp: boolean): number {
  let best = p.vs[0]!;
  let tsOf = p.ts[0]!;
  for (let i = 0; i < p.vs.length; i++) {
    if (better(p.vs[i]!, best)) [best, tsOf] = [p.vs[i]!, p.ts[i]!];
  }
  return timestamp ? tsOf / 1000 : best;
}

function calcTrendValue(i: number, tf: number, s0: number, s1: number, b: number): number {
  if (i === 0) return b;
  return tf * (s1 - s0) + (1 - tf) * b;
}

/** A function over one series' window: its value, or undefined to drop the series. */
export type RangeFunction = (p: Points, w: Window, args: number[]) => number | undefined;

const nonEmpty = (f: (p: Points, w: Window, args: number[]) => number): RangeFunction => (p, w, a) => (p.vs.length === 0 ? undefined : f(p, w, a));

export const RANGE_FUNCTIONS: Record<string, RangeFunction> = {
  rate: (p, w) => extrapolatedRate(p, w, true, true),
  increase: (p, w) => extrapolatedRate(p, w, true, false),
  delta: (p, w) => extrapolatedRate(p, w, false, false),
  irate: (p) => instantValue(p, true),
  idelta: (p) => instantValue(p, false),
  avg_over_time: nonEmpty((p) => avgOverTime(p.vs)),
  sum_over_time: nonEmpty((p) => {
    let sum = 0, c = 0;
    for (const f of p.vs) [sum, c] = kahanInc(f, sum, c);
    return !Number.isFinite(sum) && !Number.isNaN(sum) ? sum : sum + c;
  }),
  count_over_time: nonEmpty((p) => p.vs.length),
  min_over_time: nonEmpty((p) => compareOverTime(p, (c, b) => c < b || Number.isNaN(b), false)),
  max_over_time: nonEmpty((p) => compareOverTime(p, (c, b) => c > b || Number.isNaN(b), false)),
  ts_of_min_over_time: nonEmpty((p) => compareOverTime(p, (c, b) => c <= b || Number.isNaN(b), true)),
  ts_of_max_over_time: nonEmpty((p) => compareOverTime(p, (c, b) => c >= b || Number.isNaN(b), true)),
  ts_of_first_over_time: nonEmpty((p) => p.ts[0]! / 1000),
  ts_of_last_over_time: nonEmpty((p) => p.ts[p.ts.length - 1]! / 1000),
  first_over_time: nonEmpty((p) => p.vs[0]!),
  last_over_time: nonEmpty((p) => p.vs[p.vs.length - 1]!),
  present_over_time: nonEmpty(() => 1),
  stddev_over_time: nonEmpty((p) => Math.sqrt(varianceOverTime(p.vs))),
  stdvar_over_time: nonEmpty((p) => varianceOverTime(p.vs)),
  quantile_over_time: nonEmpty((p, _w, a) => quantile(a[0]!, p.vs)),
  mad_over_time: nonEmpty((p) => {
    if (p.vs.some(Number.isNaN)) return NaN;
    const median = quantile(0.5, p.vs);
    return quantile(0.5, p.vs.map((v) => Math.abs(v - median)));
  }),
  changes: nonEmpty((p) => {
    let changes = 0;
    for (let i = 1; i < p.vs.length; i++) {
      const [prev, cur] = [p.vs[i - 1]!, p.vs[i]!];
      if (cur !== prev && !(Number.isNaN(cur) && Number.isNaN(prev))) changes++;
    }
    return changes;
  }),
  resets: nonEmpty((p) => {
    let resets = 0;
    for (let i = 1; i < p.vs.length; i++) if (p.vs[i]! < p.vs[i - 1]!) resets++;
    return resets;
  }),
  deriv: (p) => (p.vs.length < 2 ? undefined : linearRegression(p, p.ts[0]!)[0]),
  predict_linear: (p, w, a) => {
    if (p.vs.length < 2) return undefined;
    const [slope, intercept] = linearRegression(p, w.evalMs);
    return slope * a[0]! + intercept;
  },
  double_exponential_smoothing: (p, _w, a) => {
    const [sf, tf] = [a[0]!, a[1]!];
    const l = p.vs.length;
    if (l < 2) return undefined;
    let s0 = 0;
    let s1 = p.vs[0]!;
    let b = p.vs[1]! - p.vs[0]!;
    for (let i = 1; i < l; i++) {
      const x = sf * p.vs[i]!;
      b = calcTrendValue(i - 1, tf, s0, s1, b);
      const y = (1 - sf) * (s1 + b);
      [s0, s1] = [s1, x + y];
    }
    return s1;
  },
};

/** Per-sample math (simpleFloatFunc); all drop the metric name. */
export const MATH_FUNCTIONS: Record<string, (f: number) => number> = {
  abs: Math.abs,
  ceil: Math.ceil,
  floor: Math.floor,
  exp: Math.exp,
  sqrt: Math.sqrt,
  ln: Math.log,
  log2: Math.log2,
  log10: Math.log10,
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  asin: Math.asin,
  acos: Math.acos,
  atan: Math.atan,
  sinh: Math.sinh,
  cosh: Math.cosh,
  tanh: Math.tanh,
  asinh: Math.asinh,
  acosh: Math.acosh,
  atanh: Math.atanh,
  rad: (f) => (f * Math.PI) / 180,
  deg: (f) => (f * 180) / Math.PI,
  sgn: (f) => (f < 0 ? -1 : f > 0 ? 1 : f),
};

/** Go's int64(f) for a float64 on amd64: NaN and out-of-range values become MinInt64. */
function goInt64(f: number): number {
  if (Number.isNaN(f) || f >= 9223372036854775807 || f < -9223372036854775808) return -9223372036854775808;
  return Math.trunc(f);
}

/** The UTC date of a Unix time in seconds (time.Unix(int64(f), 0).UTC()). */
function utc(seconds: number): Date {
  return new Date(goInt64(seconds) * 1000);
}

/** dateWrapper's functions: of a Unix time in seconds. */
export const DATE_FUNCTIONS: Record<string, (seconds: number) => number> = {
  days_in_month: (s) => {
    const d = utc(s);
    return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  },
  day_of_month: (s) => utc(s).getUTCDate(),
  day_of_week: (s) => utc(s).getUTCDay(),
  day_of_year: (s) => {
    const d = utc(s);
    return Math.round((Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86400000) + 1;
  },
  hour: (s) => utc(s).getUTCHours(),
  minute: (s) => utc(s).getUTCMinutes(),
  month: (s) => utc(s).getUTCMonth() + 1,
  year: (s) => utc(s).getUTCFullYear(),
};
