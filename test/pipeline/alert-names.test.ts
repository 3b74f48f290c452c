/**
 * Alerts of one name are one alert to Alertmanager (inhibition, silences) and share a
 * runbook page: only tiers of one alert may share a name. Two unrelated alerts of one
 * name are an error with both paths; declared tiers, a mixin's warning/critical tiers,
 * two instances of one mixin and the SLO alerts shared by many SLOs still build.
 */
import { describe, expect, it } from 'vitest';
import { bundleFiles, defineStack, host, httpService, slo, trySynth, type CustomAlertProps, type StackProps } from 'obsgen';

const alerting = {
  receivers: { pager: { webhook: { url: 'http://127.0.0.1:9/hook' } } },
  routes: [{ match: { severity: 'critical' }, receiver: 'pager' }],
};

function alert(name: string, severity: 'warning' | 'critical', below: number, extra: Partial<CustomAlertProps> = {}): CustomAlertProps {
  return {
    name,
    expr: `up{job="api"} < ${below}`,
    for: '5m',
    severity,
    summary: `api below ${below}`,
    description: 'd',
    ...extra,
    tests: [
      { name: 'fires', series: [{ series: 'up{job="api"}', values: '0x10' }], at: '6m', firing: [{ labels: { job: 'api' }, value: 0 }] },
      { name: 'quiet', series: [{ series: 'up{job="api"}', values: '1x10' }], at: '6m', firing: [] },
    ],
  };
}

const stack = (extra: Partial<StackProps>) => defineStack({ name: 'shop', services: [httpService({ name: 'api', targets: ['api:8000'] })], alerting, ...extra });
const errors = (extra: Partial<StackProps>) => trySynth(stack(extra)).diagnostics.errors.map((d) => ({ code: d.code, path: d.path, message: d.message, hint: d.hint }));

const HINT =
  "rename one (name: ...), or, if they are the warning and critical tiers of one alert, declare them so: tier: true on each free-form alert of that name (a mixin alert's tiers are its warning/critical thresholds)";

describe('alerts of one name', () => {
  it('two free-form alerts named alike are one error, with both paths and the way out', () => {
    expect(errors({ alerts: [alert('HighLatency', 'warning', 1), alert('HighLatency', 'critical', 0.5)] })).toEqual([
      {
        code: 'duplicate-alert',
        path: 'alerts[1]',
        message: "alert HighLatency is also the name of another alert, at alerts[0]: Alertmanager's inhibit rules, silences and the runbook page would treat the two as tiers of one alert",
        hint: HINT,
      },
    ]);
  });

  it('a free-form alert named like a mixin alert is an error, once, however many tiers the mixin alert has', () => {
    const list = errors({ mixins: [host({ targets: ['h:9100'] })], alerts: [alert('HostDiskUsageHigh', 'critical', 1, { tier: true })] });
    expect(list.map((e) => `${e.code} ${e.path}`)).toEqual(['duplicate-alert alerts[0]']);
    expect(list[0]!.message).toContain('at mixins[0].disk');
  });

  it('only one of two declares tier: still an error', () => {
    expect(errors({ alerts: [alert('HighLatency', 'warning', 1, { tier: true }), alert('HighLatency', 'critical', 0.5)] }).map((e) => e.path)).toEqual(['alerts[1]']);
  });

  it('free-form alerts declared as tiers build, as one alert with one runbook page listing both', () => {
    const r = trySynth(stack({ alerts: [alert('HighLatency', 'warning', 1, { tier: true }), alert('HighLatency', 'critical', 0.5, { tier: true })] }));
    expect(r.diagnostics.errors).toEqual([]);
    const rules = r.bundle!.ruleGroups.flatMap((g) => g.rules).filter((x) => x.name === 'HighLatency');
    expect(rules.map((x) => x.kind === 'alert' && x.labels.severity)).toEqual(['warning', 'critical']);
    const page = bundleFiles(r.bundle!).files.get('runbooks/HighLatency.md')!;
    expect(page).toContain('api below 1');
    expect(page).toContain('api below 0.5');
  });

  it("a mixin's warning/critical tiers, two instances of one mixin and SLO alerts of many SLOs build", () => {
    const r = trySynth(
      stack({
        services: [httpService({ name: 'api', targets: ['api:8000'], slos: [{ name: 'availability', objective: 99.9, sli: { errorRatio: {} } }] })],
        mixins: [host({ targets: ['h:9100'] }), host({ targets: ['g:9100'], job: 'node2', component: 'host2' })],
        slos: [slo({ name: 'tasks', service: 'celery', objective: 99, sli: { events: { good: 'tasks_total{job="celery",state="ok"}', total: 'tasks_total{job="celery"}' } } })],
      }),
    );
    expect(r.diagnostics.errors).toEqual([]);
    const names = r.bundle!.ruleGroups.flatMap((g) => g.rules).filter((x) => x.kind === 'alert').map((x) => x.name);
    expect(names.filter((n) => n === 'HostDiskUsageHigh')).toHaveLength(4);
    expect(names.filter((n) => n === 'SLOBudgetBurn').length).toBeGreaterThanOrEqual(2);
  });

  it('a mixin knob renamed to another knob\'s alert name is a collision', () => {
    const list = errors({ mixins: [host({ targets: ['h:9100'], cpu: { name: 'HostMemoryUsageHigh', warning: 80, critical: false } })] });
    expect(list.map((e) => `${e.code} ${e.path}`)).toEqual(['duplicate-alert mixins[0].memory']);
    expect(list[0]!.message).toContain('at mixins[0].cpu');
  });
});
