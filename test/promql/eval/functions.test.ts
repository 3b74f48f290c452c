import { describe, expect, it } from 'vitest';
import { instantQuery, SeriesStore, UnsupportedError } from '../../../src/promql/eval/index.ts';

const m = (n: number) => n * 60_000;

function load(series: [Record<string, string>, number[]][]): SeriesStore {
  const s = new SeriesStore();
  for (const [labels, values] of series) values.forEach((v, i) => s.append(labels, m(i), v));
  return s;
}

function values(s: SeriesStore, expr: string, t = 0): Record<string, number> {
  const r = instantQuery(s, expr, t);
  if (r.type !== 'vector') throw new Error(r.type);
  return Object.fromEntries(r.samples.map((x) => [JSON.stringify(x.labels), x.value]));
}

describe('over_time functions', () => {
  const s = load([[{ __name__: 'g' }, [1e100, 1, -1e100, 4, 2]]]);
  it('sum_over_time and avg_over_time sum with Neumaier compensation, as Prometheus does', () => {
    // A plain sum loses the 1 next to 1e100; Kahan-Neumaier keeps it.
    expect(values(s, 'sum_over_time(g[3m])', m(2))).toEqual({ '{}': 1 });
    expect(values(s, 'avg_over_time(g[3m])', m(2))['{}']).toBeCloseTo(1 / 3, 15);
  });
  it('quantile_over_time, mad_over_time, stddev_over_time, changes, last/first keep the name', () => {
    expect(values(s, 'quantile_over_time(0.5, g[2m])', m(4))).toEqual({ '{}': 3 });
    expect(values(s, 'mad_over_time(g[2m])', m(4))).toEqual({ '{}': 1 });
    expect(values(s, 'stddev_over_time(g[2m])', m(4))).toEqual({ '{}': 1 });
    expect(values(s, 'changes(g[5m])', m(4))).toEqual({ '{}': 4 });
    expect(values(s, 'last_over_time(g[5m])', m(4))).toEqual({ '{"__name__":"g"}': 2 });
    expect(values(s, 'first_over_time(g[2m])', m(4))).toEqual({ '{"__name__":"g"}': 4 });
  });
  it('double_exponential_smoothing refuses factors outside (0, 1) with Prometheus message', () => {
    expect(() => instantQuery(s, 'double_exponential_smoothing(g[5m], 1, 0.5)', m(4))).toThrow('invalid smoothing factor. Expected: 0 < sf < 1, got: 1.000000');
  });
});

describe('vector functions', () => {
  const s = load([
    [{ __name__: 'x', a: '1', b: 'p' }, [2.5]],
    [{ __name__: 'x', a: '2', b: 'q' }, [-2.5]],
  ]);
  it('round to the nearest (half up), clamp, abs drop the name', () => {
    expect(values(s, 'round(x)')).toEqual({ '{"a":"1","b":"p"}': 3, '{"a":"2","b":"q"}': -2 });
    expect(values(s, 'round(x, 2)')).toEqual({ '{"a":"1","b":"p"}': 2, '{"a":"2","b":"q"}': -2 });
    expect(values(s, 'clamp(x, -1, 1)')).toEqual({ '{"a":"1","b":"p"}': 1, '{"a":"2","b":"q"}': -1 });
    expect(values(s, 'clamp(x, 1, -1)')).toEqual({});
  });
  it('label_join joins source labels, missing ones as empty', () => {
    expect(values(s, 'label_join(x, "j", "-", "a", "missing", "b")')).toEqual({
      '{"__name__":"x","a":"1","b":"p","j":"1--p"}': 2.5,
      '{"__name__":"x","a":"2","b":"q","j":"2--q"}': -2.5,
    });
  });
  it('histogram_fraction interpolates inside classic buckets', () => {
    const h = load([
      [{ __name__: 'h_bucket', le: '1' }, [20]],
      [{ __name__: 'h_bucket', le: '2' }, [60]],
      [{ __name__: 'h_bucket', le: '+Inf' }, [100]],
    ]);
    // (0, 1.5]: 20 + half of the (1, 2] bucket's 40 = 40 of 100.
    expect(values(h, 'histogram_fraction(0, 1.5, h_bucket)')).toEqual({ '{}': 0.4 });
  });
});

describe('limitk and limit_ratio', () => {
  const s = load(['a', 'b', 'c', 'd', 'e'].map((i) => [{ __name__: 'x', i }, [1]] as [Record<string, string>, number[]]));
  it('limitk keeps the first k series in label order', () => {
    expect(Object.keys(values(s, 'limitk(2, x)'))).toEqual(['{"__name__":"x","i":"a"}', '{"__name__":"x","i":"b"}']);
  });
  it('limit_ratio(r) and limit_ratio(-(1 - r)) split the series by label hash, together all of them', () => {
    const some = Object.keys(values(s, 'limit_ratio(0.4, x)'));
    const rest = Object.keys(values(s, 'limit_ratio(-0.6, x)'));
    expect([...some, ...rest].sort()).toEqual(Object.keys(values(s, 'x')).sort());
    expect(some.filter((k) => rest.includes(k))).toEqual([]);
  });
});

describe('native histograms', () => {
  it('a query that reads a native histogram sample fails as unsupported, not with a wrong answer', () => {
    const s = new SeriesStore();
    s.appendHistogram({ __name__: 'h' }, 0);
    s.append({ __name__: 'f' }, 0, 1);
    expect(() => instantQuery(s, 'h', 0)).toThrow(UnsupportedError);
    expect(() => instantQuery(s, 'rate(h[5m])', m(1))).toThrow(/native histogram/);
    expect(values(s, 'f')).toEqual({ '{"__name__":"f"}': 1 });
  });
});
