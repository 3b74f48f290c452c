/**
 * Rule queries answered without a walk (src/promql/eval/vanish.ts): an expression is certainly
 * empty only when it is built from nodes that give nothing on empty input and none of its
 * selectors selects a series; absent(), vector(), time()-only expressions, a label_replace that
 * fails without data and the rest keep being evaluated. Every case is checked against the
 * evaluator itself: "certainly empty" must mean the query returns the empty vector.
 */
import { describe, expect, it } from 'vitest';
import { instantQuery, parseExpr } from '../../../src/promql/eval/engine.ts';
import { SeriesStore } from '../../../src/promql/eval/storage.ts';
import { certainlyEmpty, vanishingSelectors } from '../../../src/promql/eval/vanish.ts';

function store(): SeriesStore {
  const s = new SeriesStore();
  for (let t = 0; t <= 600_000; t += 60_000) {
    s.append({ __name__: 'http_requests_total', job: 'api', code: '200' }, t, t / 1000);
    s.append({ __name__: 'http_requests_total', job: 'api', code: '500' }, t, t / 10_000);
  }
  return s;
}

const features = {};
const emptyWithoutSeries = [
  'rate(missing_total[5m])',
  'sum by (job) (rate(missing_total[5m])) / sum by (job) (rate(other_missing[5m])) > 0.05',
  'histogram_quantile(0.99, sum by (le) (rate(missing_bucket[5m])))',
  'missing_a and missing_b or missing_c',
  '-missing_a * 2 + time()',
  'avg_over_time(missing[1h:5m])',
  'label_replace(missing, "dst", "$1", "src", "(.*)")',
  'clamp_max(round(missing, 0.5), 1)',
  'hour(missing)',
  'http_requests_total{job="other"}',
];
const alwaysEvaluated = [
  'absent(missing)',
  'absent_over_time(missing[5m])',
  'vector(1)',
  'missing or vector(0)',
  'hour()',
  'time() > 0',
  'sum(missing) or on () vector(0)',
  'topk(2, missing)',
  'count_values("v", missing)',
  'scalar(missing) + missing',
  'label_replace(missing, "dst", "$1", "src", "(")',
  'double_exponential_smoothing(missing[5m], 0.5, 0.5)',
];

describe('certainly empty rule queries', () => {
  it('are the expressions that give nothing when their metrics are missing, and the query agrees', () => {
    const s = store();
    for (const text of emptyWithoutSeries) {
      const e = parseExpr(text, features);
      expect(certainlyEmpty(s, e), text).toBe(true);
      expect(instantQuery(s, e, 600_000, { features }), text).toEqual({ type: 'vector', samples: [] });
    }
  });

  it('leave absent(), vector(), time()-only, parametrised and failing expressions to the evaluator', () => {
    const s = store();
    for (const text of alwaysEvaluated) {
      let e;
      try {
        e = parseExpr(text, features);
      } catch {
        continue; // refused at parse time: never reaches the shortcut
      }
      expect(vanishingSelectors(e), text).toBeUndefined();
      expect(certainlyEmpty(s, e), text).toBe(false);
    }
    // The failing ones still fail when evaluated.
    expect(() => instantQuery(s, 'label_replace(missing, "dst", "$1", "src", "(")', 0, { features })).toThrow(/regular expression/);
    expect(instantQuery(s, 'absent(missing)', 0, { features })).toMatchObject({ type: 'vector', samples: [{ value: 1 }] });
  });

  it('are evaluated as soon as one selector selects a series, even one that gives nothing now', () => {
    const s = store();
    for (const text of ['rate(http_requests_total[5m]) > 1e9', 'missing and http_requests_total', 'http_requests_total{code="500"} offset 1d']) {
      expect(certainlyEmpty(s, parseExpr(text, features)), text).toBe(false);
    }
    // A series that appears later turns the shortcut off for the same parsed expression.
    const e = parseExpr('sum(rate(late_total[5m]))', features);
    expect(certainlyEmpty(s, e)).toBe(true);
    s.append({ __name__: 'late_total' }, 0, 1);
    s.append({ __name__: 'late_total' }, 60_000, 2);
    expect(certainlyEmpty(s, e)).toBe(false);
    expect(instantQuery(s, e, 60_000, { features })).toMatchObject({ type: 'vector', samples: [{ value: expect.any(Number) }] });
  });
});
