import { describe, expect, it } from 'vitest';
import { EvalError, instantQuery, rangeQuery, SeriesStore, STALE, UnsupportedError } from '../../../src/promql/eval/index.ts';

const m = (n: number) => n * 60_000;

/** A store from `labels -> values every minute from 0` (null skips a minute, 'stale' ends the series). */
function store(series: Record<string, (number | null | 'stale')[]>): SeriesStore {
  const s = new SeriesStore();
  for (const [text, values] of Object.entries(series)) {
    const [, name, body] = /^([^{]*)(?:\{(.*)\})?$/.exec(text)!;
    const labels: Record<string, string> = name ? { __name__: name } : {};
    for (const kv of (body ?? '').split(',').filter(Boolean)) {
      const [k, v] = kv.split('=');
      labels[k!.trim()] = JSON.parse(v!);
    }
    values.forEach((v, i) => {
      if (v === 'stale') s.append(labels, m(i), STALE);
      else if (v !== null) s.append(labels, m(i), v);
    });
  }
  return s;
}

function vec(s: SeriesStore, expr: string, t: number): Record<string, number> {
  const r = instantQuery(s, expr, t);
  if (r.type === 'scalar') return { scalar: r.value };
  if (r.type !== 'vector') throw new Error(`got ${r.type}`);
  return Object.fromEntries(r.samples.map((x) => [JSON.stringify(x.labels), x.value]));
}

const counter = (n: number, step: number, from = 0) => Array.from({ length: n }, (_, i) => from + i * step);

describe('selectors', () => {
  const s = store({ 'up{job="a"}': [1, 2, null, null, null, null, null, null] });
  it('looks back 5m, left-open: a sample exactly 5m old is gone, 5m - 1ms is found', () => {
    expect(vec(s, 'up', m(1) + m(5) - 1)).toEqual({ '{"__name__":"up","job":"a"}': 2 });
    expect(vec(s, 'up', m(1) + m(5))).toEqual({});
  });
  it('a staleness marker ends the series at once, before the lookback runs out', () => {
    const st = store({ 'x{a="1"}': [1, 2, 'stale', null, 4] });
    expect(vec(st, 'x', m(1) + 30_000)).toEqual({ '{"__name__":"x","a":"1"}': 2 });
    expect(vec(st, 'x', m(2))).toEqual({});
    expect(vec(st, 'x', m(3))).toEqual({});
    expect(vec(st, 'x', m(4))).toEqual({ '{"__name__":"x","a":"1"}': 4 });
    // Range selectors leave the marker out.
    expect(vec(st, 'count_over_time(x[5m])', m(4))).toEqual({ '{"a":"1"}': 3 });
  });
  it('range selectors are left-open (t - range, t]', () => {
    const c = store({ c: counter(11, 1) });
    expect(vec(c, 'count_over_time(c[5m])', m(10))).toEqual({ '{}': 5 });
    expect(vec(c, 'min_over_time(c[5m])', m(10))).toEqual({ '{}': 6 });
  });
  it('offset and @ move the reference time; @ start() / end() are the query range', () => {
    const c = store({ c: counter(11, 1) });
    expect(vec(c, 'c offset 3m', m(10))).toEqual({ '{"__name__":"c"}': 7 });
    expect(vec(c, 'c @ 120', m(10))).toEqual({ '{"__name__":"c"}': 2 });
    expect(vec(c, 'c @ 240 offset 1m', m(10))).toEqual({ '{"__name__":"c"}': 3 });
    const r = rangeQuery(c, 'c @ start() + c @ end()', m(2), m(4), m(1));
    expect(r).toEqual({ type: 'matrix', series: [{ labels: {}, points: [m(2), m(3), m(4)].map((t) => ({ t, v: 6 })) }] });
  });
  it('fails on a regex the engine cannot read instead of guessing', () => {
    const c = store({ 'c{a="x"}': [1] });
    expect(() => instantQuery(c, 'c{a=~"(?U)x+"}', 0)).toThrow(UnsupportedError);
  });
});

describe('rate, increase, irate (extrapolatedRate)', () => {
  it('extrapolates to the window start when the first sample is within 1.1 intervals', () => {
    const s = store({ 'c{i="a"}': counter(11, 10) });
    // (300s, 600s]: samples 360..600 (60..100), +60s to the start: 40 * 300/240.
    expect(vec(s, 'increase(c[5m])', m(10))).toEqual({ '{"i":"a"}': 50 });
    expect(vec(s, 'rate(c[5m])', m(10))['{"i":"a"}']).toBeCloseTo(50 / 300, 12);
  });
  it('extrapolates only half an interval at a series start, and not below zero', () => {
    // Samples at 7..10m: 2, 12, 22, 32. Start gap 120s >= 1.1 * 60s, so half an interval (30s),
    // but the counter reaches zero 12s before the first sample: 30 * (180 + 12) / 180.
    const s = store({ c: [null, null, null, null, null, null, null, 2, 12, 22, 32] });
    expect(vec(s, 'increase(c[5m])', m(10))['{}']).toBeCloseTo(32, 12);
    // delta() does not clamp at zero: 30 * (180 + 30) / 180.
    expect(vec(s, 'delta(c[5m])', m(10))['{}']).toBeCloseTo(35, 12);
  });
  it('adds counter resets, and irate uses the last two samples', () => {
    const s = store({ c: [0, 10, 20, 5, 15, 25] });
    // (0, 5m]: 10, 20, 5, 15, 25 -> 15 + 20 (reset) = 35 over 240s, extrapolated 60s back... clamped by zero point.
    const inc = vec(s, 'increase(c[5m])', m(5))['{}']!;
    // durationToZero = 240 * 10 / 35 = 68.57 > 60, so start extrapolation is 60s: 35 * 300 / 240.
    expect(inc).toBeCloseTo((35 * 300) / 240, 12);
    expect(vec(s, 'irate(c[5m])', m(5))).toEqual({ '{}': 10 / 60 });
    expect(vec(s, 'irate(c[5m])', m(3))).toEqual({ '{}': 5 / 60 });
    expect(vec(s, 'resets(c[5m])', m(5))).toEqual({ '{}': 1 });
  });
  it('needs two samples', () => {
    const s = store({ c: [null, null, null, null, null, 3] });
    expect(vec(s, 'rate(c[5m])', m(5))).toEqual({});
  });
});

describe('binary operators', () => {
  const s = store({
    'req{job="a",inst="1"}': [10],
    'req{job="a",inst="2"}': [20],
    'req{job="b",inst="1"}': [30],
    'limit{job="a",owner="x"}': [100],
    'limit{job="b",owner="y"}': [200],
  });
  it('group_left copies the listed labels from the one side and drops the name', () => {
    expect(vec(s, 'req / on(job) group_left(owner) limit', 0)).toEqual({
      '{"job":"a","inst":"1","owner":"x"}': 0.1,
      '{"job":"a","inst":"2","owner":"x"}': 0.2,
      '{"job":"b","inst":"1","owner":"y"}': 0.15,
    });
  });
  it('one-to-one matching with two matches on the left is an error with Prometheus message', () => {
    expect(() => instantQuery(s, 'req / on(job) limit', 0)).toThrow('multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)');
    expect(() => instantQuery(s, 'limit / on(job) req', 0)).toThrow(
      'found duplicate series for the match group {job="a"} on the right hand-side of the operation: [{__name__="req", inst="1", job="a"}, {__name__="req", inst="2", job="a"}];many-to-many matching not allowed: matching labels must be unique on one side',
    );
  });
  it('comparisons filter and keep the name; bool gives 0/1 without the name', () => {
    expect(vec(s, 'req > 15', 0)).toEqual({ '{"__name__":"req","job":"a","inst":"2"}': 20, '{"__name__":"req","job":"b","inst":"1"}': 30 });
    expect(vec(s, '15 < req', 0)).toEqual({ '{"__name__":"req","job":"a","inst":"2"}': 20, '{"__name__":"req","job":"b","inst":"1"}': 30 });
    expect(vec(s, 'req > bool 15', 0)).toEqual({ '{"job":"a","inst":"1"}': 0, '{"job":"a","inst":"2"}': 1, '{"job":"b","inst":"1"}': 1 });
  });
  it('set operators match on all labels but the name, or on() / ignoring()', () => {
    expect(Object.keys(vec(s, 'req and on(job) limit{job="b"}', 0))).toEqual(['{"__name__":"req","job":"b","inst":"1"}']);
    expect(Object.keys(vec(s, 'req unless on(job) limit{job="b"}', 0))).toHaveLength(2);
    expect(Object.keys(vec(s, 'limit{job="a"} or on(job) req', 0))).toEqual(['{"__name__":"limit","job":"a","owner":"x"}', '{"__name__":"req","job":"b","inst":"1"}']);
  });
  it('arithmetic dropping the name can collide: an error, as in Prometheus', () => {
    const c = store({ 'a{x="1"}': [1], 'b{x="1"}': [2] });
    expect(() => instantQuery(c, '{x="1"} * 2', 0)).toThrow('vector cannot contain metrics with the same labelset');
  });
  it('scalar arithmetic follows Go: 1^NaN = 1, % keeps the dividend sign', () => {
    expect(vec(store({}), '1 ^ NaN', 0)).toEqual({ scalar: 1 });
    expect(vec(store({}), '-7 % 3', 0)).toEqual({ scalar: -1 });
  });
});

describe('aggregations', () => {
  const s = store({
    'x{g="a",i="1"}': [5],
    'x{g="a",i="2"}': [5],
    'x{g="a",i="3"}': [5],
    'x{g="b",i="4"}': [1],
    'x{g="b",i="5"}': [NaN],
  });
  it('topk with ties keeps the series Go\'s heap keeps, highest first; NaN loses', () => {
    const r = instantQuery(s, 'topk by (g) (2, x)', 0);
    expect(r.type === 'vector' && r.samples.map((x) => `${x.labels.i}=${x.value}`)).toEqual(['1=5', '2=5', '4=1', '5=NaN']);
    const b = instantQuery(s, 'bottomk(1, x)', 0);
    expect(b.type === 'vector' && b.samples.map((x) => x.labels.i)).toEqual(['4']);
  });
  it('sum, avg, count, stddev, quantile, count_values by group', () => {
    expect(vec(s, 'sum by (g) (x)', 0)).toEqual({ '{"g":"a"}': 15, '{"g":"b"}': NaN });
    expect(vec(s, 'count without (i) (x)', 0)).toEqual({ '{"g":"a"}': 3, '{"g":"b"}': 2 });
    expect(vec(s, 'stddev by (g) (x{g="a"})', 0)).toEqual({ '{"g":"a"}': 0 });
    expect(vec(s, 'quantile(0.5, x{g="a"} or x{i="4"})', 0)).toEqual({ '{}': 5 });
    expect(vec(s, 'count_values("v", x)', 0)).toEqual({ '{"v":"5"}': 3, '{"v":"1"}': 1, '{"v":"NaN"}': 1 });
    expect(vec(s, 'max by (g) (x)', 0)).toEqual({ '{"g":"a"}': 5, '{"g":"b"}': 1 });
  });
});

describe('histogram_quantile on classic buckets', () => {
  it('interpolates in the bucket holding the rank', () => {
    const s = store({ 'h_bucket{le="0.1"}': [10], 'h_bucket{le="0.5"}': [60], 'h_bucket{le="+Inf"}': [100] });
    // rank 50 in (0.1, 0.5]: 0.1 + 0.4 * 40/50.
    expect(vec(s, 'histogram_quantile(0.5, h_bucket)', 0)['{}']).toBeCloseTo(0.42, 12);
    // Above the last finite bucket: its upper bound.
    expect(vec(s, 'histogram_quantile(0.99, h_bucket)', 0)).toEqual({ '{}': 0.5 });
  });
  it('forces monotonic counts and merges le values that parse equal (1 and 1.0)', () => {
    const s = store({ 'h_bucket{le="1"}': [10], 'h_bucket{le="1.0"}': [10], 'h_bucket{le="2"}': [15], 'h_bucket{le="+Inf"}': [40] });
    // Buckets 1 -> 20 (coalesced), 2 -> 15 forced to 20, +Inf -> 40: rank 20 lands in the first bucket, at 1.
    expect(vec(s, 'histogram_quantile(0.5, h_bucket)', 0)).toEqual({ '{}': 1 });
  });
  it('needs a +Inf bucket and gives ±Inf for q outside [0, 1]', () => {
    const s = store({ 'h_bucket{le="1"}': [1] });
    expect(Number.isNaN(vec(s, 'histogram_quantile(0.5, h_bucket)', 0)['{}'])).toBe(true);
    const t = store({ 'h_bucket{le="1"}': [1], 'h_bucket{le="+Inf"}': [1] });
    expect(vec(t, 'histogram_quantile(2, h_bucket)', 0)).toEqual({ '{}': Infinity });
  });
});

describe('subqueries', () => {
  it('evaluate at multiples of the step since the epoch inside (t - range, t]', () => {
    const s = store({ c: counter(11, 1) });
    // At 10m, [5m:2m]: steps 6m, 8m, 10m (4m is outside the left-open window).
    expect(vec(s, 'count_over_time(c[5m:2m])', m(10))).toEqual({ '{}': 3 });
    expect(vec(s, 'min_over_time(c[5m:2m])', m(10))).toEqual({ '{}': 6 });
    // At 9m: 5m is excluded? (4m, 9m] -> 6m, 8m.
    expect(vec(s, 'min_over_time(c[5m:2m])', m(9))).toEqual({ '{}': 6 });
    expect(vec(s, 'count_over_time(c[5m:2m])', m(9))).toEqual({ '{}': 2 });
    // offset shifts the window: (1m, 6m] -> 2m, 4m, 6m.
    expect(vec(s, 'min_over_time(c[5m:2m] offset 4m)', m(10))).toEqual({ '{}': 2 });
  });
});

describe('functions', () => {
  it('label_replace expands $1 and named groups; no match leaves the series', () => {
    const s = store({ 'x{svc="api-7"}': [1], 'x{svc="db"}': [2] });
    expect(vec(s, 'label_replace(x, "n", "$1-${num}", "svc", "([a-z]+)-(?P<num>[0-9]+)")', 0)).toEqual({
      '{"__name__":"x","svc":"api-7","n":"api-7"}': 1,
      '{"__name__":"x","svc":"db"}': 2,
    });
    expect(() => instantQuery(s, 'label_replace(x, "", "", "svc", ".*")', 0)).toThrow('invalid destination label name in label_replace(): ');
  });
  it('absent takes the equality matchers as labels', () => {
    expect(vec(store({}), 'absent(nope{job="a", env=~"p.*"})', 0)).toEqual({ '{"job":"a"}': 1 });
    expect(vec(store({}), 'absent_over_time(nope{job="a"}[5m])', 0)).toEqual({ '{"job":"a"}': 1 });
  });
  it('time functions and timestamp() of a selector read the sample time', () => {
    const s = store({ x: [1, 2] });
    expect(vec(s, 'timestamp(x)', m(1) + 20_000)).toEqual({ '{}': 60 });
    expect(vec(s, 'hour(vector(7200))', 0)).toEqual({ '{}': 2 });
    expect(vec(s, 'day_of_week(vector(0))', 0)).toEqual({ '{}': 4 });
    expect(vec(s, 'days_in_month(vector(1709251200))', 0)).toEqual({ '{}': 31 });
  });
  it('predict_linear and deriv fit a line', () => {
    const s = store({ g: counter(11, 2) });
    expect(vec(s, 'deriv(g[5m])', m(10))['{}']).toBeCloseTo(2 / 60, 12);
    expect(vec(s, 'predict_linear(g[5m], 600)', m(10))['{}']).toBeCloseTo(40, 9);
  });
  it('sort and sort_desc put NaN last', () => {
    const s = store({ 'x{i="1"}': [3], 'x{i="2"}': [NaN], 'x{i="3"}': [1] });
    const order = (e: string) => {
      const r = instantQuery(s, e, 0);
      return r.type === 'vector' ? r.samples.map((x) => x.labels.i) : [];
    };
    expect(order('sort(x)')).toEqual(['3', '1', '2']);
    expect(order('sort_desc(x)')).toEqual(['1', '3', '2']);
  });
});

describe('queries', () => {
  it('a range query evaluates every step and sorts series by labels', () => {
    const s = store({ 'x{i="b"}': [1, 2, 3], 'x{i="a"}': [null, 5, 6] });
    expect(rangeQuery(s, 'x', 0, m(2), m(1))).toEqual({
      type: 'matrix',
      series: [
        { labels: { __name__: 'x', i: 'a' }, points: [{ t: m(1), v: 5 }, { t: m(2), v: 6 }] },
        { labels: { __name__: 'x', i: 'b' }, points: [{ t: 0, v: 1 }, { t: m(1), v: 2 }, { t: m(2), v: 3 }] },
      ],
    });
  });
  it('a range query refuses a range vector; parse errors are EvalErrors', () => {
    expect(() => rangeQuery(store({}), 'x[5m]', 0, 1, 1)).toThrow('invalid expression type "range vector" for range query, must be Scalar or instant Vector');
    expect(() => instantQuery(store({}), 'rate(x)', 0)).toThrow(EvalError);
  });
});

describe('range queries over range-vector functions', () => {
  it('fail when two input series map to the same output labels, even at different steps (the output matrix is checked)', () => {
    const s = store({ 'a{x="1"}': [1, 2, 3, null, null, null, null, null, null, null], 'b{x="1"}': [null, null, null, null, null, null, null, 4, 5, 6] });
    // Instant queries at one time see one series: fine.
    expect(vec(s, 'max_over_time({x="1"}[2m])', m(2))).toEqual({ '{"x":"1"}': 3 });
    expect(() => rangeQuery(s, 'max_over_time({x="1"}[2m])', 0, m(9), m(1))).toThrow('vector cannot contain metrics with the same labelset');
    // last_over_time keeps the name: no collision.
    expect(rangeQuery(s, 'last_over_time({x="1"}[2m])', 0, m(9), m(1)).type).toBe('matrix');
  });
});
