/**
 * Generated tests for imported alerts beyond the simple shapes: inputs found by trying patterns on
 * obsgen's engine (src/import/probe.ts). Every generated test must pass on the engine and on promtool.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildStack } from 'obsgen';
import { importRules, rulesToTypeScript } from '../../src/import/rules.ts';
import { runBundleTests } from '../../src/cli/runtests.ts';
import { tempDir } from '../helpers.ts';
import { loadPrinted } from './load.ts';

// [name, expr, for, summary]: most summaries show no value; where one does, it must print alike on both engines.
const alerts: [string, string, string?, string?][] = [
  ['ErrorsIncreasing', 'increase(app_errors_total{job="app"}[10m]) > 5', '5m', '{{ $value | humanize }} errors on {{ $labels.job }}'],
  ['RequestRateHigh', 'sum by (instance) (rate(app_requests_total{job="app"}[5m])) > 100', '2m'],
  ['ErrorRatio', 'sum(rate(app_requests_total{job="app",code=~"5.."}[5m])) / sum(rate(app_requests_total{job="app"}[5m])) > 0.05', '10m'],
  ['LatencyHigh', 'histogram_quantile(0.99, sum by (le) (rate(app_duration_seconds_bucket{job="app"}[5m]))) > 0.5', '5m'],
  ['DiskFull', 'node_filesystem_avail_bytes{fstype!="tmpfs"} / node_filesystem_size_bytes{fstype!="tmpfs"} * 100 < 10', '30m'],
  ['ErrorRatioWithTraffic', '(sum(rate(app_requests_total{code=~"5.."}[5m])) / sum(rate(app_requests_total[5m])) > 0.05) and sum(rate(app_requests_total[5m])) > 1', '5m'],
  ['TargetDown', 'up{job=~"app|web"} == 0', '1m', '{{ $labels.job }} is down ({{ $value }})'],
  ['Restarting', 'changes(process_start_time_seconds{job="app"}[15m]) > 2'],
  ['Pinned', 'app_last_seen @ 1700000000 < 5'],
];
const text = `groups:\n  - name: app\n    rules:\n${alerts
  .map(([name, expr, f, summary]) => `      - alert: ${name}\n        expr: ${JSON.stringify(expr)}\n${f ? `        for: ${f}\n` : ''}        labels:\n          severity: warning\n        annotations:\n          summary: ${JSON.stringify(summary ?? name)}\n`)
  .join('')}`;

describe('generated tests found on the engine', () => {
  const result = importRules([{ file: 'app.yml', text }]);

  it('writes a fire and a quiet scenario for rates, increases, ratios, quantiles, joins and regex matchers; none for an @ modifier', () => {
    expect(result.errors).toEqual([]);
    const tested = Object.fromEntries(result.groups[0]!.rules.map((r) => ['alert' in r ? r.alert : r.record, 'alert' in r ? (r.tests ?? []).length : 0]));
    expect(tested).toEqual({ ErrorsIncreasing: 2, RequestRateHigh: 2, ErrorRatio: 2, LatencyHigh: 2, DiskFull: 2, ErrorRatioWithTraffic: 2, TargetDown: 2, Restarting: 2, Pinned: 0 });
    // The check comes after the look-back (5m range + 5m staleness) has filled, `for` (10m) has held, and 2m more.
    const ratio = result.groups[0]!.rules[2] as { tests: { at: string }[] };
    expect(ratio.tests[0]!.at).toBe('22m');
  });

  it('every generated test passes on obsgen test and on promtool', async () => {
    const stack = await loadPrinted(rulesToTypeScript(result, 'app', ['app.yml']));
    const out = tempDir();
    const r = buildStack(stack, out);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.ok).toBe(true);
    const engine = runBundleTests(join(out, 'app'), 'app');
    expect(engine.ruleFailures).toEqual([]);
    expect(engine.ruleCases).toBe(16);
    const promtool = runBundleTests(join(out, 'app'), 'app', { engine: 'promtool' });
    expect(promtool.ruleFailures).toEqual([]);
    expect(promtool.ruleCases).toBe(16);
  });
});
