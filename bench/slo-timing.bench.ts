/**
 * When a page starts and stops, for obsgen's SLO rules and the shapes Sloth (v0.16) and Pyrra
 * generate for the same SLO, at 15s and 1m evaluation intervals, through the real promtool.
 *
 *   npm run bench -- slo-timing        (or: npx tsx bench/slo-timing.bench.ts [--outage 10])
 *
 * One availability SLO (99.9% over 30d), `http_requests_total` scraped every 15s: 6h of health
 * (so every page window is full), a total outage of `--outage` minutes, then health again. Each
 * style's rules run in promtool at the evaluation interval with its groups in reverse dependency
 * order: every hop from one group to the next then costs a whole interval, the worst case of a
 * real Prometheus, where each group runs at its own phase within the interval (in order, the
 * best case, hops cost nothing). Reported: minutes from the outage's start until a critical
 * alert fires, and from recovery until none fires, against the exact answer (rate() over both
 * windows of each page pair, at every 15s step).
 *
 * Shapes: Sloth records a ratio per window from the raw counters (one group) and alerts in a
 * second group; Pyrra records a burn rate per window from the raw counters and alerts in the
 * same group, with a `for:` per pair (2m for the 1h/5m pair over 30d, 16m for 6h/30m). The
 * factors are the Workbook's (14.4 and 6) for all three, so only the shapes differ.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { defineStack, slo, synth, type RuleGroup } from '../src/index.ts';
import { evalOrder } from '../src/emit/tests.ts';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const OUTAGE_MIN = arg('outage', 10);
const WARM_MIN = 6 * 60;
const AFTER_MIN = 40;
const SCRAPE_S = 15;
const RPS = 100;
const BUDGET = 0.001;
const PAGES = [
  { long: 3600, short: 300, factor: 14.4, pyrraFor: '2m' },
  { long: 21600, short: 1800, factor: 6, pyrraFor: '16m' },
];

interface PlainRule { record?: string; alert?: string; expr: string; for?: string; labels?: Record<string, string> }
interface PlainGroup { name: string; interval?: string; rules: PlainRule[] }

function obsgenGroups(): RuleGroup[] {
  const bundle = synth(
    defineStack({
      name: 'slo-timing',
      prometheus: { scrapeInterval: '15s', selfMonitoring: false },
      slos: [slo({ service: 'api', name: 'availability', objective: 99.9, window: '30d', dashboard: false, sli: { events: { bad: 'http_requests_total{job="api",code=~"5.."}', total: 'http_requests_total{job="api"}' } } })],
      alerting: { receivers: {}, defaultInhibitRules: false },
    }),
  );
  // Worst case first: the dependency order reversed.
  return evalOrder(bundle.ruleGroups);
}

function plain(groups: RuleGroup[]): PlainGroup[] {
  return groups.map((g) => ({
    name: g.name,
    rules: g.rules.map((r) => (r.kind === 'record' ? { record: r.name, expr: r.expr, ...(r.labels ? { labels: r.labels } : {}) } : { alert: r.name, expr: r.expr, ...(r.for ? { for: r.for } : {}), labels: r.labels })),
  }));
}

const W = (s: number) => (s % 3600 === 0 ? `${s / 3600}h` : `${s / 60}m`);
const ratio = (w: number) => `sum(rate(http_requests_total{job="api",code=~"5.."}[${W(w)}])) / sum(rate(http_requests_total{job="api"}[${W(w)}]))`;
const windows = [...new Set(PAGES.flatMap((p) => [p.short, p.long]))].sort((a, b) => a - b);

/** Sloth: ratios per window in one group, the page alert (both pairs, `or`) in another. */
function slothGroups(): PlainGroup[] {
  const pair = (p: (typeof PAGES)[number]) => `(sloth:sli_error:ratio_rate${W(p.short)} > (${p.factor} * ${BUDGET}) and sloth:sli_error:ratio_rate${W(p.long)} > (${p.factor} * ${BUDGET}))`;
  return [
    { name: 'sloth-slo-sli-recordings', rules: windows.map((w) => ({ record: `sloth:sli_error:ratio_rate${W(w)}`, expr: ratio(w) })) },
    { name: 'sloth-slo-alerts', rules: [{ alert: 'SLOAvailabilityPage', expr: PAGES.map(pair).join(' or '), labels: { severity: 'critical' } }] },
  ];
}

/** Pyrra: burn rates per window and the alerts (with their `for:`) in one group. */
function pyrraGroups(): PlainGroup[] {
  return [
    {
      name: 'pyrra-availability',
      rules: [
        ...windows.map((w) => ({ record: `http_requests:burnrate${W(w)}`, expr: ratio(w), labels: { slo: 'availability' } })),
        ...PAGES.map((p) => ({
          alert: 'ErrorBudgetBurn',
          expr: `http_requests:burnrate${W(p.short)}{slo="availability"} > (${p.factor} * (1-0.999)) and http_requests:burnrate${W(p.long)}{slo="availability"} > (${p.factor} * (1-0.999))`,
          for: p.pyrraFor,
          labels: { severity: 'critical', long: W(p.long), short: W(p.short) },
        })),
      ],
    },
  ];
}

/** Per-minute step counts: errors only during the outage. */
function inputs(): { series: string; values: string }[] {
  const perStep = RPS * SCRAPE_S;
  const steps = (m: number) => (m * 60) / SCRAPE_S;
  const [warm, out, after] = [steps(WARM_MIN), steps(OUTAGE_MIN), steps(AFTER_MIN)];
  const ok = `0+${perStep}x${warm} ${perStep * (warm + 1) - perStep}+0x${out - 1} ${perStep * warm + perStep}+${perStep}x${after}`;
  const err = `0+0x${warm} ${perStep}+${perStep}x${out - 1} ${perStep * out}+0x${after}`;
  return [
    { series: 'http_requests_total{job="api",code="200"}', values: ok },
    { series: 'http_requests_total{job="api",code="500"}', values: err },
  ];
}

/** The exact answer at a time (seconds from the start): some page pair above its factor on rate() over both windows. */
function exactPage(t: number): boolean {
  // Errors per second at second x: RPS during the outage (counted per 15s step, as scraped).
  const start = WARM_MIN * 60;
  const end = start + OUTAGE_MIN * 60;
  const errors = (from: number, to: number) => Math.max(0, Math.min(to, end) - Math.max(from, start));
  return PAGES.some((p) => [p.short, p.long].every((w) => errors(t - w, t) / w > p.factor * BUDGET));
}

/** Firing critical alerts at every evaluation from 2m before the outage on, read from promtool's failures. */
function timeline(groups: PlainGroup[], evalS: number, reverse: boolean, dir: string, tag: string): Map<number, boolean> {
  const order = reverse ? [...groups].reverse() : groups;
  writeFileSync(join(dir, `${tag}.rules.yml`), stringify({ groups }));
  const from = (WARM_MIN - 2) * 60;
  const to = (WARM_MIN + OUTAGE_MIN + AFTER_MIN - 1) * 60;
  const times: number[] = [];
  for (let t = from; t <= to; t += evalS) times.push(t);
  // Every check expects "nothing firing"; promtool reports the ones where something was.
  const test = {
    rule_files: [`${tag}.rules.yml`],
    evaluation_interval: `${evalS}s`,
    group_eval_order: order.map((g) => g.name),
    tests: [
      {
        interval: `${SCRAPE_S}s`,
        input_series: inputs(),
        promql_expr_test: times.map((t) => ({ expr: 'count(ALERTS{alertstate="firing",severity="critical"})', eval_time: `${t}s`, exp_samples: [] })),
      },
    ],
  };
  writeFileSync(join(dir, `${tag}.test.yml`), stringify(test));
  const r = spawnSync('promtool', ['test', 'rules', `${tag}.test.yml`], { cwd: dir, encoding: 'utf8', timeout: 600_000, maxBuffer: 64 << 20 });
  const out = `${r.stdout}${r.stderr}`;
  if (!out.includes('FAILED') && !out.includes('SUCCESS')) throw new Error(`promtool: ${out.slice(0, 2000)}`);
  const firing = new Map<number, boolean>(times.map((t) => [t, false]));
  for (const m of out.matchAll(/time: (\S+?),\s*\n\s*exp: .*\n\s*got: \{\} (\S+)/g)) firing.set(parseDuration(m[1]!), Number(m[2]) > 0);
  return firing;
}

function parseDuration(text: string): number {
  let s = 0;
  for (const [, n, u] of text.matchAll(/(\d+)(h|m|s)/g)) s += Number(n) * (u === 'h' ? 3600 : u === 'm' ? 60 : 1);
  return s;
}

/** Minutes from the outage's start to the first firing, and from recovery to the first quiet step after it. */
function edges(firing: Map<number, boolean>): { detect: number; reset: number } {
  const start = WARM_MIN * 60;
  const recover = start + OUTAGE_MIN * 60;
  const times = [...firing.keys()].sort((a, b) => a - b);
  const on = times.find((t) => t >= start && firing.get(t));
  const off = times.find((t) => t > recover && times.filter((x) => x >= t).every((x) => !firing.get(x)));
  return { detect: on === undefined ? NaN : (on - start) / 60, reset: off === undefined ? NaN : (off - recover) / 60 };
}

function main() {
  const dir = mkdtempSync(join(tmpdir(), 'obsgen-slo-timing-'));
  try {
    const styles: [string, PlainGroup[]][] = [
      ['Sloth', slothGroups()],
      ['Pyrra', pyrraGroups()],
      ['obsgen', plain(obsgenGroups())],
    ];
    const exact = new Map<number, boolean>();
    for (let t = (WARM_MIN - 2) * 60; t <= (WARM_MIN + OUTAGE_MIN + AFTER_MIN - 1) * 60; t += SCRAPE_S) exact.set(t, exactPage(t));
    const e = edges(exact);
    console.log(`total outage of ${OUTAGE_MIN}m after ${WARM_MIN / 60}h of health, 99.9% over 30d; exact windows: page ${e.detect.toFixed(2)}m after the start, clear ${e.reset.toFixed(2)}m after recovery`);
    console.log('| style | detect 15s (best / worst) | detect 1m (best / worst) | reset 15s (best / worst) | reset 1m (best / worst) |');
    console.log('| --- | --- | --- | --- | --- |');
    for (const [name, groups] of styles) {
      const cells: Record<string, string[]> = { detect: [], reset: [] };
      for (const evalS of [15, 60]) {
        const best = edges(timeline(groups, evalS, false, dir, `${name}-${evalS}-best`));
        const worst = edges(timeline(groups, evalS, true, dir, `${name}-${evalS}-worst`));
        cells.detect!.push(`${best.detect.toFixed(2)} / ${worst.detect.toFixed(2)}`);
        cells.reset!.push(`${best.reset.toFixed(2)} / ${worst.reset.toFixed(2)}`);
      }
      console.log(`| ${name} | ${cells.detect!.join(' | ')} | ${cells.reset!.join(' | ')} |`);
    }
    console.log('minutes; "worst" runs the groups in reverse dependency order (each hop costs one evaluation interval)');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
