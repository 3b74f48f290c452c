/**
 * Annotations that query Prometheus (`query "..." | first`) are guarded: where the series does
 * not exist yet (a fresh Prometheus; the budget reads the whole SLO window) they say so in
 * words instead of `<error expanding template ...: first() called on vector with no elements>`.
 * Proved three ways: the in-process renderer against an empty result, the build's check on an
 * unguarded template, and a promtool test of the built rules before the budget is recorded.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { buildStack, defineStack, slo, trySynth } from 'obsgen';
import { renderTemplate } from '../../src/core/template.ts';
import { tempDir } from '../helpers.ts';

const receivers = { alerting: { receivers: { pager: { webhook: { url: 'http://127.0.0.1:9/hook' } } }, routes: [{ match: { severity: 'critical' }, receiver: 'pager' }] } };
const events = { events: { good: 'req_total{outcome="ok"}', total: 'req_total' } };

describe('query templates in the renderer', () => {
  const q = 'slo:error_budget_remaining:ratio_30d{service="api",slo="a"}';
  const guarded = `{{ with query \`${q}\` }}{{ . | first | value | humanizePercentage }}{{ else }}not known yet{{ end }}`;

  it('renders the else branch when the query returns nothing, the value when it returns a sample', () => {
    expect(renderTemplate(guarded, { labels: {}, value: 1 })).toBe('not known yet');
    expect(renderTemplate(guarded, { labels: {}, value: 1, queries: { [q]: 0.25 } })).toBe('25%');
  });

  it('fails as Prometheus does on first() of an empty result', () => {
    expect(() => renderTemplate(`{{ query \`${q}\` | first | value }}`, { labels: {}, value: 1 })).toThrow('first() called on vector with no elements');
  });

  it('renders if/with/else chains and keeps . as the data outside with', () => {
    const data = { labels: { a: 'x' }, value: 2 };
    expect(renderTemplate('{{ if $labels.b }}b{{ else if $labels.a }}a={{ $labels.a }}{{ else }}none{{ end }}', data)).toBe('a=x');
    expect(renderTemplate('{{ with $labels.a }}[{{ . }}]{{ end }}{{ .Labels.a }}', data)).toBe('[x]x');
    expect(renderTemplate('{{- if 0 }}yes{{ else with $value }}{{ . }}{{ end -}} |', data)).toBe('2|');
    expect(() => renderTemplate('{{ if 1 }}open', data)).toThrow(/missing \{\{ end \}\}/);
    expect(() => renderTemplate('{{ end }}', data)).toThrow(/unexpected \{\{ end \}\}/);
  });
});

describe('the build refuses an unguarded query template', () => {
  it('in a free-form alert, with the field and a hint', () => {
    const stack = defineStack({
      name: 'q',
      ...receivers,
      alerts: [
        {
          name: 'QueueBacklog',
          expr: 'sum by (queue) (jobs_waiting) > 100',
          for: '10m',
          severity: 'warning',
          summary: 'Queue backlog',
          description: 'total {{ query "sum(jobs_waiting)" | first | value }}',
          tests: [
            { name: 'fires', series: [{ series: 'jobs_waiting{queue="mail"}', values: '500x30' }], at: '15m', firing: [{ labels: { queue: 'mail' }, value: 500 }] },
            { name: 'quiet', series: [{ series: 'jobs_waiting{queue="mail"}', values: '5x30' }], at: '15m', firing: [] },
          ],
        },
      ],
    });
    const errors = trySynth(stack).diagnostics.items.filter((d) => d.severity === 'error');
    expect(errors.map((e) => [e.path, e.code])).toEqual([['alerts[0]', 'template-query-unguarded']]);
    expect(errors[0]!.message).toContain('first() called on vector with no elements');
    expect(errors[0]!.hint).toContain('{{ with query');
  });
});

function promtool(dir: string, file: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const p = spawn('promtool', ['test', 'rules', file], { cwd: dir });
    let output = '';
    p.stdout.on('data', (d) => (output += d));
    p.stderr.on('data', (d) => (output += d));
    p.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

describe('the budget left before the budget series exists', () => {
  const out = tempDir('obsgen-slo-q-');
  const stack = defineStack({
    name: 'slo-fresh',
    slos: [
      slo({ service: 'api', name: 'shared', objective: 99.9, sli: events }),
      slo({ service: 'api', name: 'own', objective: 99.9, sli: events, alerting: { shared: false } }),
    ],
    ...receivers,
  });
  let result: ReturnType<typeof buildStack>;
  beforeAll(() => {
    result = buildStack(stack, out, { verify: false });
  }, 60_000);
  const rulesDir = () => join(out, 'slo-fresh/prometheus/rules');
  type RuleYaml = { alert?: string; record?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  const rulesOf = (file: string) => (parse(readFileSync(join(rulesDir(), file), 'utf8')) as { groups: { rules: RuleYaml[] }[] }).groups.flatMap((g) => g.rules);
  /** The annotations a firing burn alert of api/<slo> renders before the budget series exists: no query returns anything. */
  const fresh = (rule: RuleYaml, slo: string) => {
    const labels = { ...rule.labels, service: 'api', slo, ...(rule.labels?.burn_policy ? { objective: '99.9' } : {}) } as Record<string, string>;
    return Object.fromEntries(Object.entries(rule.annotations ?? {}).map(([k, v]) => [k, renderTemplate(v, { labels, value: 1000 })]));
  };

  it('renders the words, not a template error, in every annotation that queries', () => {
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const shared = rulesOf('slo-alerts.rules.yml').filter((r) => r.alert === 'SLOBudgetBurn');
    expect(shared).toHaveLength(4);
    const a = fresh(shared[0]!, 'shared');
    expect(a.remaining_budget).toBe('not known yet (no budget series)');
    expect(a.description).toMatch(/^api SLO shared \(99\.9% over 30d\): .* Budget left over 30d: not known yet \(no budget series\)\.$/);
    const own = fresh(rulesOf('slo-api-own.rules.yml').find((r) => r.alert === 'ApiOwnBudgetBurn')!, 'own');
    expect(own.remaining_budget).toBe('not known yet (no budget series)');
    for (const x of [a, own]) for (const v of Object.values(x)) expect(v).not.toMatch(/error expanding template|NaN/);
  });

  it('passes through the real promtool: a total outage 10 minutes into a fresh Prometheus, the budget not recorded yet', async () => {
    // The SLO's own group (reads and own alerts) and the levels, not slo-budget: the 30d ratio the
    // budget-left query reads is not recorded, as in a Prometheus whose budget group has not run yet.
    const own = rulesOf('slo-api-own.rules.yml').filter((r) => r.alert === 'ApiOwnBudgetBurn');
    const expAlerts = own.map((r) => ({ exp_labels: { ...r.labels, service: 'api', slo: 'own' }, exp_annotations: fresh(r, 'own') }));
    for (const e of expAlerts) expect(e.exp_annotations.remaining_budget).toBe('not known yet (no budget series)');
    const file = join(out, 'fresh.test.yml');
    writeFileSync(
      file,
      stringify({
        rule_files: ['slo-api-own.rules.yml', 'slo-level-1h.rules.yml', 'slo-level-1d.rules.yml'].map((f) => join(rulesDir(), f)),
        evaluation_interval: '1m',
        tests: [
          {
            interval: '1m',
            input_series: [
              { series: 'req_total{outcome="ok"}', values: '0x20' },
              { series: 'req_total{outcome="bad"}', values: '0+100x20' },
            ],
            alert_rule_test: [{ eval_time: '10m', alertname: 'ApiOwnBudgetBurn', exp_alerts: expAlerts }],
          },
        ],
      }),
    );
    const r = await promtool(out, file);
    expect(r.output).toContain('SUCCESS');
    expect(r.code).toBe(0);
  }, 120_000);
});
