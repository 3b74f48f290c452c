/**
 * What obsgen's SLO rules cost a real Prometheus, against the rules Sloth and
 * Pyrra generate, and how often obsgen's alert decisions agree with exact raw-window evaluation.
 * (Detection and reset timing: bench/slo-timing.bench.ts.)
 *
 *   npm run bench -- slo-cost          (or: npx tsx bench/slo-cost.bench.ts [--services 50] [--days 7] [--rounds 2] [--evals 6] [--fleet 0])
 *   npx tsx bench/slo-cost.bench.ts --write-rules DIR [--interval 15s]   (rules for ../shared/tools/slo_cost)
 *
 * 1. Synthetic `http_requests_total{job,service,instance,code}` for S services x 5 instances x
 *    4 codes (200, 404, 500, 503), one sample a minute for D days, with diurnal traffic, noise,
 *    a 0.05-0.2% 5xx base ratio and error bursts (spikes, slow burns, simmers) after day 3.
 *    The data runs 45 minutes past "now", so rules evaluated during the run see fresh samples.
 * 2. Backfill with `promtool tsdb create-blocks-from openmetrics`; then the recorded series other
 *    rules read through ranges with `create-blocks-from rules`, stage by stage, on their own grid
 *    (obsgen: 5m increases at 1m, the 1h level at 5m, the 1d level at 1h; Sloth: ratio_rate5m at 1m).
 * 3. Settle compaction, then run a Prometheus 2.42 with only one style's rules (15s evaluation)
 *    and read each group's `prometheus_rule_group_last_duration_seconds` per evaluation.
 *    obsgen's level groups (5m, 1h intervals) are timed at 15s and weighted by 15s / interval.
 *    Also: samples each rule reads per evaluation (`/api/v1/query?stats=all`), noise-free.
 * 4. At times around every burst and at quiet times, evaluate each alert pair both ways:
 *    exact = `sum(rate(5xx[W])) / sum(rate(all[W]))` on raw counters for both windows, and
 *    obsgen's windows from its recorded series (its raw 6h read evaluated at the check time, as
 *    the rule records it). Agreement = same decision; also counted per (time, pair) over all SLOs.
 * Servers bind 127.0.0.1 and are stopped by pid. Everything lives in a temp dir, removed at the end.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, cpSync, mkdirSync, mkdtempSync, openSync, readdirSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { bundleFiles, defineStack, slo, synth, type RuleGroup } from '../src/index.ts';
import { increaseExprInline, levelExpr } from '../src/slo/windows.ts';
import { durationSeconds } from '../src/core/duration.ts';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const S = arg('services', 50);
const DAYS = arg('days', 7);
const EVALS = arg('evals', 6);
const ROUNDS = arg('rounds', 1);
/** `--fleet 0` skips the one-SLO-for-the-fleet run (half the wall time, for development). */
const FLEET = arg('fleet', 1);
const INSTANCES = 5;
const CODES = ['200', '404', '500', '503'];
const STEP = 60;
const EVAL = 15;
const OBJECTIVE = 0.999;
const BUDGET = 0.001;
const PAIRS = [
  { long: '1h', short: '5m', factor: 14.4, sev: 'critical' },
  { long: '6h', short: '30m', factor: 6, sev: 'critical' },
  { long: '1d', short: '2h', factor: 3, sev: 'warning' },
  { long: '3d', short: '6h', factor: 1, sev: 'warning' },
];
const WIN_S: Record<string, number> = { '5m': 300, '30m': 1800, '1h': 3600, '2h': 7200, '6h': 21600, '1d': 86400, '3d': 259200 };

const t0 = Date.now();
const log = (m: string) => console.log(`[${((Date.now() - t0) / 1000).toFixed(0).padStart(4)}s] ${m}`);
const work = mkdtempSync(join(tmpdir(), 'obsgen-slo-cost-'));
/** The TSDB the next Prometheus opens: the main one, or the copy the fleet-wide SLO runs on. */
let data = join(work, 'data');
const procs = new Set<ChildProcess>();
process.on('exit', () => {
  for (const p of procs) if (p.pid && p.exitCode === null) process.kill(p.pid, 'SIGTERM');
});
process.on('SIGINT', () => process.exit(130));

// ---------------------------------------------------------------- data
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(42);
const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
const poisson = (lam: number) => {
  if (lam <= 0) return 0;
  if (lam > 30) return Math.max(0, Math.round(lam + Math.sqrt(lam) * gauss()));
  const l = Math.exp(-lam);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= rand();
  } while (p > l);
  return k - 1;
};

interface Burst { s: number; kind: string; start: number; end: number; ratio: number }

const now = Math.floor(Date.now() / 1000 / STEP) * STEP;
const tStart = now - DAYS * 86400;
const tEnd = now + 45 * 60;

function generate(): { bursts: Burst[]; samples: number } {
  const base = Array.from({ length: S }, () => Math.exp(Math.log(5) + rand() * (Math.log(200) - Math.log(5))));
  const phase = Array.from({ length: S }, () => (rand() - 0.5) * 1.2);
  const errBase = Array.from({ length: S }, () => 0.0005 + rand() * 0.0015);
  const share = Array.from({ length: S }, () => {
    const w = Array.from({ length: INSTANCES }, () => Math.min(1.5, Math.max(0.5, 1 + 0.15 * gauss())));
    const sum = w.reduce((a, b) => a + b, 0);
    return w.map((x) => x / sum);
  });
  const kinds: [string, number, number, number, number][] = [
    ['spike', 10, 30, 0.04, 0.12],
    ['slow', 120, 300, 0.008, 0.015],
    ['spike', 15, 45, 0.02, 0.06],
    ['simmer', 480, 900, 0.0035, 0.006],
  ];
  const bursts: Burst[] = [];
  const lo = tStart + Math.min(3 * 86400, DAYS * 86400 * 0.4);
  const hi = now - 3 * 3600;
  const nBursts = Math.max(6, Math.round(S / 4));
  for (let k = 0; k < nBursts; k++) {
    const [kind, dmin, dmax, rmin, rmax] = kinds[k % kinds.length]!;
    const dur = Math.round(dmin + rand() * (dmax - dmin)) * 60;
    const start = Math.floor((lo + rand() * Math.max(1, hi - dur - lo)) / STEP) * STEP;
    bursts.push({ s: Math.floor(rand() * S), kind, start, end: start + dur, ratio: Math.exp(Math.log(rmin) + rand() * (Math.log(rmax) - Math.log(rmin))) });
  }
  const prefixes: string[] = [];
  for (let s = 0; s < S; s++) for (let i = 0; i < INSTANCES; i++) for (const c of CODES) prefixes.push(`http_requests_total{job="svc${s}",service="svc${s}",instance="i${i}",code="${c}"} `);
  const state = prefixes.map(() => Math.floor(rand() * 1e6));
  const fd = openSync(join(work, 'data.om.txt'), 'w');
  writeSync(fd, '# TYPE http_requests counter\n');
  let samples = 0;
  for (let t = tStart; t <= tEnd; t += STEP) {
    let chunk = '';
    let k = 0;
    for (let s = 0; s < S; s++) {
      const f = 1 + 0.6 * Math.sin((2 * Math.PI * t) / 86400 + phase[s]!);
      const req = base[s]! * STEP * f * Math.min(1.5, Math.max(0.5, 1 + 0.05 * gauss()));
      let err = errBase[s]! * Math.exp(0.35 * gauss());
      for (const b of bursts) if (b.s === s && t >= b.start && t < b.end) err = b.ratio;
      err = Math.min(err, 0.9);
      for (let i = 0; i < INSTANCES; i++) {
        const lam = req * share[s]![i]!;
        const inc = [poisson(lam * (1 - err - 0.01)), poisson(lam * 0.01), poisson((lam * err * 2) / 3), poisson((lam * err) / 3)];
        for (const v of inc) {
          state[k] = state[k]! + v;
          chunk += `${prefixes[k]}${state[k]} ${t}\n`;
          k++;
        }
      }
    }
    writeSync(fd, chunk);
    samples += k;
  }
  writeSync(fd, '# EOF\n');
  closeSync(fd);
  return { bursts: bursts.sort((a, b) => a.start - b.start), samples };
}

// ---------------------------------------------------------------- rules
/**
 * obsgen's rules for the same SLOs: one SLO per service, as a stack would define them; or
 * (`fleet`) one SLO for every service, grouped by `job` (each service is its own job): the
 * like-for-like counterpart of Sloth's one rule set `by (service)`.
 */
function obsgenGroups(fleet = false): RuleGroup[] {
  const common = { name: 'availability', objective: OBJECTIVE * 100, window: '30d', reportingWindows: [`${DAYS}d`], dashboard: false };
  if (fleet) return stackRules([slo({ ...common, service: 'fleet', groupBy: ['job'], sli: { events: { bad: 'http_requests_total{code=~"5.."}', total: 'http_requests_total' } } })]);
  const slos = Array.from({ length: S }, (_, s) =>
    slo({
      service: `svc${s}`,
      name: 'availability',
      objective: OBJECTIVE * 100,
      window: '30d',
      reportingWindows: [`${DAYS}d`],
      sli: { events: { bad: `http_requests_total{service="svc${s}",code=~"5.."}`, total: `http_requests_total{service="svc${s}"}` } },
      dashboard: false,
    }),
  );
  return stackRules(slos);
}

function stackRules(slos: ReturnType<typeof slo>[]): RuleGroup[] {
  const bundle = synth(
    defineStack({
      name: 'slo-cost',
      prometheus: { scrapeInterval: '1m', evaluationInterval: `${EVAL}s`, selfMonitoring: false },
      slos,
      alerting: { receivers: {}, defaultInhibitRules: false },
    }),
  );
  void bundleFiles;
  return bundle.ruleGroups;
}

interface PlainRule { record?: string; alert?: string; expr: string; for?: string; labels?: Record<string, string> }
interface PlainGroup { name: string; interval?: string; rules: PlainRule[] }

function plain(groups: RuleGroup[]): PlainGroup[] {
  return groups.map((g) => ({
    name: g.name,
    ...(g.interval ? { interval: g.interval } : {}),
    rules: g.rules.map((r) => (r.kind === 'record' ? { record: r.name, expr: r.expr, ...(r.labels ? { labels: r.labels } : {}) } : { alert: r.name, expr: r.expr, labels: r.labels })),
  }));
}

/** The rules Sloth v0.16 generates for one SLO (names prefixed sloth: so both styles share a TSDB). */
function slothGroups(): PlainGroup[] {
  const out: PlainGroup[] = [];
  const period = `${DAYS}d`;
  for (let s = 0; s < S; s++) {
    const id = `svc${s}-availability`;
    const lbl = { sloth_id: id, sloth_service: `svc${s}`, sloth_slo: 'availability' };
    const sel = `{sloth_id="${id}", sloth_service="svc${s}", sloth_slo="availability"}`;
    const sli = (w: string): PlainRule => ({
      record: `sloth:sli_error:ratio_rate${w}`,
      expr: `(sum(rate(http_requests_total{service="svc${s}",code=~"5.."}[${w}])))\n/\n(sum(rate(http_requests_total{service="svc${s}"}[${w}])))`,
      labels: { ...lbl, sloth_window: w },
    });
    out.push({
      name: `sloth-slo-sli-recordings-${id}`,
      rules: [
        ...['5m', '30m', '1h', '2h', '6h', '1d', '3d'].map(sli),
        {
          record: `sloth:sli_error:ratio_rate${period}`,
          expr: `sum_over_time(sloth:sli_error:ratio_rate5m${sel}[${period}])\n/ ignoring (sloth_window)\ncount_over_time(sloth:sli_error:ratio_rate5m${sel}[${period}])`,
          labels: { ...lbl, sloth_window: period },
        },
      ],
    });
    out.push({
      name: `sloth-slo-meta-recordings-${id}`,
      rules: [
        { record: 'sloth:objective:ratio', expr: `vector(0.9990000000000001)`, labels: lbl },
        { record: 'sloth:error_budget:ratio', expr: `vector(1-0.9990000000000001)`, labels: lbl },
        { record: 'sloth:time_period:days', expr: `vector(${DAYS})`, labels: lbl },
        { record: 'sloth:current_burn_rate:ratio', expr: `sloth:sli_error:ratio_rate5m${sel}\n/ on(sloth_id, sloth_slo, sloth_service) group_left\nsloth:error_budget:ratio${sel}`, labels: lbl },
        { record: 'sloth:period_burn_rate:ratio', expr: `sloth:sli_error:ratio_rate${period}${sel}\n/ on(sloth_id, sloth_slo, sloth_service) group_left\nsloth:error_budget:ratio${sel}`, labels: lbl },
        { record: 'sloth:period_error_budget_remaining:ratio', expr: `1 - sloth:period_burn_rate:ratio${sel}`, labels: lbl },
        { record: 'sloth_slo_info', expr: 'vector(1)', labels: { ...lbl, sloth_mode: 'cli-gen-prom', sloth_objective: '99.9', sloth_spec: 'prometheus/v1', sloth_version: 'v0.16.0' } },
      ],
    });
    const pair = (p: (typeof PAIRS)[number]) =>
      `(max(sloth:sli_error:ratio_rate${p.short}${sel} > (${p.factor} * 0.0009999999999999432)) without (sloth_window)\nand\nmax(sloth:sli_error:ratio_rate${p.long}${sel} > (${p.factor} * 0.0009999999999999432)) without (sloth_window))`;
    out.push({
      name: `sloth-slo-alerts-${id}`,
      rules: [
        { alert: 'SLOAvailabilityPage', expr: `${pair(PAIRS[0]!)}\nor ignoring (sloth_window)\n${pair(PAIRS[1]!)}`, labels: { sloth_severity: 'page' } },
        { alert: 'SLOAvailabilityTicket', expr: `${pair(PAIRS[2]!)}\nor ignoring (sloth_window)\n${pair(PAIRS[3]!)}`, labels: { sloth_severity: 'ticket' } },
      ],
    });
  }
  return out;
}

/**
 * The rules Pyrra generates for one SLO (slo/rules.go; names prefixed pyrra_ so the styles share
 * a TSDB): an `-increase` group at 150s (a 30d window) with the increase over the whole SLO
 * window by code and the absent alert, and a burn-rate group at 30s with one raw `rate()` ratio per
 * window and the four pair alerts (with Pyrra's `for:`). The windows are the Workbook's, as the
 * other styles', so only the shapes differ.
 */
function pyrraGroups(): PlainGroup[] {
  const out: PlainGroup[] = [];
  const windows = [...new Set(PAIRS.flatMap((p) => [p.short, p.long]))].sort((a, b) => WIN_S[a]! - WIN_S[b]!);
  const fors: Record<string, string> = { '1h': '2m', '6h': '16m', '1d': '1h4m', '3d': '3h13m' };
  for (let s = 0; s < S; s++) {
    const sel = `service="svc${s}"`;
    const lbl = { slo: `svc${s}-availability` };
    out.push({
      name: `pyrra-svc${s}-availability-increase`,
      interval: '150s',
      rules: [
        { record: 'pyrra_http_requests:increase30d', expr: `sum by (code) (increase(http_requests_total{${sel}}[30d]))`, labels: lbl },
        { alert: 'SLOMetricAbsent', expr: `absent(http_requests_total{${sel}}) == 1`, labels: { ...lbl, severity: 'critical' } },
      ],
    });
    out.push({
      name: `pyrra-svc${s}-availability`,
      interval: '30s',
      rules: [
        ...windows.map((w) => ({ record: `pyrra_http_requests:burnrate${w}`, expr: `sum(rate(http_requests_total{${sel},code=~"5.."}[${w}])) / sum(rate(http_requests_total{${sel}}[${w}]))`, labels: lbl })),
        ...PAIRS.map((p) => ({
          alert: 'ErrorBudgetBurn',
          expr: `pyrra_http_requests:burnrate${p.short}{slo="${lbl.slo}"} > (${p.factor} * (1-0.999)) and pyrra_http_requests:burnrate${p.long}{slo="${lbl.slo}"} > (${p.factor} * (1-0.999))`,
          for: fors[p.long]!,
          labels: { ...lbl, severity: p.sev, long: p.long, short: p.short },
        })),
      ],
    });
  }
  return out;
}

/**
 * The same Sloth-shaped rules written once for every service, `by (service)`: the baseline of
 * ../shared/tools/slo_cost (its style A, 0.76 s there), cheaper than Sloth's per-SLO files.
 */
function slothByServiceGroups(): PlainGroup[] {
  const period = `${DAYS}d`;
  const lbl = { sloth_slo: 'availability' };
  const sli = (w: string): PlainRule => ({
    record: `slothg:sli_error:ratio_rate${w}`,
    expr: `sum by (service) (rate(http_requests_total{code=~"5.."}[${w}]))\n/\nsum by (service) (rate(http_requests_total[${w}]))`,
    labels: { ...lbl, sloth_window: w },
  });
  const pair = (p: (typeof PAIRS)[number]) =>
    `(max without (sloth_window) (slothg:sli_error:ratio_rate${p.short} > (${p.factor} * 0.0009999999999999432))\nand\nmax without (sloth_window) (slothg:sli_error:ratio_rate${p.long} > (${p.factor} * 0.0009999999999999432)))`;
  return [
    {
      name: 'slothg-sli-recordings',
      rules: [
        ...['5m', '30m', '1h', '2h', '6h', '1d', '3d'].map(sli),
        {
          record: `slothg:sli_error:ratio_rate${period}`,
          expr: `sum_over_time(slothg:sli_error:ratio_rate5m[${period}])\n/ ignoring (sloth_window)\ncount_over_time(slothg:sli_error:ratio_rate5m[${period}])`,
          labels: { ...lbl, sloth_window: period },
        },
      ],
    },
    {
      name: 'slothg-meta-recordings',
      rules: [
        { record: 'slothg:objective:ratio', expr: 'vector(0.9990000000000001)', labels: lbl },
        { record: 'slothg:error_budget:ratio', expr: 'vector(1-0.9990000000000001)', labels: lbl },
        { record: 'slothg:current_burn_rate:ratio', expr: 'slothg:sli_error:ratio_rate5m / on (sloth_slo) group_left slothg:error_budget:ratio', labels: lbl },
        { record: 'slothg:period_burn_rate:ratio', expr: `slothg:sli_error:ratio_rate${period} / on (sloth_slo) group_left slothg:error_budget:ratio`, labels: lbl },
        { record: 'slothg:period_error_budget_remaining:ratio', expr: '1 - slothg:period_burn_rate:ratio', labels: lbl },
      ],
    },
    {
      name: 'slothg-alerts',
      rules: [
        { alert: 'SLOAvailabilityPage', expr: `${pair(PAIRS[0]!)}\nor ignoring (sloth_window)\n${pair(PAIRS[1]!)}`, labels: { sloth_severity: 'page' } },
        { alert: 'SLOAvailabilityTicket', expr: `${pair(PAIRS[2]!)}\nor ignoring (sloth_window)\n${pair(PAIRS[3]!)}`, labels: { sloth_severity: 'ticket' } },
      ],
    },
  ];
}

// ---------------------------------------------------------------- prometheus
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

class Prom {
  proc!: ChildProcess;
  url = '';
  static async start(tag: string, ruleFiles: string[]): Promise<Prom> {
    const p = new Prom();
    const port = await freePort();
    const cfg = join(work, `prometheus-${tag}.yml`);
    writeFileSync(cfg, stringify({ global: { scrape_interval: '1m', evaluation_interval: `${EVAL}s` }, rule_files: ruleFiles }));
    p.url = `http://127.0.0.1:${port}`;
    const logFd = openSync(join(work, `prometheus-${tag}.log`), 'w');
    p.proc = spawn('prometheus', [`--config.file=${cfg}`, `--storage.tsdb.path=${data}`, `--web.listen-address=127.0.0.1:${port}`, '--storage.tsdb.retention.time=60d', '--log.level=warn'], { stdio: ['ignore', logFd, logFd] });
    procs.add(p.proc);
    for (let i = 0; i < 600; i++) {
      if (p.proc.exitCode !== null) throw new Error(`prometheus exited; see ${work}/prometheus-${tag}.log`);
      try {
        const r = await fetch(`${p.url}/-/ready`);
        if (r.ok) return p;
      } catch {
        /* not up yet */
      }
      await sleep(500);
    }
    throw new Error('prometheus not ready');
  }
  async stop(): Promise<void> {
    if (this.proc.pid && this.proc.exitCode === null) {
      process.kill(this.proc.pid, 'SIGTERM');
      for (let i = 0; i < 120 && this.proc.exitCode === null; i++) await sleep(250);
    }
    procs.delete(this.proc);
  }
  async metrics(): Promise<Map<string, number>> {
    const text = await (await fetch(`${this.url}/metrics`)).text();
    const out = new Map<string, number>();
    for (const line of text.split('\n')) {
      if (!line || line.startsWith('#')) continue;
      const i = line.lastIndexOf(' ');
      out.set(line.slice(0, i), Number(line.slice(i + 1)));
    }
    return out;
  }
  async queryRange(expr: string, start: number, end: number, step: number): Promise<{ metric: Record<string, string>; values: [number, string][] }[]> {
    const body = new URLSearchParams({ query: expr, start: String(start), end: String(end), step: String(step) });
    const r = (await (await fetch(`${this.url}/api/v1/query_range`, { method: 'POST', body })).json()) as {
      status: string;
      error?: string;
      data: { result: { metric: Record<string, string>; values: [number, string][] }[] };
    };
    if (r.status !== 'success') throw new Error(`${r.error}: ${expr.slice(0, 200)}`);
    return r.data.result;
  }
  async query(expr: string, time?: number, stats = false): Promise<{ result: { metric: Record<string, string>; value: [number, string] }[]; samples?: number }> {
    const body = new URLSearchParams({ query: expr, ...(time ? { time: String(time) } : {}), ...(stats ? { stats: 'all' } : {}) });
    const r = (await (await fetch(`${this.url}/api/v1/query`, { method: 'POST', body })).json()) as {
      status: string;
      error?: string;
      data: { result: { metric: Record<string, string>; value: [number, string] }[]; stats?: { samples?: { totalQueryableSamples?: number } } };
    };
    if (r.status !== 'success') throw new Error(`${r.error}: ${expr.slice(0, 200)}`);
    return { result: r.data.result, samples: r.data.stats?.samples?.totalQueryableSamples };
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


function sh(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.slice(0, 4).join(' ')} failed: ${r.stderr || r.stdout}`);
}

/** Moves the blocks promtool wrote into `out` to the data dir; returns how many. */
function moveBlocks(out: string): number {
  let n = 0;
  for (const b of readdirSync(out)) if (/^[0-9A-Z]{26}$/.test(b)) (renameSync(join(out, b), join(data, b)), n++);
  rmSync(out, { recursive: true });
  return n;
}

async function backfill(stage: string, rules: PlainRule[], interval: string): Promise<void> {
  const file = join(work, `backfill-${stage}.yml`);
  writeFileSync(file, stringify({ groups: [{ name: `backfill-${stage}`, interval, rules }] }));
  const out = join(work, `blocks-${stage}`);
  mkdirSync(out);
  const prom = await Prom.start(`backfill-${stage}`, []);
  try {
    sh('promtool', ['tsdb', 'create-blocks-from', 'rules', '--quiet', `--url=${prom.url}`, `--start=${tStart + 600}`, `--end=${backfillEnd}`, `--eval-interval=${interval}`, `--output-dir=${out}`, file]);
  } finally {
    await prom.stop();
  }
  const blocks = moveBlocks(out);
  // A level without history would make the long windows look cheap: fail instead.
  if (blocks === 0) throw new Error(`backfill ${stage}: promtool wrote no blocks`);
  log(`backfilled ${rules.length} rules (${stage}, every ${interval}): ${blocks} blocks`);
}

/**
 * Backfills recording rules by evaluating them with query_range on their own grid and
 * importing the samples as OpenMetrics. promtool 2.42's `create-blocks-from rules` writes no
 * block at all for some group intervals (1h among them, checked here), and at times none for
 * the 1h level's 5m either (seen once here, on data it had backfilled before): the levels
 * would have no history and the long windows would look cheap.
 */
async function backfillByQuery(stage: string, rules: PlainRule[], intervalS: number): Promise<void> {
  const prom = await Prom.start(`backfill-${stage}`, []);
  const file = join(work, `backfill-${stage}.om.txt`);
  const fd = openSync(file, 'w');
  let samples = 0;
  try {
    const start = Math.ceil((tStart + 600) / intervalS) * intervalS;
    for (const rule of rules) {
      writeSync(fd, `# TYPE ${rule.record} gauge\n`);
      const series = await prom.queryRange(rule.expr, start, backfillEnd, intervalS);
      for (const { metric, values } of series) {
        const labels = { ...metric, ...(rule.labels ?? {}) };
        delete labels.__name__;
        const text = Object.keys(labels).sort().map((k) => `${k}=${JSON.stringify(labels[k])}`).join(',');
        let chunk = '';
        for (const [t, v] of values) chunk += `${rule.record}{${text}} ${v} ${t}\n`;
        writeSync(fd, chunk);
        samples += values.length;
      }
    }
    writeSync(fd, '# EOF\n');
  } finally {
    closeSync(fd);
    await prom.stop();
  }
  if (samples === 0) throw new Error(`backfill ${stage}: the rules gave no samples`);
  const out = join(work, `blocks-${stage}`);
  mkdirSync(out);
  sh('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', `--max-block-duration=${DAYS * 24 + 24}h`, file, out]);
  rmSync(file);
  log(`backfilled ${rules.length} rules (${stage}, every ${intervalS}s, by query_range): ${samples.toLocaleString('en')} samples, ${moveBlocks(out)} blocks`);
}

/** The 1h level (every 5m) and then the 1d level (every 1h) of the SLOs `sel` selects, as obsgen records them. */
async function backfillLevels(prefix: string, sel: string): Promise<void> {
  for (const [level, every] of [['level1h', 300], ['level1d', 3600]] as const) {
    await backfillByQuery(`${prefix}${level.slice(5)}`, ['sli_error', 'sli_total'].map((side) => ({ record: `slo:${side}:${level}`, expr: levelExpr(side, level, sel) })), every);
  }
}

async function settle(): Promise<void> {
  const prom = await Prom.start('settle', []);
  try {
    let last = '';
    let stableSince = Date.now();
    for (let i = 0; i < 200; i++) {
      const m = await prom.metrics();
      const key = `${m.get('prometheus_tsdb_compactions_total')}/${m.get('prometheus_tsdb_vertical_compactions_total')}/${m.get('prometheus_tsdb_blocks_loaded')}`;
      if (key !== last) (last = key), (stableSince = Date.now());
      if (Date.now() - stableSince > 75_000) break;
      await sleep(3000);
    }
    log(`settled: compactions/vertical/blocks ${last}`);
  } finally {
    await prom.stop();
  }
}

interface RunResult { groups: Map<string, number[]>; weighted: number; unweighted: number; samples: number; cpu: number }

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

async function run(tag: string, groups: PlainGroup[], realInterval: Map<string, number>): Promise<RunResult> {
  const file = join(work, `rules-${tag}.yml`);
  writeFileSync(file, stringify({ groups: groups.map((g) => ({ ...g, interval: `${EVAL}s` })) }));
  sh('promtool', ['check', 'rules', file]);
  const prom = await Prom.start(tag, [file]);
  const seen = new Map<string, number>();
  const durs = new Map<string, number[]>();
  let cpu0 = NaN;
  let cpu1 = NaN;
  try {
    const deadline = Date.now() + (EVALS + 4) * EVAL * 1000 + 60_000;
    while (Date.now() < deadline) {
      const m = await prom.metrics();
      if (Number.isNaN(cpu0)) cpu0 = m.get('process_cpu_seconds_total') ?? NaN;
      cpu1 = m.get('process_cpu_seconds_total') ?? NaN;
      for (const [k, v] of m) {
        const g = /^prometheus_rule_group_last_evaluation_timestamp_seconds\{rule_group="[^"]*;([^"]+)"\}$/.exec(k);
        if (!g || v <= 0) continue;
        const name = g[1]!;
        if (seen.get(name) === v) continue;
        const first = !seen.has(name);
        seen.set(name, v);
        if (first) continue; // the first evaluation seen may be half-way; also warms caches
        const d = m.get(`prometheus_rule_group_last_duration_seconds{rule_group="${k.slice(k.indexOf('"') + 1, k.lastIndexOf('"'))}"}`);
        if (d !== undefined) (durs.get(name) ?? durs.set(name, []).get(name)!).push(d);
      }
      if (durs.size === groups.length && [...durs.values()].every((d) => d.length >= EVALS)) break;
      await sleep(1000);
    }
    let samples = 0;
    for (const g of groups) {
      const w = EVAL / (realInterval.get(g.name) ?? EVAL);
      for (const r of g.rules) {
        const q = await prom.query(r.expr, undefined, true);
        samples += (q.samples ?? 0) * w;
      }
    }
    let weighted = 0;
    let unweighted = 0;
    for (const g of groups) {
      const med = median(durs.get(g.name) ?? [NaN]);
      unweighted += med;
      weighted += med * (EVAL / (realInterval.get(g.name) ?? EVAL));
    }
    const minutes = ((await prom.metrics()).get('process_cpu_seconds_total') ?? NaN) - cpu0;
    void cpu1;
    return { groups: durs, weighted, unweighted, samples, cpu: minutes };
  } finally {
    await prom.stop();
  }
}

// ---------------------------------------------------------------- agreement
async function agreement(bursts: Burst[]) {
  const prom = await Prom.start('checks', []);
  const times = new Set<number>();
  const grid = (t: number) => Math.floor(t / STEP) * STEP;
  for (const b of bursts) for (const t of [b.start + 600, (b.start + b.end) / 2, b.end - 60, b.end + 1800]) times.add(grid(t));
  const quiet = rng(7);
  const lo = tStart + 3 * 86400 + 6 * 3600;
  for (let i = 0; i < 8; i++) times.add(grid(lo + quiet() * (backfillEnd - 1200 - lo)));
  // Compare at the instants the recorded 5m series were evaluated (the backfill's grid is offset
  // by its group's hash, as a live group's is): an alert is decided when its group evaluates.
  const probe = await prom.query('timestamp(slo:sli_total:increase5m{slo="availability",service="svc0"})', backfillEnd - 3600);
  const offset = (Number(probe.result[0]?.value[1] ?? 0) % STEP + STEP) % STEP;
  const checkTimes = [...times].filter((t) => t >= lo && t <= backfillEnd - 600).sort((a, b) => a - b).map((t) => t + offset);
  const sel = '{slo="availability"}';
  let decisions = 0;
  let agree = 0;
  let firingEither = 0;
  let agreeFiring = 0;
  let pairChecks = 0;
  let pairAgree = 0;
  const mismatches: string[] = [];
  const windows = [...new Set(PAIRS.flatMap((p) => [p.long, p.short]))];
  // The SLOs' raw reads (6h, and the page's 30m short window), as their rules record them (labels service and slo).
  const readRaw = (side: string, ms: number) => `label_replace(sum by (service) (increase(http_requests_total${side === 'sli_error' ? '{code=~"5.."}' : ''}[${ms / 60_000}m])), "slo", "availability", "", "")`;
  const raw = [30 * 60_000, 6 * 3_600_000];
  for (const t of checkTimes) {
    const exact = new Map<string, Map<string, number>>();
    const ours = new Map<string, Map<string, number>>();
    for (const w of windows) {
      const e = await prom.query(`sum by (service) (rate(http_requests_total{code=~"5.."}[${w}])) / sum by (service) (rate(http_requests_total[${w}]))`, t);
      exact.set(w, new Map(e.result.map((r) => [r.metric.service!, Number(r.value[1])])));
      const ms = WIN_S[w]! * 1000;
      const o = await prom.query(`${increaseExprInline('sli_error', ms, sel, readRaw, raw)}\n/\n(${increaseExprInline('sli_total', ms, sel, readRaw, raw)} > 0)`, t);
      ours.set(w, new Map(o.result.map((r) => [r.metric.service!, Number(r.value[1])])));
    }
    for (const p of PAIRS) {
      const thr = p.factor * BUDGET;
      const fireE = new Set<string>();
      const fireO = new Set<string>();
      for (let s = 0; s < S; s++) {
        const svc = `svc${s}`;
        const e = (exact.get(p.long)!.get(svc) ?? 0) > thr && (exact.get(p.short)!.get(svc) ?? 0) > thr;
        const o = (ours.get(p.long)!.get(svc) ?? 0) / BUDGET > p.factor && (ours.get(p.short)!.get(svc) ?? 0) / BUDGET > p.factor;
        decisions++;
        if (e === o) agree++;
        if (e || o) {
          firingEither++;
          if (e === o) agreeFiring++;
        }
        if (e) fireE.add(svc);
        if (o) fireO.add(svc);
        if (e !== o)
          mismatches.push(
            `${new Date(t * 1000).toISOString().slice(0, 16)}Z ${p.long}/${p.short} ${svc}: exact ${e ? 'fires' : 'quiet'} (${p.long}=${exact.get(p.long)!.get(svc)?.toPrecision(4)} ${p.short}=${exact.get(p.short)!.get(svc)?.toPrecision(4)}), obsgen ${o ? 'fires' : 'quiet'} (${ours.get(p.long)!.get(svc)?.toPrecision(4)} ${ours.get(p.short)!.get(svc)?.toPrecision(4)}), threshold ${thr.toPrecision(3)}`,
          );
      }
      pairChecks++;
      if ([...fireE].sort().join() === [...fireO].sort().join()) pairAgree++;
    }
  }
  await prom.stop();
  return { checkTimes: checkTimes.length, decisions, agree, firingEither, agreeFiring, pairChecks, pairAgree, mismatches };
}

// ---------------------------------------------------------------- main
let backfillEnd = now;

async function main() {
  log(`work dir ${work}; ${S} services x ${INSTANCES} instances x ${CODES.length} codes, ${DAYS}d at ${STEP}s`);
  const { bursts, samples } = generate();
  log(`generated ${samples.toLocaleString('en')} samples, ${bursts.length} bursts`);
  mkdirSync(data);
  // One block for the whole range: promtool re-reads the input for every block it writes.
  sh('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', `--max-block-duration=${DAYS * 24 + 24}h`, join(work, 'data.om.txt'), data]);
  rmSync(join(work, 'data.om.txt'));
  log('backfilled raw data');
  // The fleet-wide SLO records series of the same names: it gets its own copy of the raw data,
  // or the shared window rules of each style would also read the other's history.
  const mainData = data;
  const fleetData = join(work, 'data-fleet');
  cpSync(mainData, fleetData, { recursive: true });

  const ours = obsgenGroups();
  const oursPlain = plain(ours);
  const sloth = slothGroups();
  const slothShared = slothByServiceGroups();
  const realInterval = new Map<string, number>();
  for (const g of ours) realInterval.set(g.name, g.interval ? durationSeconds(g.interval) : EVAL);

  backfillEnd = Math.floor(Date.now() / 1000 / STEP) * STEP;
  // One rule per series name, `by (service)`: the same series the per-SLO rules record (labels
  // service and slo), but one backfill block per 2h instead of one per SLO.
  const sel = '{slo="availability"}';
  await backfill(
    '5m',
    [
      { record: 'slo:sli_total:increase5m', expr: 'sum by (service) (increase(http_requests_total[5m]))', labels: { slo: 'availability' } },
      { record: 'slo:sli_error:increase5m', expr: 'sum by (service) (increase(http_requests_total{code=~"5.."}[5m]))', labels: { slo: 'availability' } },
      {
        record: 'sloth:sli_error:ratio_rate5m',
        expr: 'sum by (sloth_id, sloth_service) (label_replace(label_replace(sum by (service) (rate(http_requests_total{code=~"5.."}[5m])) / sum by (service) (rate(http_requests_total[5m])), "sloth_id", "$1-availability", "service", "(.*)"), "sloth_service", "$1", "service", "(.*)"))',
        labels: { sloth_slo: 'availability', sloth_window: '5m' },
      },
      {
        record: 'slothg:sli_error:ratio_rate5m',
        expr: 'sum by (service) (rate(http_requests_total{code=~"5.."}[5m])) / sum by (service) (rate(http_requests_total[5m]))',
        labels: { sloth_slo: 'availability', sloth_window: '5m' },
      },
    ],
    '1m',
  );
  await backfillLevels('', sel);
  // The generated per-SLO level rules must be these: check they are.
  const gen = oursPlain.find((g) => g.name === 'slo-level-1h')!.rules[0]!.expr;
  if (gen !== 'avg_over_time(slo:sli_error:increase5m[1h]) * 12') throw new Error(`level rule changed: ${gen}`);
  await settle();

  const pyrra = pyrraGroups();
  const pyrraInterval = new Map(pyrra.map((g) => [g.name, durationSeconds(g.interval!)]));
  const results: Record<string, RunResult[]> = { obsgen: [], sloth: [], slothShared: [], pyrra: [] };
  for (let round = 1; round <= ROUNDS; round++) {
    results.pyrra!.push(await run(`pyrra-${round}`, pyrra, pyrraInterval));
    log(`pyrra round ${round}: ${results.pyrra!.at(-1)!.weighted.toFixed(4)} s/eval weighted, ${results.pyrra!.at(-1)!.unweighted.toFixed(4)} unweighted`);
    results.sloth!.push(await run(`sloth-${round}`, sloth, new Map()));
    log(`sloth round ${round}: ${results.sloth!.at(-1)!.unweighted.toFixed(4)} s/eval`);
    results.slothShared!.push(await run(`sloth-by-service-${round}`, slothShared, new Map()));
    log(`sloth by (service) round ${round}: ${results.slothShared!.at(-1)!.unweighted.toFixed(4)} s/eval`);
    results.obsgen!.push(await run(`obsgen-${round}`, oursPlain, realInterval));
    log(`obsgen round ${round}: ${results.obsgen!.at(-1)!.weighted.toFixed(4)} s/eval weighted, ${results.obsgen!.at(-1)!.unweighted.toFixed(4)} unweighted`);
  }
  const agreementResult = await agreement(bursts);
  log('checked alert agreement');

  // One SLO for the fleet, on its own copy of the data.
  const fleetResults: RunResult[] = [];
  const fleet = obsgenGroups(true);
  if (FLEET) {
  data = fleetData;
  const fleetPlain = plain(fleet);
  const fleetInterval = new Map(fleet.map((g) => [g.name, g.interval ? durationSeconds(g.interval) : EVAL]));
  backfillEnd = Math.floor(Date.now() / 1000 / STEP) * STEP;
  const fleetSel = '{service="fleet"}';
  await backfill(
    'fleet-5m',
    ['sli_total', 'sli_error'].map((side) => ({
      record: `slo:${side}:increase5m`,
      expr: `sum by (job) (increase(http_requests_total${side === 'sli_error' ? '{code=~"5.."}' : ''}[5m]))`,
      labels: { service: 'fleet', slo: 'availability' },
    })),
    '1m',
  );
  await backfillLevels('fleet-', fleetSel);
  await settle();
  for (let round = 1; round <= ROUNDS; round++) {
    fleetResults.push(await run(`obsgen-fleet-${round}`, fleetPlain, fleetInterval));
    log(`obsgen one SLO by job, round ${round}: ${fleetResults.at(-1)!.weighted.toFixed(4)} s/eval weighted, ${fleetResults.at(-1)!.unweighted.toFixed(4)} unweighted`);
  }
  data = mainData;
  }

  const med = (xs: number[]) => median(xs);
  const sl = med(results.sloth!.map((r) => r.unweighted));
  const ob = med(results.obsgen!.map((r) => r.weighted));
  const obU = med(results.obsgen!.map((r) => r.unweighted));
  const sg = med(results.slothShared!.map((r) => r.unweighted));
  const sgS = results.slothShared![0]!.samples;
  const slS = results.sloth![0]!.samples;
  const obS = results.obsgen![0]!.samples;
  const fl = FLEET ? med(fleetResults.map((r) => r.weighted)) : NaN;
  const flU = FLEET ? med(fleetResults.map((r) => r.unweighted)) : NaN;
  const flS = FLEET ? fleetResults[0]!.samples : NaN;
  const py = med(results.pyrra!.map((r) => r.weighted));
  const pyU = med(results.pyrra!.map((r) => r.unweighted));
  const pyS = results.pyrra![0]!.samples;
  const a = agreementResult;
  console.log('');
  console.log(`SLO rule cost: ${S} SLOs (${S * INSTANCES * CODES.length} raw series), ${DAYS}d of 1m data, Prometheus ${promVersion()}, evaluation every ${EVAL}s`);
  console.log('| style | rule groups | s per evaluation (sum of group medians) | per-run | queryable samples per evaluation | CPU s per run |');
  console.log('|---|---|---|---|---|---|');
  console.log(`| Sloth shape, one rule set by (service) | ${slothShared.length} | ${sg.toFixed(4)} | ${results.slothShared!.map((r) => r.unweighted.toFixed(4)).join(', ')} | ${Math.round(sgS).toLocaleString('en')} | ${results.slothShared!.map((r) => r.cpu.toFixed(1)).join(', ')} |`);
  console.log(`| Sloth shape, per-SLO files as Sloth generates | ${sloth.length} | ${sl.toFixed(4)} | ${results.sloth!.map((r) => r.unweighted.toFixed(4)).join(', ')} | ${Math.round(slS).toLocaleString('en')} | ${results.sloth!.map((r) => r.cpu.toFixed(1)).join(', ')} |`);
  console.log(`| Pyrra shape, per-SLO groups as Pyrra generates | ${pyrra.length} | ${py.toFixed(4)} (every group each 15s: ${pyU.toFixed(4)}) | ${results.pyrra!.map((r) => r.weighted.toFixed(4)).join(', ')} | ${Math.round(pyS).toLocaleString('en')} | ${results.pyrra!.map((r) => r.cpu.toFixed(1)).join(', ')} |`);
  console.log(`| obsgen | ${ours.length} | ${ob.toFixed(4)} (every group each 15s: ${obU.toFixed(4)}) | ${results.obsgen!.map((r) => r.weighted.toFixed(4)).join(', ')} | ${Math.round(obS).toLocaleString('en')} | ${results.obsgen!.map((r) => r.cpu.toFixed(1)).join(', ')} |`);
  if (FLEET) console.log(`| obsgen, one SLO grouped by job | ${fleet.length} | ${fl.toFixed(4)} (every group each 15s: ${flU.toFixed(4)}) | ${fleetResults.map((r) => r.weighted.toFixed(4)).join(', ')} | ${Math.round(flS).toLocaleString('en')} | ${fleetResults.map((r) => r.cpu.toFixed(1)).join(', ')} |`);
  console.log('');
  console.log(`cost ratio obsgen (one SLO by job) / Sloth by (service), like for like: ${(fl / sg).toFixed(3)} (weighted), ${(flU / sg).toFixed(3)} (every group at 15s), ${(flS / sgS).toFixed(3)} (queryable samples)`);
  console.log(`cost ratio obsgen / Sloth by (service): ${(ob / sg).toFixed(3)} (time, level groups weighted by their interval), ${(obU / sg).toFixed(3)} (time, every group at 15s), ${(obS / sgS).toFixed(3)} (queryable samples); target <= 0.15`);
  console.log(`cost ratio obsgen / Pyrra per-SLO groups: ${(ob / py).toFixed(3)} (both weighted by their groups' intervals), ${(obS / pyS).toFixed(3)} (queryable samples)`);
  console.log(`cost ratio obsgen / Sloth per-SLO files: ${(ob / sl).toFixed(3)} (weighted), ${(obU / sl).toFixed(3)} (every group at 15s), ${(obS / slS).toFixed(3)} (queryable samples)`);
  console.log(`alert agreement with exact raw windows: ${a.agree}/${a.decisions} decisions = ${a.decisions ? ((100 * a.agree) / a.decisions).toFixed(2) : '-'}% (${a.checkTimes} times x ${PAIRS.length} pairs x ${S} SLOs); target >= 99%`);
  console.log(`  where either side fires: ${a.agreeFiring}/${a.firingEither} = ${a.firingEither ? ((100 * a.agreeFiring) / a.firingEither).toFixed(2) : '-'}%; (time, pair) checks with identical firing sets: ${a.pairAgree}/${a.pairChecks} = ${a.pairChecks ? ((100 * a.pairAgree) / a.pairChecks).toFixed(2) : '-'}%`);
  for (const m of a.mismatches.slice(0, 20)) console.log(`  mismatch ${m}`);
  // Where obsgen's time goes: shared groups by name, the per-SLO groups summed.
  const parts = new Map<string, number>();
  for (const [name, d] of results.obsgen![0]!.groups) {
    const key = name.startsWith('slo-svc') ? `${S} per-SLO groups (raw reads)` : name;
    parts.set(key, (parts.get(key) ?? 0) + median(d) * (EVAL / (realInterval.get(name) ?? EVAL)));
  }
  console.log(`obsgen s per ${EVAL}s, by group (weighted): ${[...parts].sort((x, y) => y[1] - x[1]).map(([k, v]) => `${k} ${v.toFixed(4)}`).join('; ')}`);
  console.log(`wall time ${((Date.now() - t0) / 1000).toFixed(0)}s`);
}

function promVersion(): string {
  const r = spawnSync('prometheus', ['--version'], { encoding: 'utf8' });
  return /version (\S+)/.exec(`${r.stdout}${r.stderr}`)?.[1] ?? '?';
}

/**
 * `--write-rules DIR [--interval 15s]`: only writes obsgen's rules for these SLOs, one file per
 * group, for ../shared/tools/slo_cost (`python3 run.py --rules-b DIR/*.yml --severity-map
 * critical=page,warning=ticket`). That harness waits for 8 evaluations of every group, so
 * `--interval` sets every group's interval (the level groups' 5m and 1h would take hours).
 */
function writeRules(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const i = process.argv.indexOf('--interval');
  const every = i > 0 ? process.argv[i + 1] : undefined;
  for (const g of plain(obsgenGroups())) {
    writeFileSync(join(dir, `${g.name}.rules.yml`), stringify({ groups: [{ ...g, ...(every ? { interval: every } : {}) }] }));
  }
  console.log(`wrote ${readdirSync(dir).length} rule files to ${dir}`);
}

const writeTo = process.argv.indexOf('--write-rules');
if (writeTo > 0) {
  writeRules(process.argv[writeTo + 1]!);
  rmSync(work, { recursive: true, force: true });
} else main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => {
    for (const p of procs) if (p.pid && p.exitCode === null) process.kill(p.pid, 'SIGTERM');
    if (!process.argv.includes('--keep')) rmSync(work, { recursive: true, force: true });
  });
