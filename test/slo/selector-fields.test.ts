/**
 * SLI fields that take a series selector refuse a query (a Sloth habit: `sum(rate(x[5m]))`)
 * at the field, with a hint, instead of generating `increase(sum(rate(...))[5m])` that only
 * promtool refuses. And the RE2 reading the scenarios stand on.
 */
import { describe, expect, it } from 'vitest';
import { defineStack, httpService, slo, trySynth, type SloProps } from 'obsgen';
import { matcherMatches, re2Examples, re2Regexp } from '../../src/core/re2.ts';

type Sli = SloProps['sli'];
const receivers = { alerting: { receivers: { pager: { webhook: { url: 'http://127.0.0.1:9/hook' } } }, routes: [{ match: { severity: 'critical' }, receiver: 'pager' }] } };

function diagnose(slis: Sli[]) {
  const stack = defineStack({
    name: 'sel-fields',
    services: [
      httpService({
        name: 'api',
        targets: ['api:8000'],
        slos: [{ name: 'availability', objective: 99.9, sli: { errorRatio: {} } }, ...slis.map((sli, i) => ({ name: `s${i}`, objective: 99, sli }))],
      }),
    ],
    ...receivers,
  });
  return trySynth(stack).diagnostics.items.filter((d) => d.severity === 'error');
}

describe('SLI selector fields', () => {
  it.each<[string, Sli, string, RegExp]>([
    ['events.good as sum(rate())', { events: { good: 'sum(rate(celery_tasks_total{state="SUCCESS"}[5m]))', total: 'celery_tasks_total' } }, 'services[0].slos[1].sli.events.good', /is a query, not a series selector/],
    ['events.total as rate()', { events: { bad: 'x_total{code="500"}', total: 'rate(x_total[5m])' } }, 'services[0].slos[1].sli.events.total', /is a query/],
    ['events.bad with a range', { events: { bad: 'x_total{code="500"}[5m]', total: 'x_total' } }, 'services[0].slos[1].sli.events.bad', /is a query/],
    ['events.bad with an offset', { events: { bad: 'x_total{code="500"} offset 1h', total: 'x_total' } }, 'services[0].slos[1].sli.events.bad', /is a query/],
    ['events.total as a comparison', { events: { good: 'x_total{ok="1"}', total: 'x_total > 0' } }, 'services[0].slos[1].sli.events.total', /is a query/],
    ['availability.gauge as avg()', { availability: { gauge: 'avg(up{job="api"})' } }, 'services[0].slos[1].sli.availability.gauge', /is a query/],
    ['events.good not PromQL', { events: { good: 'x_total{ok="1"', total: 'x_total' } }, 'services[0].slos[1].sli.events.good', /is not valid PromQL/],
    ['latency.matchers with a query', { latency: { below: '300ms', matchers: 'job="api"} or up{', buckets: [0.3] } }, 'services[0].slos[1].sli.latency.matchers', /are not label matchers/],
  ])('%s: refused at the field with a hint', (_name, sli, path, message) => {
    const errors = diagnose([sli]);
    expect(errors.map((e) => e.path)).toEqual([path]);
    expect(errors[0]!.code).toBe('slo-selector');
    expect(errors[0]!.message).toMatch(message);
    expect(errors[0]!.hint).toMatch(/not a query; obsgen adds rate\/increase itself|label matchers such as/);
  });

  it('reports every bad field at once', () => {
    const errors = diagnose([
      { events: { good: 'sum(rate(a_total{ok="1"}[5m]))', total: 'sum(rate(a_total[5m]))' } },
      { availability: { gauge: 'min(up)' } },
    ]);
    expect(errors.map((e) => e.path)).toEqual(['services[0].slos[1].sli.events.good', 'services[0].slos[1].sli.events.total', 'services[0].slos[2].sli.availability.gauge']);
  });

  it('accepts plain selectors, with or without a metric name or matchers', () => {
    expect(diagnose([{ events: { good: 'a_total{ok="1"}', total: ' a_total ' } }, { events: { bad: '{__name__="b_total",code=~"5.."}', total: 'b_total' } }])).toEqual([]);
  });
});

describe('RE2 label regexes', () => {
  it('matches fully anchored, as Prometheus does', () => {
    expect(matcherMatches({ name: 'a', op: '=~', value: 'SUCCESS|FAILURE' }, 'SUCCESS')).toBe(true);
    expect(matcherMatches({ name: 'a', op: '=~', value: 'SUCCESS|FAILURE' }, 'SUCCESSFUL')).toBe(false);
    expect(matcherMatches({ name: 'a', op: '!~', value: '2..' }, '200')).toBe(false);
    expect(matcherMatches({ name: 'a', op: '!=', value: 'x' }, '')).toBe(true);
  });

  it('reads RE2 syntax JavaScript reads differently or not at all', () => {
    expect(matcherMatches({ name: 'a', op: '=~', value: '(?i)success' }, 'SUCCESS')).toBe(true);
    // JavaScript reads [[:digit:]] as the class [[:digt] followed by "]".
    expect(matcherMatches({ name: 'a', op: '=~', value: '[[:digit:]]+' }, '42')).toBe(true);
    expect(matcherMatches({ name: 'a', op: '=~', value: '\\Qa.b\\E' }, 'axb')).toBe(false);
    expect(matcherMatches({ name: 'a', op: '=~', value: '(?P<code>5)..' }, '503')).toBe(true);
  });

  it('scopes (?i:...) and a mid-pattern (?i) to their group, as RE2 does', () => {
    expect(matcherMatches({ name: 'a', op: '=~', value: 'a(?i:b)c' }, 'aBc')).toBe(true);
    expect(matcherMatches({ name: 'a', op: '=~', value: 'a(?i:b)c' }, 'aBC')).toBe(false);
    expect(matcherMatches({ name: 'a', op: '=~', value: '.*((?i)tion)' }, 'producTION')).toBe(true);
    expect(matcherMatches({ name: 'a', op: '=~', value: '(?i:[a-c]+)x' }, 'aBcx')).toBe(true);
    expect(matcherMatches({ name: 'a', op: '=~', value: '(?i:[a-c]+)x' }, 'aBcX')).toBe(false);
  });

  it('says why a pattern cannot be evaluated', () => {
    expect(re2Regexp('(?=a)')).toMatch(/lookaround/);
    expect(re2Regexp('\\pL')).toMatch(/Unicode class/);
    expect(re2Regexp('a(?m:b)')).toMatch(/flag group/);
    expect(re2Regexp('(')).toMatch(/not a valid regex/);
  });

  it('gives strings a pattern matches, the plainest first', () => {
    expect(re2Examples('SUCCESS|FAILURE')).toEqual(['SUCCESS', 'FAILURE']);
    expect(re2Examples('5..|429')[0]).toMatch(/^5..$/);
    expect(re2Examples('prod-(eu|us)-[0-9]+')[0]).toBe('prod-eu-0');
    for (const p of ['a{2,3}', '[^a-z]x', '(?:a|b)(c|d)?', '.+\\.example\\.com']) {
      const ex = re2Examples(p);
      expect(ex.length, p).toBeGreaterThan(0);
      const re = re2Regexp(p) as RegExp;
      for (const e of ex) expect(re.test(e), `${p} ${e}`).toBe(true);
    }
  });
});

describe('error codes in RE2 syntax', () => {
  it.each(['(?i)5..', '5[[:digit:]]{2}', '5..|429'])('%s: the httpService builds, its test series match the codes as Prometheus reads them', (codes) => {
    const r = trySynth(
      defineStack({
        name: 'codes',
        services: [httpService({ name: 'api', targets: ['api:80'], metrics: { errorCodes: codes }, alerts: { errorRatio: { above: 0.05 } }, slos: [{ name: 'a', objective: 99, sli: { errorRatio: {} } }] })],
        ...receivers,
      }),
    );
    // (?i) used to fail the build: JavaScript's RegExp has no inline flags.
    expect(r.diagnostics.items.filter((d) => d.severity === 'error')).toEqual([]);
    const re = re2Regexp(codes) as RegExp;
    const codesSeen = new Set(
      r.bundle!.ruleGroups.flatMap((g) => g.rules).flatMap((x) => (x.kind === 'alert' ? x.tests : x.tests ?? []).flatMap((s) => s.series.map((i) => /code="([^"]+)"/.exec(i.series)?.[1]))).filter((c): c is string => c !== undefined),
    );
    expect([...codesSeen].filter((c) => re.test(c)).length).toBeGreaterThan(0);
    expect([...codesSeen].filter((c) => !re.test(c)).length).toBeGreaterThan(0);
  });
});
