/**
 * Events (and other) SLIs whose selectors use regexes, `!=`, `!~`, flags or several labels get
 * the full burn-rate scenario set, and the generated tests pass through the real promtool. A
 * shape obsgen cannot write series for is a warning at the SLO, never a silent gap nor a
 * missing-tests error on another object.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildStack, defineStack, slo, trySynth, type SloProps } from 'obsgen';
import { tempDir } from '../helpers.ts';

type Sli = SloProps['sli'];

/** Selector shapes: [slo name, sli, groupBy]. */
const SHAPES: [string, Sli, string[]][] = [
  ['celery', { events: { good: 'celery_tasks_total{job="celery",state="SUCCESS"}', total: 'celery_tasks_total{job="celery",state=~"SUCCESS|FAILURE"}' } }, []],
  ['regex-total', { events: { bad: 'jobs_total{code=~"5.."}', total: 'jobs_total{code=~"[1-5].."}' } }, []],
  ['ne-good', { events: { good: 'orders_total{job="api",outcome!="error"}', total: 'orders_total{job="api"}' } }, []],
  ['nre-bad', { events: { bad: 'calls_total{code!~"2..|3.."}', total: 'calls_total{code=~"[2-5].."}' } }, []],
  ['labels', { events: { good: 'work_total{job="w",queue=~"high|low",state="done",retried!="true"}', total: 'work_total{job="w",queue=~"high|low"}' } }, []],
  ['two-metrics', { events: { good: 'mails_sent_total{job="mail"}', total: 'mails_attempted_total{job="mail"}' } }, []],
  ['grouped', { events: { good: 'pay_total{region=~"eu-.+",ok="1"}', total: 'pay_total{region=~"eu-.+"}' } }, ['region']],
  ['flags', { events: { good: 'sync_total{state=~"(?i)success"}', total: 'sync_total{state=~"[[:alpha:]]+"}' } }, []],
  ['gauge', { availability: { gauge: 'probe_success{instance=~"https://.+",module!="icmp"}' } }, []],
  ['latency', { latency: { below: '250ms', histogram: 'rpc_duration_seconds', matchers: 'job=~"api|web",handler!="/health"', buckets: [0.1, 0.25, 1] } }, []],
];

const receivers = { alerting: { receivers: { pager: { webhook: { url: 'http://127.0.0.1:9/hook' } } }, routes: [{ match: { severity: 'critical' }, receiver: 'pager' }] } };

function promtool(dir: string, file: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const p = spawn('promtool', ['test', 'rules', file], { cwd: dir });
    let output = '';
    p.stdout.on('data', (d) => (output += d));
    p.stderr.on('data', (d) => (output += d));
    p.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

describe('SLI selector shapes get the full scenario set', () => {
  const out = tempDir('obsgen-slo-sel-');
  const stack = defineStack({
    name: 'slo-selectors',
    slos: SHAPES.map(([name, sli, groupBy]) => slo({ service: 'sel', name, objective: 99.5, groupBy, sli })),
    ...receivers,
  });
  let result: ReturnType<typeof buildStack>;
  beforeAll(() => {
    result = buildStack(stack, out, { verify: false });
  }, 60_000);

  it('builds without errors or warnings about scenarios', () => {
    expect(result.diagnostics.filter((d) => d.severity === 'error' || d.code === 'slo-no-scenarios')).toEqual([]);
  });

  // Per SLO: 10 alert scenarios (0.9x and 1.1x per pair, a total outage, zero traffic), the
  // zero-traffic expression test and detection/reset of the two page pairs, and the no-data
  // alert's three (a renamed metric fires it; no traffic and traffic do not).
  it.each(SHAPES.map(([name]) => name))('%s: every scenario is generated', (name) => {
    const text = readFileSync(join(out, `slo-selectors/prometheus/tests/slo-sel-${name}.test.yml`), 'utf8');
    const cases = text.match(/^ {2}- name: /gm) ?? [];
    expect(cases.length).toBe(name === 'gauge' ? 19 : 16);
  });

  it('passes every generated test through promtool', async () => {
    const dir = join(out, 'slo-selectors/prometheus/tests');
    const files = SHAPES.map(([name]) => `slo-sel-${name}.test.yml`);
    for (let i = 0; i < files.length; i += 2) {
      const batch = await Promise.all(files.slice(i, i + 2).map(async (f) => ({ f, ...(await promtool(dir, f)) })));
      for (const r of batch) {
        expect(r.output, r.f).toContain('SUCCESS');
        expect(r.code, r.f).toBe(0);
      }
    }
  }, 240_000);

  it('writes series that match the selectors as Prometheus reads them', () => {
    const text = readFileSync(join(out, 'slo-selectors/prometheus/tests/slo-sel-celery.test.yml'), 'utf8');
    expect(text).toContain("celery_tasks_total{job=\"celery\",state=\"SUCCESS\"}");
    expect(text).toContain("celery_tasks_total{job=\"celery\",state=\"FAILURE\"}");
    const grouped = readFileSync(join(out, 'slo-selectors/prometheus/tests/slo-sel-grouped.test.yml'), 'utf8');
    expect(grouped).toMatch(/pay_total\{ok="1",region="eu-x"\}/);
  });
});

describe('SLI selector shapes obsgen cannot write series for', () => {
  const cases: [string, Sli, RegExp][] = [
    ['contradictory', { events: { good: 'x_total{state="SUCCESS"}', total: 'x_total{state="FAILURE"}' } }, /no series obsgen can find matches both the good selector .* and the total selector/],
    ['good-is-total', { events: { good: 'x_total{job="a"}', total: 'x_total{job="a"}' } }, /every series the total selector .* is also a good event/],
    ['unicode-class', { events: { bad: 'x_total{state=~"\\\\pL+"}', total: 'x_total' } }, /uses a Unicode class/],
    ['no-metric-name', { events: { bad: '{__name__=~"a_total|b_total",code="500"}', total: 'a_total' } }, /has no metric name/],
    ['error-codes-match-all', { events: { bad: 'y_total{code=~".*"}', total: 'y_total' } }, /every series the total selector .* is also a bad event/],
  ];
  it.each(cases)('%s: a warning at the SLO with the reason, and no missing-tests error', (name, sli, reason) => {
    const stack = defineStack({
      name: 'slo-untestable',
      slos: [slo({ service: 'ok', name: 'fine', objective: 99, sli: { events: { good: 'z_total{ok="1"}', total: 'z_total' } } }), slo({ service: 'u', name, objective: 99, sli })],
      ...receivers,
    });
    const r = trySynth(stack);
    const items = r.diagnostics.items;
    expect(items.filter((d) => d.severity === 'error')).toEqual([]);
    const warnings = items.filter((d) => d.code === 'slo-no-scenarios');
    expect(warnings.map((w) => w.path)).toEqual(['slos[1].sli']);
    expect(warnings[0]!.message).toMatch(reason);
    // The SLO sharing its alert rules still gets its own scenarios.
    const alerts = r.bundle!.ruleGroups.flatMap((g) => g.rules).filter((x) => x.kind === 'alert');
    expect(alerts.every((a) => a.kind === 'alert' && a.tests.length > 0)).toBe(true);
  });

  it('alone in a stack: still only the warning', () => {
    const stack = defineStack({ name: 'slo-untestable', slos: [slo({ service: 'u', name: 'only', objective: 99, sli: { events: { good: 'x_total{state="SUCCESS"}', total: 'x_total{state="FAILURE"}' } } })], ...receivers });
    const r = trySynth(stack);
    expect(r.diagnostics.items.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.diagnostics.items.filter((d) => d.code === 'slo-no-scenarios').map((d) => d.path)).toEqual(['slos[0].sli']);
  });
});
