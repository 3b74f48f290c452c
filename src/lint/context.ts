/**
 * What the checks share: findings with positions, the stack's jobs and what they expose,
 * recording-rule outputs, metric types and the labels a selector can carry.
 */
import { formatDuration } from '../core/duration.ts';
import { parsePromQL, type ParsedPromQL } from '../core/promql.ts';
import { exporters, lookupMetric, type MetricType } from '../scrape/catalog/index.ts';
import { resultLabels, type LabelSet, type SelectorInfo } from './labels.ts';
import type { Finding, LintInput, LintJob, LintRule, LintSeverity } from './types.ts';

/** Series Prometheus itself adds for every target and for alerts. */
const BUILTIN_SERIES = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'scrape_samples_post_metric_relabeling', 'scrape_series_added', 'scrape_timeout_seconds', 'scrape_sample_limit', 'scrape_body_size_bytes', 'ALERTS', 'ALERTS_FOR_STATE']);

export function exprLineCol(expr: string, offset: number): { line: number; column: number } {
  const before = expr.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - (before.lastIndexOf('\n') + 1) + 1;
  return { line, column };
}

export class LintContext {
  readonly findings: Finding[] = [];
  readonly recorded = new Map<string, LintRule[]>();
  readonly groupOfRule = new Map<LintRule, { group: number; interval: number }>();
  readonly jobs?: Map<string, LintJob>;
  /** Metric names the stack's jobs with a known exporter expose (with histogram series), plus builtins. */
  readonly exposed = new Set<string>(BUILTIN_SERIES);
  /** Jobs whose metrics obsgen does not know (no exporter in the catalog). */
  readonly opaqueJobs: LintJob[] = [];
  private readonly parsed = new Map<string, ParsedPromQL>();
  private readonly labelMemo = new Map<string, LabelSet>();
  private readonly inProgress = new Set<string>();

  constructor(readonly input: LintInput) {
    input.groups.forEach((g, gi) => {
      const interval = g.interval ? (parseDurationSafe(g.interval) ?? input.evaluationIntervalMs) : input.evaluationIntervalMs;
      for (const r of g.rules) {
        this.groupOfRule.set(r, { group: gi, interval });
        if (r.kind === 'record' && r.name) {
          const list = this.recorded.get(r.name) ?? [];
          list.push(r);
          this.recorded.set(r.name, list);
        }
      }
    });
    if (input.jobs) {
      this.jobs = new Map(input.jobs.map((j) => [j.name, j]));
      for (const j of input.jobs) {
        const e = j.exporter ? exporters().get(j.exporter) : undefined;
        if (!e) {
          this.opaqueJobs.push(j);
          continue;
        }
        for (const m of e.metrics) for (const n of seriesNames(m.name, m.type)) this.exposed.add(n);
      }
    }
  }

  parse(expr: string): ParsedPromQL {
    let p = this.parsed.get(expr);
    if (!p) {
      p = parsePromQL(expr);
      this.parsed.set(expr, p);
    }
    return p;
  }

  add(f: Omit<Finding, 'stack'>): void {
    const off = f.file ? this.input.fileDisabled?.get(f.file) : undefined;
    if (off && (off.has('*') || off.has(f.id))) return;
    this.findings.push({ stack: this.input.stack, ...f });
  }

  /** A finding about a rule, at an offset of its expression when given. */
  ruleFinding(rule: LintRule, id: string, severity: LintSeverity, message: string, hint: string | undefined, offset?: number): void {
    if (rule.disabled && (rule.disabled.has('*') || rule.disabled.has(id))) return;
    const f: Omit<Finding, 'stack'> = {
      id,
      severity,
      message,
      ...(hint ? { hint } : {}),
      file: rule.file,
      group: rule.group,
      rule: rule.name,
      ...(rule.source ? { source: rule.source } : {}),
    };
    if (offset !== undefined) {
      const pos = exprLineCol(rule.expr, offset);
      f.exprPos = { ...pos, offset };
      if (rule.exprLine !== undefined) {
        f.line = rule.exprLine + pos.line - 1;
        f.column = pos.line === 1 || rule.exprBlock ? (rule.exprColumn ?? 1) + pos.column - 1 : pos.column;
      }
    } else if (rule.line !== undefined) f.line = rule.line;
    this.add(f);
  }

  /** Jobs a selector's `job` matcher selects; undefined when it has none (or no jobs are known). */
  pinnedJobs(sel: SelectorInfo): LintJob[] | undefined {
    if (!this.jobs) return undefined;
    const m = sel.matchers.find((x) => x.name === 'job' && (x.op === '=' || x.op === '=~'));
    if (!m) return undefined;
    if (m.op === '=') return this.jobs.has(m.value) ? [this.jobs.get(m.value)!] : [];
    let re: RegExp;
    try {
      re = new RegExp(`^(?:${m.value})$`);
    } catch {
      return undefined;
    }
    return [...this.jobs.values()].filter((j) => re.test(j.name));
  }

  /** The catalog type of a selector's metric (recording outputs: undefined), `_total` as counter when unknown. */
  metricType(sel: SelectorInfo): MetricType | undefined {
    const name = sel.metric;
    if (!name || this.recorded.has(name)) return undefined;
    const info = this.lookup(sel);
    if (info) return info.type;
    return /_total$/.test(name) ? 'counter' : undefined;
  }

  /** Whether the type came from the catalog (not from the `_total` naming heuristic). */
  lookup(sel: SelectorInfo): ReturnType<typeof lookupMetric> {
    const name = sel.metric;
    if (!name) return undefined;
    const pinned = this.pinnedJobs(sel)?.filter((j) => j.exporter);
    for (const j of pinned ?? []) {
      const hit = lookupMetric(name, j.exporter);
      if (hit) return hit;
    }
    if (this.jobs) {
      for (const j of this.jobs.values()) {
        if (!j.exporter) continue;
        const hit = lookupMetric(name, j.exporter);
        if (hit) return hit;
      }
    }
    return lookupMetric(name);
  }

  /** Jobs a selector reads: pinned by `job`, else those whose exporter has the metric, else the opaque ones. */
  candidateJobs(sel: SelectorInfo): LintJob[] {
    if (!this.jobs) return [];
    const pinned = this.pinnedJobs(sel);
    if (pinned?.length) return pinned;
    const name = sel.metric;
    const byExporter = name ? [...this.jobs.values()].filter((j) => j.exporter && lookupMetric(name, j.exporter)) : [];
    if (byExporter.length) return byExporter;
    return this.opaqueJobs;
  }

  /** The evaluation interval of the group recording a series, or the scrape interval of the jobs a selector reads (max). */
  sampleIntervalMs(sel: SelectorInfo): { ms: number; what: string } {
    if (sel.metric && this.recorded.has(sel.metric)) {
      const ms = Math.max(...this.recorded.get(sel.metric)!.map((r) => this.groupOfRule.get(r)!.interval));
      return { ms, what: `the evaluation interval (${formatDuration(ms)}) of the group recording ${sel.metric}` };
    }
    const jobs = this.candidateJobs(sel);
    if (!jobs.length) return { ms: this.input.scrapeIntervalMs, what: `the scrape interval (${formatDuration(this.input.scrapeIntervalMs)})` };
    const slowest = jobs.reduce((a, b) => (b.scrapeIntervalMs > a.scrapeIntervalMs ? b : a));
    return { ms: slowest.scrapeIntervalMs, what: `the scrape interval (${formatDuration(slowest.scrapeIntervalMs)}) of job ${slowest.name}` };
  }

  /** Labels a selector's result can carry. */
  selectorLabels(sel: SelectorInfo): LabelSet {
    const eq = sel.matchers.filter((m) => m.op === '=' && m.value !== '' && m.name !== '__name__').map((m) => m.name);
    const name = sel.metric;
    if (!name || name === 'ALERTS' || name === 'ALERTS_FOR_STATE') return { labels: new Set(eq), open: true };
    if (this.recorded.has(name)) {
      const out = this.recordedLabels(name);
      return { labels: new Set([...out.labels, ...eq]), open: out.open };
    }
    if (!this.jobs) return { labels: new Set(eq), open: true };
    const info = this.lookup(sel);
    if (!info) return { labels: new Set(eq), open: true };
    const jobs = this.candidateJobs(sel);
    const labels = new Set([...info.labels, 'job', 'instance', ...eq, ...jobs.flatMap((j) => j.targetLabels)]);
    return { labels, open: jobs.some((j) => j.openLabels) || jobs.length === 0 };
  }

  recordedLabels(name: string): LabelSet {
    const memo = this.labelMemo.get(name);
    if (memo) return memo;
    if (this.inProgress.has(name)) return { labels: new Set(), open: true };
    this.inProgress.add(name);
    let out: LabelSet = { labels: new Set(), open: false };
    for (const r of this.recorded.get(name) ?? []) {
      const p = this.parse(r.expr);
      const s = p.errors.length ? { labels: new Set<string>(), open: true } : resultLabels(r.expr, p.tree.topNode, (x) => this.selectorLabels(x));
      out = { labels: new Set([...out.labels, ...s.labels, ...Object.keys(r.labels)]), open: out.open || s.open };
    }
    this.inProgress.delete(name);
    this.labelMemo.set(name, out);
    return out;
  }

  exprLabels(rule: LintRule): LabelSet | undefined {
    const p = this.parse(rule.expr);
    if (p.errors.length) return undefined;
    return resultLabels(rule.expr, p.tree.topNode, (x) => this.selectorLabels(x));
  }
}

export function seriesNames(name: string, type: MetricType): string[] {
  if (type === 'histogram') return [`${name}_bucket`, `${name}_count`, `${name}_sum`, name];
  if (type === 'summary') return [`${name}_count`, `${name}_sum`, name];
  return [name];
}

export function parseDurationSafe(text: string): number | undefined {
  const m = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/.exec(text.trim());
  if (!m || text.trim() === '') return text.trim() === '0' ? 0 : undefined;
  const units = [365 * 86400e3, 7 * 86400e3, 86400e3, 3600e3, 60e3, 1e3, 1];
  return units.reduce((acc, u, i) => acc + Number(m[i + 1] ?? 0) * u, 0);
}

/** Levenshtein distance, bounded: returns max+1 when larger. */
export function editDistance(a: string, b: string, max = 4): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      if (v < best) best = v;
    }
    if (best > max) return max + 1;
    prev = cur;
  }
  return prev[b.length]!;
}

/** The nearest names (distance <= a third of the length, at most 4), best first. */
export function nearest(name: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.min(4, Math.max(1, Math.floor(name.length / 3)));
  let best: string | undefined;
  let bestD = limit + 1;
  let bestTie = Infinity;
  const bare = name.replace(/_/g, '');
  for (const c of candidates) {
    if (c === name) continue;
    const d = editDistance(name, c, limit);
    if (d > bestD) continue;
    // Ties: prefer the name that differs only in underscores, then the alphabetically first.
    const tie = editDistance(bare, c.replace(/_/g, ''), limit);
    if (d < bestD || tie < bestTie || (tie === bestTie && best !== undefined && c < best)) {
      best = c;
      bestD = d;
      bestTie = tie;
    }
  }
  return bestD <= limit ? best : undefined;
}
