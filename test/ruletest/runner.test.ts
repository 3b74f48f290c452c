import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { engineFactory } from '../../src/ruletest/engine.ts';
import { reportLines, testRules, type ReportLine } from '../../src/ruletest/report.ts';
import { runTestFile } from '../../src/ruletest/runner.ts';

const fixtures = join(import.meta.dirname, 'fixtures');
const tmp = mkdtempSync(join(tmpdir(), 'obsgen-ruletest-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Writes rules and a test file into a fresh folder; returns the test file's path. */
function files(rules: string, test: string): string {
  const dir = mkdtempSync(join(tmp, 'case-'));
  writeFileSync(join(dir, 'r.rules.yml'), rules);
  writeFileSync(join(dir, 't.test.yml'), test.includes('rule_files:') ? test : `rule_files: [r.rules.yml]\n${test}`);
  return join(dir, 't.test.yml');
}
const run = (path: string) => runTestFile(path, { engine: engineFactory });

describe('promtool test rules in process', () => {
  it('passes a test that pins pending at 6m, firing at 7m, keep_firing_for to 13m, ALERTS and ALERTS_FOR_STATE', () => {
    const r = run(join(fixtures, 'requests.test.yml'));
    expect(r.errors).toEqual([]);
    expect(r.ok).toBe(true);
    expect(reportLines(r)).toEqual([
      { stream: 'stdout', text: `Unit Testing:  ${join(fixtures, 'requests.test.yml')}` },
      { stream: 'stdout', text: '  SUCCESS' },
      { stream: 'stdout', text: '' },
    ]);
  });

  it('reports failures with promtool\'s words, order and number format (checked against promtool 2.42)', () => {
    const lines: ReportLine[] = [];
    const { exitCode } = testRules([join(fixtures, 'failing.test.yml')], { engine: engineFactory }, (l) => lines.push(l));
    expect(exitCode).toBe(1);
    const stderr = lines.filter((l) => l.stream === 'stderr').map((l) => `${l.text}\n`).join('');
    expect(stderr).toBe(PROMTOOL_STDERR);
    // stdout: the file line, one blank line per failure, one after the file.
    expect(lines.filter((l) => l.stream === 'stdout').map((l) => l.text)).toEqual([`Unit Testing:  ${join(fixtures, 'failing.test.yml')}`, '', '', '', '', '', '']);
  });

  it('a recording rule\'s output is read by the next rule in the same evaluation and by later evaluations', () => {
    const t = files(
      `groups:
  - name: g
    rules:
      - record: a:x
        expr: vector(1) + on() group_left() (count(a:x) or vector(0))
      - record: b:x
        expr: a:x * 10
`,
      `tests:
  - interval: 1m
    promql_expr_test:
      - expr: b:x
        eval_time: 0m
        exp_samples: [{ labels: 'b:x', value: 10 }]
      - expr: a:x
        eval_time: 2m
        exp_samples: [{ labels: 'a:x', value: 2 }]
`,
    );
    const r = run(t);
    expect(r.errors).toEqual([]);
  });

  it('group_eval_order decides which group reads the other\'s output at the same step', () => {
    const rules = `groups:
  - name: first
    rules:
      - record: reads:x
        expr: written:x
  - name: second
    rules:
      - record: written:x
        expr: vector(7)
`;
    const test = (order: string) => `${order}tests:
  - interval: 1m
    promql_expr_test:
      - expr: reads:x
        eval_time: 0m
        exp_samples: [{ labels: 'reads:x', value: 7 }]
`;
    expect(run(files(rules, test(''))).ok).toBe(false);
    expect(run(files(rules, test('group_eval_order: [second, first]\n'))).errors).toEqual([]);
    expect(run(files(rules, test('group_eval_order: [second, second]\n'))).errors).toEqual(['group name repeated in evaluation order: second']);
  });

  it('external_labels and external_url reach the templates', () => {
    const t = files(
      `groups:
  - name: g
    rules:
      - alert: Up
        expr: up == 1
        annotations:
          where: '{{ $externalLabels.region }} {{ $externalURL }}'
`,
      `tests:
  - external_labels: { region: eu }
    external_url: https://prom.example.com
    input_series:
      - series: up{job="x"}
        values: 1
    alert_rule_test:
      - eval_time: 0m
        alertname: Up
        exp_alerts:
          - exp_labels: { job: x }
            exp_annotations: { where: eu https://prom.example.com }
`,
    );
    expect(run(t).errors).toEqual([]);
  });

  it('a rule that fails to evaluate stops the test group with promtool\'s rule error', () => {
    const t = files(
      `groups:
  - name: g
    rules:
      - record: r:x
        expr: label_replace(up, "job", "same", "", "")
`,
      `tests:
  - input_series:
      - series: up{job="a"}
        values: 1x5
      - series: up{job="b"}
        values: 1x5
    promql_expr_test:
      - expr: up
        eval_time: 2m
`,
    );
    const r = run(t);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(/^ {4}rule: r:x, time: 0s, err: /);
  });

  it('reads the file strictly: an unknown field fails with its line, a bad duration with Go\'s message', () => {
    const unknown = files('groups: []\n', 'tests:\n  - name: x\n    intervall: 1m\n');
    expect(run(unknown).errors).toEqual(['yaml: unmarshal errors:\n  line 4: field intervall not found in type main.testGroup']);
    const duration = files('groups: []\n', 'tests:\n  - interval: 5\n');
    expect(run(duration).errors).toEqual(['not a valid duration string: "5"']);
  });

  it('rule file problems are reported as the load error, naming file, group and rule', () => {
    const t = files(
      `groups:
  - name: g
    rules:
      - alert: Bad
        expr: rate(up[5m]
        annotations:
          s: '{{ .Labels.job '
`,
      'tests:\n  - promql_expr_test: [{ expr: "1", eval_time: 0m, exp_samples: [{ labels: "{}", value: 1 }] }]\n',
    );
    const errs = run(t).errors;
    expect(errs.some((e) => /r\.rules\.yml: group "g", rule 1, "Bad": could not parse expression: /.test(e))).toBe(true);
    expect(errs.some((e) => /annotation "s": template: __alert_Bad: /.test(e))).toBe(true);
  });

  it('warns about a rule_files pattern that matches nothing and carries on; globs match', () => {
    const t = files('groups:\n  - name: g\n    rules:\n      - record: r:x\n        expr: vector(2)\n', 'rule_files: ["r.*.yml", "missing/*.yml"]\ntests:\n  - promql_expr_test: [{ expr: "r:x", eval_time: 0m, exp_samples: [{ labels: "r:x", value: 2 }] }]\n');
    const r = run(t);
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([`  WARNING: no file match pattern ${join(t, '..', 'missing/*.yml')}`]);
  });

  it('--run selects test groups by name; an unnamed group is unnamed#N', () => {
    const t = files('groups: []\n', 'tests:\n  - name: keep\n    promql_expr_test: [{ expr: "1", eval_time: 0m, exp_samples: [{ labels: "{}", value: 1 }] }]\n  - promql_expr_test: [{ expr: "1", eval_time: 0m, exp_samples: [{ labels: "{}", value: 2 }] }]\n');
    expect(runTestFile(t, { engine: engineFactory, run: ['^keep$'] }).ok).toBe(true);
    expect(runTestFile(t, { engine: engineFactory }).ok).toBe(false);
  });

  it('fuzzy_compare accepts one ulp; exact comparison does not', () => {
    const test = (fuzzy: string) => `${fuzzy}tests:\n  - promql_expr_test: [{ expr: "0.1 + 0.2", eval_time: 0m, exp_samples: [{ labels: "{}", value: 0.3 }] }]\n`;
    expect(run(files('groups: []\n', test(''))).errors[0]).toContain('got: {} 3.0000000000000004E-01');
    expect(run(files('groups: []\n', test('fuzzy_compare: true\n'))).ok).toBe(true);
  });

  it('judges with Prometheus 3: left-open range selectors (#13904) read 4 of 5 samples, where promtool 2.42 gets exactly 10', () => {
    const t = files(
      'groups: []\n',
      `tests:
  - interval: 30s
    input_series:
      - series: requests_total{job="api"}
        values: 0+300x20
    promql_expr_test:
      - expr: rate(requests_total[2m])
        eval_time: 5m
        exp_samples: [{ labels: '{job="api"}', value: 10 }]
`,
    );
    expect(run(t).errors).toEqual([
      '    expr: "rate(requests_total[2m])", time: 5m,\n        exp: {job="api"} 1E+01\n        got: {job="api"} 9.999999999999998E+00',
    ]);
  });

  it('input series: _ skips a point, stale ends the series for instant queries', () => {
    const t = files('groups: []\n', `tests:
  - input_series:
      - series: m{a="1"}
        values: 1 _ 3 stale
    promql_expr_test:
      - expr: m
        eval_time: 1m
        exp_samples: [{ labels: 'm{a="1"}', value: 1 }]
      - expr: m
        eval_time: 3m
        exp_samples: []
`);
    expect(run(t).errors).toEqual([]);
  });
});

/** promtool 2.42's stderr for fixtures/failing.test.yml, byte for byte. */
const PROMTOOL_STDERR = `  FAILED:
    name: wrong expectations,
    alertname: HighRequests, time: 7m, 
        exp:[
            0:
              Labels:{alertname="HighRequests", job="api", severity="ticket", team="api-team"}
              Annotations:{summary="api at 10 req/s", total="10.0"}
            ], 
        got:[
            0:
              Labels:{alertname="HighRequests", job="api", severity="page", team="api-team"}
              Annotations:{summary="api at 10 req/s", total="10.0"}
            ]
    name: wrong expectations,
    alertname: HighRequests, time: 14m, 
        exp:[
            0:
              Labels:{alertname="HighRequests", job="api", severity="page", team="api-team"}
              Annotations:{}
            ], 
        got:[]
    expr: "requests_total", time: 5m,
        exp: {__name__="requests_total", instance="a", job="api"} 2.999E+03
        got: {__name__="requests_total", instance="a", job="api"} 3E+03
    expr: "sum(nothing_here)", time: 5m,
        exp: {} 0E+00
        got: nil
    expr: "requests_total[1m]", time: 1m, err: rule result is not a vector or scalar
`;
