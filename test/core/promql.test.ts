import { describe, expect, it } from 'vitest';
import { parsePromQL, promqlShape, selectors } from '../../src/core/promql.ts';

describe('parsePromQL shape sharing', () => {
  it('reads each expression\'s own label values when two share a shape', () => {
    const a = parsePromQL('sum(rate(http_requests_total{job="svc-0001",code=~"5.."}[5m]))');
    const b = parsePromQL('sum(rate(http_requests_total{job="svc-0002",code=~"4.."}[5m]))');
    expect(b.tree).toBe(a.tree);
    expect(selectors(a)[0]!.matchers.map((m) => m.value)).toEqual(['svc-0001', '5..']);
    expect(selectors(b)[0]!.matchers.map((m) => m.value)).toEqual(['svc-0002', '4..']);
  });

  it('blanks literals with escapes and every quote style, and leaves comments alone', () => {
    expect(promqlShape(`up{a="x\\"y",b='z',c=\`w\`}`)).toBe(`up{a="____",b='_',c=\`_\`}`);
    expect(promqlShape('up # "quoted"')).toBeUndefined();
  });

  it('never lends an error-free tree to a broken expression', () => {
    parsePromQL('up{job="abc"}');
    expect(parsePromQL('up{job="abc}').errors.length).toBeGreaterThan(0);
    expect(parsePromQL('up{job="a\nc"}').errors.length).toBeGreaterThan(0);
  });
});
