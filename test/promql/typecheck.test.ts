import { describe, expect, it } from 'vitest';
import { checkRuleExpr, typeCheck } from '../../src/promql/check.ts';
import { AGGREGATIONS, FUNCTIONS, METRICSQL_FUNCTIONS } from '../../src/promql/functions.ts';
import { CASES } from './cases.ts';

describe('typeCheck: the table', () => {
  it.each(CASES.filter((c) => c.error).map((c) => [c.expr, c.error!] as const))('%s: %s', (expr, error) => {
    const r = checkRuleExpr(expr);
    expect(r.errors.map((e) => e.message).join('\n')).toContain(error);
    for (const e of r.errors) {
      expect(e.from).toBeGreaterThanOrEqual(0);
      expect(e.to).toBeLessThanOrEqual(expr.length);
      expect(e.hint, `hint for ${e.message}`).toBeTruthy();
    }
  });

  it.each(CASES.filter((c) => c.ok).map((c) => [c.expr] as const))('%s is accepted', (expr) => {
    expect(checkRuleExpr(expr).errors).toEqual([]);
  });
});

describe('typeCheck: types and tree', () => {
  it('gives the value type of each kind of expression', () => {
    expect(typeCheck('up').type).toBe('vector');
    expect(typeCheck('up[5m]').type).toBe('matrix');
    expect(typeCheck('rate(up[5m])[1h:]').type).toBe('matrix');
    expect(typeCheck('1 + 2').type).toBe('scalar');
    expect(typeCheck('scalar(up) * 2').type).toBe('scalar');
    expect(typeCheck('up * 2').type).toBe('vector');
    expect(typeCheck('"x"').type).toBe('string');
    expect(typeCheck('-(time())').type).toBe('scalar');
    expect(typeCheck('rate(').type).toBeUndefined();
  });

  it('hangs offset and @ on the selector they modify, as Prometheus does', () => {
    const r = typeCheck('rate(x{job="a"}[5m] offset 1h @ end())');
    expect(r.errors).toEqual([]);
    const call = r.ast as Extract<typeof r.ast, { kind: 'call' }>;
    expect(call.kind).toBe('call');
    const m = call.args[0]!;
    expect(m.kind).toBe('matrix');
    if (m.kind !== 'matrix' || m.selector.kind !== 'selector') throw new Error('shape');
    expect(m.range).toMatchObject({ kind: 'literal', seconds: 300 });
    expect(m.selector).toMatchObject({ name: 'x', matchers: [{ name: 'job', op: '=', value: 'a' }], offset: { kind: 'literal', seconds: 3600 }, at: 'end' });
  });

  it('reads aggregations and vector matching', () => {
    const a = typeCheck('topk by (job) (3, up)').ast!;
    expect(a).toMatchObject({ kind: 'aggregate', op: 'topk', grouping: ['job'], by: true, without: false, param: { kind: 'number', value: 3 }, expr: { kind: 'selector', name: 'up' } });
    const b = typeCheck('a / on(x) group_left(y) b').ast!;
    expect(b).toMatchObject({ kind: 'binary', op: '/', matching: { card: 'many-to-one', on: true, labels: ['x'], include: ['y'] } });
    expect(typeCheck('a and b').ast).toMatchObject({ matching: { card: 'many-to-many' } });
  });

  it('reads durations: units largest first, numbers as seconds, expressions', () => {
    expect(typeCheck('x[1h30m]').ast).toMatchObject({ range: { seconds: 5400 } });
    expect(typeCheck('x[1d2h3m4s5ms]').ast).toMatchObject({ range: { seconds: 86400 + 7200 + 180 + 4.005 } });
    expect(typeCheck('x[90]').ast).toMatchObject({ range: { seconds: 90 } });
    expect(typeCheck('x[5m + step()]').ast).toMatchObject({ range: { kind: 'binary', op: '+', lhs: { seconds: 300 }, rhs: { kind: 'step' } } });
    expect(typeCheck('x[30m1h]').errors[0]!.kind).toBe('syntax');
  });
});

describe('typeCheck: functions', () => {
  it('knows every function of Prometheus 3 that the grammar knows, and every aggregation', () => {
    // Each name must parse as a call; a name the grammar lacks would be an unknown function.
    // lezer-promql reads max_of/min_of only inside durations; outside, Prometheus 3 refuses them unless experimental functions are on.
    const durationOnly = ['max_of', 'min_of'];
    for (const name of durationOnly) expect(typeCheck(`${name}(1, 2)`).errors[0]!.message).toBe(`function "${name}" is not enabled`);
    expect(typeCheck('rate(x[max_of(5m, 1m)])').errors).toEqual([]);
    for (const [name, def] of FUNCTIONS) {
      if (durationOnly.includes(name)) continue;
      const required = def.variadic === 0 ? def.argTypes : def.argTypes.slice(0, -1);
      const args = required.map((t) => (t === 'matrix' ? 'x[5m]' : t === 'vector' ? 'x' : t === 'scalar' ? '1' : '"a"'));
      const r = typeCheck(`${name}(${args.join(', ')})`, { experimentalFunctions: true });
      expect(r.errors, name).toEqual([]);
      expect(r.type, name).toBe(def.returnType);
    }
    expect(FUNCTIONS.size).toBe(90);
    expect([...AGGREGATIONS.keys()].sort()).toEqual(['avg', 'bottomk', 'count', 'count_values', 'group', 'limit_ratio', 'limitk', 'max', 'min', 'quantile', 'stddev', 'stdvar', 'sum', 'topk']);
  });

  it('marks the experimental ones and accepts them once the feature is on', () => {
    const experimental = [...FUNCTIONS.values()].filter((f) => f.experimental).map((f) => f.name).sort();
    expect(experimental).toEqual(expect.arrayContaining(['double_exponential_smoothing', 'info', 'mad_over_time', 'sort_by_label', 'sort_by_label_desc']));
    expect(FUNCTIONS.get('rate')!.experimental).toBe(false);
    expect(AGGREGATIONS.get('limitk')!.experimental).toBe(true);
    expect(typeCheck('limitk(2, up)', { experimentalFunctions: true }).errors).toEqual([]);
    expect(typeCheck('sort_by_label(up, "job", "instance")', { experimentalFunctions: true }).errors).toEqual([]);
    expect(typeCheck('info(up, {k8s_cluster_name=~".+"})', { experimentalFunctions: true }).errors).toEqual([]);
    expect(typeCheck('info(up, {a=""})', { experimentalFunctions: true }).errors).toEqual([]);
    expect(typeCheck('info(up, other{a="b"})', { experimentalFunctions: true }).errors[0]!.message).toBe('expected label selectors only, got vector selector instead');
    expect(typeCheck('up smoothed', { extendedRangeSelectors: true }).errors).toEqual([]);
  });

  it('says when an unknown function is MetricsQL, was removed, or is a near miss', () => {
    const share = typeCheck('histogram_share(0.5, rate(x_bucket[5m]))').errors;
    expect(share).toHaveLength(1);
    expect(share[0]).toMatchObject({ kind: 'syntax', message: 'unknown function histogram_share (a MetricsQL function; Prometheus does not have it)', from: 0, to: 15 });
    expect(typeCheck('holt_winters(x[5m], 0.1, 0.1)').errors[0]!.hint).toContain('double_exponential_smoothing');
    expect(typeCheck('sum(rat(x[5m]))').errors[0]).toMatchObject({ message: 'unknown function rat', hint: 'did you mean rate?' });
    expect(METRICSQL_FUNCTIONS.has('rate')).toBe(false);
    for (const name of METRICSQL_FUNCTIONS) expect(FUNCTIONS.has(name) || AGGREGATIONS.has(name), name).toBe(false);
  });

  it('points at the argument that has the wrong type', () => {
    const e = typeCheck('sum(rate(x[5m])) / rate(y)').errors;
    expect(e).toHaveLength(1);
    expect(e[0]).toMatchObject({ kind: 'type', from: 24, to: 25, hint: 'give a range: y[5m]' });
  });
});

describe('typeCheck: cost', () => {
  it('checks thousands of distinct expressions and answers repeats from its cache', () => {
    const exprs = Array.from({ length: 3000 }, (_, i) => `sum by (job) (rate(http_requests_total{job="svc-${i}",code=~"5.."}[5m])) / sum by (job) (rate(http_requests_total{job="svc-${i}"}[5m])) > 0.0${i % 10 + 1}`);
    const first = exprs.map((e) => typeCheck(e));
    for (const r of first) expect(r.errors).toEqual([]);
    // Repeats are the cached result itself, not a new check (speed is measured in bench/, not here).
    exprs.forEach((e, i) => expect(typeCheck(e)).toBe(first[i]));
    expect(typeCheck(exprs[0]!)).toBe(typeCheck(exprs[0]!));
  });
});
