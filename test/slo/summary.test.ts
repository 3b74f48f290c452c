/**
 * The burn-rate page's summary says the measured burn rate (the alert's value), and names the
 * pair's factor as the threshold: it used to print the factor as if it were the burn rate
 * ("14.4x too fast" while a total outage burns 1000x).
 */
import { describe, expect, it } from 'vitest';
import { defineStack, slo, synth, type AlertRule } from 'obsgen';
import { renderTemplate, sampleData } from '../../src/core/template.ts';

const receivers = { alerting: { receivers: { pager: { webhook: { url: 'http://127.0.0.1:9/hook' } } }, routes: [{ match: { severity: 'critical' }, receiver: 'pager' }] } };

describe('burn-rate summary', () => {
  it.each([{ shared: true }, { shared: false }])('prints the measured burn rate and the threshold (alerting %o)', (alerting) => {
    const bundle = synth(defineStack({ name: 's', slos: [slo({ service: 'api', name: 'avail', objective: 99.9, sli: { events: { good: 'req_total{ok="1"}', total: 'req_total' } }, alerting })], ...receivers }));
    const alerts = bundle.ruleGroups.flatMap((g) => g.rules).filter((r): r is AlertRule => r.kind === 'alert' && r.labels.long_window === '1h');
    expect(alerts).toHaveLength(1);
    const rule = alerts[0]!;
    const outage = rule.tests.find((t) => t.name === 'a total outage fires every pair')!;
    const sample = outage.checks[0]!.firing.find((f) => f.rule === undefined)!;
    // A total outage against a 0.1% budget: 1000x.
    expect(sample.value).toBeCloseTo(1000, 6);
    const summary = renderTemplate(rule.annotations.summary!, sampleData(sample));
    expect(summary).toBe('api: SLO avail is burning its error budget 1000.00x as fast as the objective allows over 1h (threshold 14.4x over 1h and 5m)');
    const description = renderTemplate(rule.annotations.description!, sampleData(sample));
    expect(description).toContain('over the last 1h the error ratio is 1000.00x what the objective allows');
    expect(description).toContain('The 1h/5m pair fires above 14.4x, a burn that spends 2% of the 30d error budget in 1h.');
  });
});
