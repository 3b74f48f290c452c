/**
 * Prometheus 3 group fields on import: `query_offset` (2.53+) and group `labels` (3.0+) are kept
 * as written; Debian's promtool 2.42 refuses them, so the build checks those files in process.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { buildStack, bundleFiles, synth, trySynth } from 'obsgen';
import { importRules, rulesToTypeScript } from '../../src/import/rules.ts';
import { runBundleTests } from '../../src/cli/runtests.ts';
import { tempDir } from '../helpers.ts';
import { loadPrinted } from './load.ts';
import { text } from './prometheus3-groups.fixture.ts';


type Raw = Record<string, unknown>;

describe('obsgen import rules: query_offset and group labels', () => {
  const result = importRules([{ file: 'prom3.yml', text }]);

  it('imports both fields onto the group', () => {
    expect(result.errors).toEqual([]);
    expect(result.groups[0]).toMatchObject({ name: 'delayed', queryOffset: '1m', labels: { team: 'shop', severity: 'warning' } });
    expect(result.tested).toBe(2);
  });

  it('builds the group with query_offset and labels at group level, rule labels as the file has them', async () => {
    const stack = await loadPrinted(rulesToTypeScript(result, 'shop', ['prom3.yml']));
    const files = bundleFiles(synth(stack)).files;
    const group = (parse(files.get('prometheus/rules/delayed.rules.yml')!) as { groups: Raw[] }).groups[0]!;
    expect(group.query_offset).toBe('1m');
    expect(group.labels).toEqual({ severity: 'warning', team: 'shop' });
    const rules = group.rules as Raw[];
    expect(rules.map((r) => r.labels)).toEqual([undefined, { severity: 'critical' }, undefined]);
    // A group without them stays a Prometheus 2 file.
    expect(files.get('prometheus/rules/plain.rules.yml')).not.toMatch(/query_offset|labels/);
  });

  it('checks those files in process (prometheus3-groups-promtool.test.ts: where promtool 2.42 refuses them); the generated tests pass with the group labels and offset', async () => {
    const stack = await loadPrinted(rulesToTypeScript(result, 'shop', ['prom3.yml']));
    const out = tempDir();
    const r = buildStack(stack, out);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.ok).toBe(true);
    const own = r.verify!.ran.find((t) => t.tool === 'obsgen check rules')!;
    expect(own.ok).toBe(true);
    expect(own.output).toContain('Checking delayed.rules.yml\n  SUCCESS: 3 rules found');
    const tests = parse(readFileSync(join(out, 'shop/prometheus/tests/delayed.test.yml'), 'utf8')) as { tests: { alert_rule_test: { eval_time: string; exp_alerts: { exp_labels: Raw }[] }[] }[] };
    const fires = tests.tests[0]!.alert_rule_test[0]!;
    // for 2m + query_offset 1m + 2m of margin.
    expect(fires.eval_time).toBe('5m');
    expect(fires.exp_alerts[0]!.exp_labels).toMatchObject({ severity: 'critical', team: 'shop' });
    const ran = runBundleTests(join(out, 'shop'), 'shop');
    expect(ran.ruleFailures).toEqual([]);
    expect(ran.ruleCases).toBe(4);
  });

  it("the engine honours query_offset: a check before the offset has passed finds the alert still pending", async () => {
    const late = importRules([{ file: 'late.yml', text: 'groups:\n  - name: late\n    query_offset: 5m\n    rules:\n      - alert: Down\n        expr: up{job="a"} == 0\n        labels: { severity: warning }\n' }]);
    const g = late.groups[0]!;
    const alert = g.rules[0] as { tests?: { at: string; firing: unknown[] }[] };
    // Fires at 7m (5m offset + 2m); the same check at 3m, inside the offset, finds nothing yet.
    alert.tests = [{ ...alert.tests![0]!, at: '3m', firing: [] } as never];
    const stack = await loadPrinted(rulesToTypeScript(late, 'late', ['late.yml']));
    const out = tempDir();
    expect(buildStack(stack, out, { verify: false }).ok).toBe(true);
    expect(runBundleTests(join(out, 'late'), 'late').ruleFailures).toEqual([]);
  });

  it('refuses query_offset for the kubernetes target, whose PrometheusRule would drop it', async () => {
    const stack = await loadPrinted(rulesToTypeScript(result, 'shop', ['prom3.yml']).replace('name: "shop",', "name: 'shop', targets: ['compose', 'kubernetes'],"));
    const r = trySynth(stack);
    expect(r.bundle).toBeUndefined();
    expect(r.diagnostics.items.filter((d) => d.severity === 'error').map((d) => [d.path, d.code])).toEqual([['ruleGroups[0].queryOffset', 'query-offset-target']]);
  });

  it('reports a bad query_offset and non-string group labels with their path', () => {
    const bad = importRules([{ file: 'bad.yml', text: 'groups:\n  - name: g\n    query_offset: later\n    labels: { team: [a] }\n    rules:\n      - record: a:b:c\n        expr: up\n' }]);
    expect(bad.errors).toEqual(['bad.yml: groups[0].query_offset: "later" is not a Prometheus duration (e.g. 5m, 1h30m)', 'bad.yml: groups[0].labels.team: is not a string']);
  });
});
