/**
 * What a built bundle's rules and panels read, per scrape job, from its files (the layout
 * `obsgen build` writes): the parsed PromQL selectors of every rule and panel query, with
 * the jobs their `job` matcher selects. The runner uses it to tell which metrics a running
 * Prometheus has no series of (a rule over a metric the exporter's version does not expose
 * never fires, and nothing else says so), and which status code label a stand-in service
 * must emit so that the bundle's error ratios see its errors.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { STATUS_CODE_LABELS } from '../../core/names.ts';
import { valuesMatching } from '../../core/re2.ts';
import { parsePromQL, selectors, type Selector } from '../../core/promql.ts';
import { substituteVariables } from '../../dashboards/check.ts';
import { prometheusConfigFiles } from '../../emit/prometheus.ts';

/** One selector of one rule or panel. */
export interface Read {
  metric: string;
  matchers: Selector['matchers'];
  /** Jobs its `job` matcher selects; undefined when it has none (or one that selects by `!=`, `!~` or a variable). */
  jobs?: string[];
  /** `alert HighErrorRate`, `record job:http_requests:rate5m`, `panel "Errors" (uid)`. */
  reader: string;
}

export interface BundleReads {
  jobs: string[];
  /** Static targets of each job. */
  targets: Map<string, string[]>;
  /** Series the bundle's recording rules write. */
  recorded: Set<string>;
  reads: Read[];
}

type Json = Record<string, unknown>;

/** Series Prometheus writes itself: every target has them, so they never tell an exporter's version. */
const BUILTIN = new Set(['up', 'ALERTS', 'ALERTS_FOR_STATE']);
export const isBuiltinSeries = (name: string): boolean => BUILTIN.has(name) || name.startsWith('scrape_');

function jobsOf(matchers: Selector['matchers'], jobs: string[]): string[] | undefined {
  const m = matchers.find((x) => x.name === 'job' && (x.op === '=' || x.op === '=~'));
  if (!m) return undefined;
  const hit = valuesMatching(m, jobs, (j) => j);
  return hit?.length ? hit : undefined;
}

function panelQueries(panels: Json[], out: { title: string; expr: string }[]): void {
  for (const p of panels) {
    for (const t of (p.targets as Json[] | undefined) ?? []) if (typeof t.expr === 'string' && t.expr.trim()) out.push({ title: String(p.title ?? ''), expr: t.expr });
    panelQueries((p.panels as Json[] | undefined) ?? [], out);
  }
}

/** Every selector the bundle's rules and dashboards read, with the jobs each selects. */
export function bundleReads(bundleDir: string): BundleReads {
  // Every server of an HA layout scrapes the same jobs (a shard keeps its share by relabelling).
  const first = prometheusConfigFiles(bundleDir)[0] ?? 'prometheus.yml';
  const prom = (parse(readFileSync(join(bundleDir, 'prometheus', first), 'utf8')) ?? {}) as Json;
  const configs = (prom.scrape_configs as Json[] | undefined) ?? [];
  const jobs = configs.map((j) => String(j.job_name));
  const targets = new Map(configs.map((j) => [String(j.job_name), ((j.static_configs as Json[] | undefined) ?? []).flatMap((c) => (c.targets as string[] | undefined) ?? [])]));
  const recorded = new Set<string>();
  const exprs: { expr: string; reader: string }[] = [];
  const rulesDir = join(bundleDir, 'prometheus/rules');
  for (const f of existsSync(rulesDir) ? readdirSync(rulesDir).filter((x) => x.endsWith('.rules.yml')).sort() : []) {
    const doc = (parse(readFileSync(join(rulesDir, f), 'utf8')) ?? {}) as { groups?: { rules?: { alert?: string; record?: string; expr?: unknown }[] }[] };
    for (const g of doc.groups ?? []) {
      for (const r of g.rules ?? []) {
        if (r.record) recorded.add(r.record);
        if (typeof r.expr === 'string') exprs.push({ expr: r.expr, reader: r.alert ? `alert ${r.alert}` : `record ${r.record}` });
      }
    }
  }
  const dashDir = join(bundleDir, 'grafana/dashboards');
  for (const folder of existsSync(dashDir) ? readdirSync(dashDir).sort() : []) {
    const dir = join(dashDir, folder);
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.json')).sort()) {
      const model = JSON.parse(readFileSync(join(dir, f), 'utf8')) as Json;
      const queries: { title: string; expr: string }[] = [];
      panelQueries((model.panels as Json[] | undefined) ?? [], queries);
      for (const q of queries) exprs.push({ expr: substituteVariables(q.expr), reader: `panel ${JSON.stringify(q.title)} (${String(model.uid ?? f)})` });
    }
  }
  const reads: Read[] = [];
  for (const e of exprs) {
    const parsed = parsePromQL(e.expr);
    if (parsed.errors.length) continue;
    for (const s of selectors(parsed)) {
      if (!s.metric) continue;
      const j = jobsOf(s.matchers, jobs);
      reads.push({ metric: s.metric, matchers: s.matchers, ...(j ? { jobs: j } : {}), reader: e.reader });
    }
  }
  return { jobs, targets, recorded, reads };
}

/**
 * The status code label the bundle's rules match on for a job's metrics (`status` in
 * `http_requests_total{job="api",status=~"5.."}`), the most used one; undefined when none.
 */
export function statusCodeLabel(b: BundleReads, jobs: string[]): string | undefined {
  const count = new Map<string, number>();
  for (const r of b.reads) {
    if (!r.reader.startsWith('alert ') && !r.reader.startsWith('record ')) continue;
    if (!r.jobs?.some((j) => jobs.includes(j))) continue;
    for (const m of r.matchers) if (STATUS_CODE_LABELS.includes(m.name)) count.set(m.name, (count.get(m.name) ?? 0) + 1);
  }
  return [...count].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
}

export interface MissingMetric {
  /** The jobs the reads select, or undefined for reads without a job matcher (checked against every series). */
  jobs?: string[];
  metric: string;
  readers: string[];
  /**
   * A target of the job declares it (HELP/TYPE in its exposition, kept as target metadata) but
   * has no sample of it: nothing happened yet (no request, no replica). When false, the target
   * does not expose it at all: another exporter version's name, or a collector that is off.
   */
  declared: boolean;
}

export interface MissingReport {
  missing: MissingMetric[];
  /** Jobs with no series besides Prometheus's own (down or not scraped yet): their reads are not judged. */
  unscraped: string[];
}

/** Metric names Prometheus has series of, for one job or (job undefined) overall. */
async function namesOf(prometheusUrl: string, job?: string): Promise<Set<string>> {
  const q = job === undefined ? '' : `?match[]=${encodeURIComponent(`{job=${JSON.stringify(job)}}`)}`;
  const r = await fetch(`${prometheusUrl}/api/v1/label/__name__/values${q}`, { signal: AbortSignal.timeout(5000) });
  if (!r.ok) throw new Error(`GET /api/v1/label/__name__/values: HTTP ${r.status}`);
  return new Set(((await r.json()) as { data: string[] }).data);
}

/** Metric families the job's targets declare (HELP/TYPE), with or without samples. */
async function declaredOf(prometheusUrl: string, job?: string): Promise<Set<string>> {
  const q = job === undefined ? '' : `?match_target=${encodeURIComponent(`{job=${JSON.stringify(job)}}`)}`;
  const r = await fetch(`${prometheusUrl}/api/v1/targets/metadata${q}`, { signal: AbortSignal.timeout(5000) });
  if (!r.ok) throw new Error(`GET /api/v1/targets/metadata: HTTP ${r.status}`);
  return new Set(((await r.json()) as { data: { metric: string }[] }).data.map((m) => m.metric));
}

/** Whether a family list holds a series name (`x_bucket`, `x_count`, `x_sum` belong to the family `x`). */
function declares(families: Set<string>, series: string): boolean {
  return families.has(series) || ['_bucket', '_count', '_sum', '_total', '_created'].some((s) => series.endsWith(s) && families.has(series.slice(0, -s.length)));
}

/**
 * The metrics the bundle's rules and panels read that the running Prometheus has no series of,
 * per job, with what reads them. Recorded series and Prometheus's own are left out.
 */
export async function missingMetrics(b: BundleReads, prometheusUrl: string): Promise<MissingReport> {
  const perJob = new Map<string, Set<string>>();
  for (const j of b.jobs) perJob.set(j, await namesOf(prometheusUrl, j));
  const all = await namesOf(prometheusUrl);
  const unscraped = b.jobs.filter((j) => ![...perJob.get(j)!].some((n) => !isBuiltinSeries(n)));
  const byKey = new Map<string, MissingMetric>();
  for (const r of b.reads) {
    if (b.recorded.has(r.metric) || isBuiltinSeries(r.metric)) continue;
    if (r.jobs) {
      const judged = r.jobs.filter((j) => !unscraped.includes(j));
      if (!judged.length || judged.some((j) => perJob.get(j)!.has(r.metric))) continue;
    } else if (all.has(r.metric)) continue;
    const key = `${r.jobs?.join('|') ?? ''}\u0000${r.metric}`;
    const m = byKey.get(key) ?? { ...(r.jobs ? { jobs: r.jobs } : {}), metric: r.metric, readers: [], declared: false };
    if (!m.readers.includes(r.reader)) m.readers.push(r.reader);
    byKey.set(key, m);
  }
  const families = new Map<string, Set<string>>();
  for (const m of byKey.values()) {
    for (const j of m.jobs ?? [undefined]) {
      const key = j ?? '\u0000';
      if (!families.has(key)) families.set(key, await declaredOf(prometheusUrl, j));
      if (declares(families.get(key)!, m.metric)) m.declared = true;
    }
  }
  const missing = [...byKey.values()].sort((a, b) => (a.jobs?.join(',') ?? '~').localeCompare(b.jobs?.join(',') ?? '~') || a.metric.localeCompare(b.metric));
  return { missing, unscraped };
}
