/**
 * What the checks share: findings with positions, the stack's jobs and what they expose,
 * recording-rule outputs, metric types and the labels a selector can carry.
 */
import { formatDuration } from '../core/duration.ts';
import { parsePromQL, type ParsedPromQL } from '../core/promql.ts';
import { exporters, lookupMetric, type MetricType } from '../scrape/catalog/index.ts';
import { LabelFlow, type LabelSet, type SelectorInfo } from '../promql/labels.ts';
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
  readonly opaqueJobs: LintJob[];
  /** The label flow the build and `obsgen test` use too. */
  readonly flow: LabelFlow<LintJob>;
  private readonly parsed = new Map<string, ParsedPromQL>();

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
    this.flow = new LabelFlow(input.jobs, [...this.recorded.values()].flat());
    this.opaqueJobs = this.flow.opaqueJobs;
    if (input.jobs) {
      this.jobs = new Map(input.jobs.map((j) => [j.name, j]));
      for (const j of input.jobs) {
        const e = j.exporter ? exporters().get(j.exporter) : undefined;
        for (const m of e?.metrics ?? []) for (const n of seriesNames(m.name, m.type)) this.exposed.add(n);
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
    return this.flow.pinnedJobs(sel);
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
    return this.flow.lookup(sel);
  }

  /** Jobs a selector reads: pinned by `job`, else those whose exporter has the metric, else the opaque ones. */
  candidateJobs(sel: SelectorInfo): LintJob[] {
    return this.flow.candidateJobs(sel);
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
    return this.flow.selectorLabels(sel);
  }

  recordedLabels(name: string): LabelSet {
    return this.flow.recordedLabels(name);
  }

  exprLabels(rule: LintRule): LabelSet | undefined {
    return this.flow.exprLabels(rule.expr);
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

// Shared with the build's schema messages (unknown keys, enum values).
export { editDistance, nearest } from '../core/nearest.ts';
