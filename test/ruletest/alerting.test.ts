import { describe, expect, it } from 'vitest';
import { AlertingRuleState } from '../../src/ruletest/alerting.ts';
import type { RuleDef } from '../../src/ruletest/rulefile.ts';
import type { Sample } from '../../src/ruletest/evaluator.ts';

const MIN = 60_000;
const rule = (over: Partial<RuleDef> = {}): RuleDef => ({
  kind: 'alert',
  name: 'HighLatency',
  expr: 'latency > 1',
  forMs: 5 * MIN,
  keepFiringForMs: 0,
  labels: { severity: 'page', team: '{{ $labels.job }}' },
  annotations: { summary: 'v={{ $value }}' },
  ...over,
});
// A stand-in for template expansion: the real renderer is tested in template.test.ts.
const expand = (text: string, s: Sample): string => text.replace('{{ $labels.job }}', s.labels.job ?? '').replace('{{ $value }}', String(s.value));
const hit = (v = 2): Sample[] => [{ labels: { __name__: 'latency', job: 'api' }, value: v }];

/** Evaluates every minute from 0 to `until` with the result `at(t)`; returns the state and samples at each minute. */
function run(r: RuleDef, at: (min: number) => Sample[], until: number) {
  const s = new AlertingRuleState(r);
  const out: { state: string[]; samples: Sample[] }[] = [];
  for (let m = 0; m <= until; m++) {
    const samples = s.eval(at(m), m * MIN, expand);
    out.push({ state: s.activeAlerts().map((a) => a.state), samples });
  }
  return { s, out };
}

describe('alerting rule state (rules/alerting.go)', () => {
  it('is pending from the first hit, still pending at 4m, firing at 5m (for: 5m)', () => {
    const { out } = run(rule(), () => hit(), 6);
    expect(out[0]!.state).toEqual(['pending']);
    expect(out[4]!.state).toEqual(['pending']);
    expect(out[5]!.state).toEqual(['firing']);
  });

  it('writes ALERTS with alertstate and ALERTS_FOR_STATE with the Unix seconds it became active', () => {
    const { out } = run(rule(), (m) => (m >= 2 ? hit() : []), 7);
    const at4 = out[4]!.samples;
    expect(at4).toEqual([
      { labels: { __name__: 'ALERTS', alertname: 'HighLatency', alertstate: 'pending', job: 'api', severity: 'page', team: 'api' }, value: 1 },
      { labels: { __name__: 'ALERTS_FOR_STATE', alertname: 'HighLatency', job: 'api', severity: 'page', team: 'api' }, value: 120 },
    ]);
    expect(out[7]!.samples[0]!.labels.alertstate).toBe('firing');
    expect(out[7]!.samples[1]!.value).toBe(120);
  });

  it('a pending alert whose series goes away is dropped; it starts over when it comes back', () => {
    const { out } = run(rule(), (m) => (m === 3 ? [] : hit()), 9);
    expect(out[3]!.state).toEqual([]);
    expect(out[3]!.samples).toEqual([]);
    expect(out[8]!.state).toEqual(['pending']);
    expect(out[9]!.state).toEqual(['firing']);
    expect(out[9]!.samples[1]!.value).toBe(240);
  });

  it('keep_firing_for holds a firing alert after its series is gone, then resolves it', () => {
    const r = rule({ forMs: 0, keepFiringForMs: 3 * MIN });
    const { out } = run(r, (m) => (m <= 2 ? hit() : []), 7);
    expect(out[2]!.state).toEqual(['firing']);
    expect(out[3]!.state).toEqual(['firing']);
    expect(out[5]!.state).toEqual(['firing']);
    expect(out[6]!.state).toEqual([]);
    expect(out[6]!.samples).toEqual([]);
  });

  it('without keep_firing_for a firing alert resolves at the first evaluation without its series', () => {
    const { out, s } = run(rule({ forMs: 0 }), (m) => (m <= 2 ? hit() : []), 3);
    expect(out[3]!.state).toEqual([]);
    // Kept as resolved (inactive) for the retention period, but not active.
    expect([...s.active.values()].map((a) => a.state)).toEqual(['inactive']);
  });

  it('annotations follow the latest value; labels come from the templates', () => {
    const { s } = run(rule({ forMs: 0 }), (m) => hit(m + 1), 3);
    expect(s.activeAlerts()[0]!.annotations).toEqual({ summary: 'v=4' });
    expect(s.activeAlerts()[0]!.labels).toEqual({ alertname: 'HighLatency', job: 'api', severity: 'page', team: 'api' });
  });

  it('a label template that renders empty removes the label', () => {
    const s = new AlertingRuleState(rule({ forMs: 0 }));
    s.eval([{ labels: { instance: 'x' }, value: 1 }], 0, expand);
    expect(s.activeAlerts()[0]!.labels).toEqual({ alertname: 'HighLatency', instance: 'x', severity: 'page' });
  });

  it('two results with the same labels after the rule labels are an error, as in Prometheus', () => {
    const s = new AlertingRuleState(rule({ labels: { job: 'fixed' } }));
    expect(() => s.eval([{ labels: { job: 'a' }, value: 1 }, { labels: { job: 'b' }, value: 1 }], 0, expand)).toThrow('vector contains metrics with the same labelset after applying alert labels');
  });

  it('limit: more alerts than the group limit fail the rule', () => {
    const s = new AlertingRuleState(rule());
    expect(() => s.eval([{ labels: { job: 'a' }, value: 1 }, { labels: { job: 'b' }, value: 1 }], 0, expand, 1)).toThrow('exceeded limit of 1 with 2 alerts');
  });
});
