/**
 * Recorded series per SLO, counted, not estimated: the benchmark's SLO shape (99.9% over 30d, a
 * 7d reporting window, bad and total events by code, the Workbook's pairs) built into a bundle,
 * its rules run for 3 hours of traffic (every group evaluated, levels included) on obsgen's
 * engine and in the real promtool, and the distinct series whose name is an SLO recording
 * counted per SLO. Sloth records 15 per SLO (8 window ratios, 7 metadata series), Pyrra 11;
 * obsgen recorded 27 before the window ratios were summed where they are read.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { stringify } from 'yaml';
import { buildStack, defineStack, slo } from 'obsgen';
import { tempDir } from '../helpers.ts';

/** Sloth v0.16's series per SLO: ratio_rate 5m, 30m, 1h, 2h, 6h, 1d, 3d and the period; 7 metadata series. */
export const SLOTH_SERIES_PER_SLO = 15;
/** What obsgen records per SLO of this shape: 5m, 30m and 6h reads (error and total), the 1h and 1d levels (error and total), budget, info, the 30d and 7d ratios. */
export const OBSGEN_SERIES_PER_SLO = 14;

const services = ['svc0', 'svc1', 'svc2'];
const stack = defineStack({
  name: 'slo-series',
  prometheus: { scrapeInterval: '1m', evaluationInterval: '1m', selfMonitoring: false },
  slos: services.map((s) =>
    slo({
      service: s,
      name: 'availability',
      objective: 99.9,
      window: '30d',
      reportingWindows: ['7d'],
      dashboard: false,
      sli: { events: { bad: `http_requests_total{service="${s}",code=~"5.."}`, total: `http_requests_total{service="${s}"}` } },
    }),
  ),
  alerting: { receivers: {}, defaultInhibitRules: false },
});

/** Builds the stack and writes a promtool test file that counts its recorded series per SLO; returns its path. */
export function seriesCountTestFile(): string {
  const out = tempDir('obsgen-slo-series-');
  const result = buildStack(stack, out, { verify: false });
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const rulesDir = join(out, 'slo-series/prometheus/rules');
  const ruleFiles = readdirSync(rulesDir).filter((f) => f.startsWith('slo-')).sort();
  const series = services.flatMap((s, i) =>
    ['200', '500'].map((code) => ({ series: `http_requests_total{service="${s}",code="${code}",instance="a"}`, values: `0+${code === '200' ? 1000 * (i + 1) : i + 1}x180` })),
  );
  const count = 'count by (service) ({__name__=~"slo:.+|obsgen_slo_info",slo="availability"})';
  const testFile = join(out, 'series-count.test.yml');
  writeFileSync(
    testFile,
    stringify({
      rule_files: ruleFiles.map((f) => join(rulesDir, f)),
      evaluation_interval: '1m',
      tests: [{ interval: '1m', input_series: series, promql_expr_test: [{ expr: count, eval_time: '3h', exp_samples: services.map((s) => ({ labels: `{service="${s}"}`, value: OBSGEN_SERIES_PER_SLO })) }] }],
    }),
  );
  return testFile;
}

