import { describe, expect, it } from 'vitest';
import { expandSeriesValues, parseSeriesLine } from '../../../src/promql/eval/notation.ts';

const nums = (text: string) => expandSeriesValues(text).map((v) => (v === null ? '_' : 'stale' in v ? 'stale' : v.value));

describe('expandSeriesValues', () => {
  it('a+bxN gives N+1 values', () => {
    expect(nums('1+2x10')).toEqual([1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21]);
  });
  it('a-bxN counts down, into negatives', () => {
    expect(nums('1-1x3')).toEqual([1, 0, -1, -2]);
  });
  it('axN repeats a N+1 times', () => {
    expect(nums('1x5')).toEqual([1, 1, 1, 1, 1, 1]);
  });
  it('_ is one omitted value and _xN is N of them (not N+1)', () => {
    expect(nums('_')).toEqual(['_']);
    expect(nums('_x3')).toEqual(['_', '_', '_']);
  });
  it('stale, alone and repeated', () => {
    expect(nums('1 stale 2')).toEqual([1, 'stale', 2]);
    expect(nums('stalex2')).toEqual(['stale', 'stale', 'stale']);
  });
  it('negative, float, exponent, underscore, octal numbers', () => {
    expect(nums('-1 2.5 -0.5+0.25x2 1e3 1_000 010')).toEqual([-1, 2.5, -0.5, -0.25, 0, 1000, 1000, 8]);
    expect(nums('-2-1x2')).toEqual([-2, -3, -4]);
    // The step is an unsigned number after + or - (signed_number: ADD number | SUB number).
    expect(() => expandSeriesValues('-2+-1x2')).toThrow();
  });
  it('accumulates the step in float64 the way Go adds it', () => {
    const v = nums('0.1+0.1x3');
    let acc = 0.1;
    const want = [acc];
    for (let i = 0; i < 3; i++) want.push((acc += 0.1));
    expect(v).toEqual(want);
    expect(v[3]).toBe(0.1 + 0.1 + 0.1 + 0.1);
  });
  it('Inf and NaN in any case, signed', () => {
    const v = nums('Inf -Inf NaN inf');
    expect(v.slice(0, 2)).toEqual([Infinity, -Infinity]);
    expect(Number.isNaN(v[2])).toBe(true);
    expect(v[3]).toBe(Infinity);
  });
  it('mixes items separated by any spaces', () => {
    expect(nums('  1  _x2 3+1x1  ')).toEqual([1, '_', '_', 3, 4]);
  });
  it('refuses words other than stale, histograms and a step without a repetition', () => {
    expect(() => expandSeriesValues('foo')).toThrow(/expected number or "stale"/);
    expect(() => expandSeriesValues('{{schema:0 sum:1}}')).toThrow(/native histogram/);
    expect(() => expandSeriesValues('1+2')).toThrow(/repetition/);
    expect(() => expandSeriesValues('1x')).toThrow(/repetition/);
  });
});

describe('parseSeriesLine', () => {
  it('reads a metric name, labels and values', () => {
    expect(parseSeriesLine('http_requests{job="api", instance="a:1"} 1+1x2')).toEqual({
      labels: { __name__: 'http_requests', job: 'api', instance: 'a:1' },
      values: [{ value: 1 }, { value: 2 }, { value: 3 }],
    });
  });
  it('reads __name__ inside the braces, escapes and a quoted UTF-8 name', () => {
    expect(parseSeriesLine('{__name__="x", a="q\\"t\\n"} 1').labels).toEqual({ __name__: 'x', a: 'q"t\n' });
    expect(parseSeriesLine('{"my.metric", "a.b"="c"} _').labels).toEqual({ __name__: 'my.metric', 'a.b': 'c' });
  });
  it('a name without braces and with empty braces', () => {
    expect(parseSeriesLine('up 1').labels).toEqual({ __name__: 'up' });
    expect(parseSeriesLine('up{} stale').values).toEqual([{ stale: true }]);
  });
  it('refuses a broken label set', () => {
    expect(() => parseSeriesLine('up{a=b} 1')).toThrow();
    expect(() => parseSeriesLine('up{a="b" 1')).toThrow();
  });
});
