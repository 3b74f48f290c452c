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
import { text } from './probe.fixture.ts';


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

  it('every generated test passes on obsgen test (probe-promtool.test.ts runs them on promtool)', async () => {
    const stack = await loadPrinted(rulesToTypeScript(result, 'app', ['app.yml']));
    const out = tempDir();
    const r = buildStack(stack, out);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.ok).toBe(true);
    const engine = runBundleTests(join(out, 'app'), 'app');
    expect(engine.ruleFailures).toEqual([]);
    expect(engine.ruleCases).toBe(16);
  });
});
