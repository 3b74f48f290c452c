/**
 * Which labels a selected metric can carry, as far as the stack knows it: what a service
 * declares about the metrics it defines (an httpService's status code label), the catalog's
 * label list of a job's exporter, and what recording rules produce from those. Unknown
 * metrics give undefined, so checks built on this judge only what is known.
 */
import type { DeclaredMetric, ScrapeJob } from '../core/model.ts';
import { parsePromQL } from '../core/promql.ts';
import { matcherMatches, valuesMatching } from '../core/re2.ts';
import { resultLabels, type LabelSet, type SelectorInfo } from '../promql/labels.ts';
import type { Bundle } from '../stack/bundle.ts';
import { lookupMetric } from './catalog/index.ts';

export interface KnownLabels {
  /** Labels the metric can carry (job, instance and target labels included). */
  labels: Set<string>;
  /** `labels` is the whole set: any other label is absent. */
  complete: boolean;
  /** Labels known to be absent even when the set is not complete (declared by a service). */
  absent: Set<string>;
  /** Where the knowledge comes from, for hints: `job api (services[0].metrics.codeLabel)`, `the catalog (postgres_exporter)`. */
  from: string[];
  /** A service declared it: a wrong label is certain, not a catalog gap. */
  declared: boolean;
}

type Sel = Pick<SelectorInfo, 'metric' | 'matchers'>;

/** Labels every target of a job carries, and whether relabeling may add ones obsgen cannot predict. */
function jobLabels(j: ScrapeJob): { labels: string[]; open: boolean } {
  const labels = ['job', 'instance', ...(j.staticConfigs ?? []).flatMap((s) => Object.keys(s.labels ?? {}))];
  let open = j.honorLabels === true;
  for (const r of [...(j.relabelConfigs ?? []), ...(j.metricRelabelConfigs ?? [])]) {
    const action = r.action ?? 'replace';
    if (action === 'labelmap' || r.targetLabel?.includes('$')) open = true;
    else if (r.targetLabel && !r.targetLabel.startsWith('__')) labels.push(r.targetLabel);
  }
  return { labels, open };
}

/** Jobs a selector reads by its job matcher (= or =~); undefined without one. */
function jobsOf(sel: Sel, jobs: ScrapeJob[]): ScrapeJob[] | undefined {
  const m = sel.matchers.find((x) => x.name === 'job' && (x.op === '=' || x.op === '=~'));
  if (!m) return undefined;
  return valuesMatching(m, jobs, (j) => j.name);
}

/** A resolver of the labels a selector's metric can carry, over one bundle. */
export function metricLabels(bundle: Pick<Bundle, 'scrapeJobs' | 'ruleGroups' | 'declaredMetrics'>): (sel: Sel) => KnownLabels | undefined {
  const jobs = bundle.scrapeJobs ?? [];
  const declared = bundle.declaredMetrics ?? [];
  const recorded = new Map<string, { expr: string; labels: string[] }[]>();
  for (const g of bundle.ruleGroups ?? []) {
    for (const r of g.rules) {
      if (r.kind !== 'record') continue;
      const list = recorded.get(r.name) ?? [];
      list.push({ expr: r.expr, labels: Object.keys(r.labels ?? {}) });
      recorded.set(r.name, list);
    }
  }
  const memo = new Map<string, KnownLabels | undefined>();
  const inProgress = new Set<string>();

  const ofJob = (j: ScrapeJob, name: string): KnownLabels | undefined => {
    const jl = jobLabels(j);
    const d: DeclaredMetric | undefined = declared.find((x) => x.job === j.name && x.series === name);
    if (d) return { labels: new Set([...jl.labels, ...d.labels]), complete: d.complete && !jl.open, absent: new Set(d.notLabels), from: [`job ${j.name} (${d.source})`], declared: true };
    const info = j.exporter ? lookupMetric(name, j.exporter) : undefined;
    if (info) return { labels: new Set([...jl.labels, ...info.labels]), complete: !jl.open, absent: new Set(), from: [`the catalog (${info.exporter}) for job ${j.name}`], declared: false };
    return undefined;
  };

  const ofRecorded = (name: string): KnownLabels | undefined => {
    if (memo.has(name)) return memo.get(name);
    if (inProgress.has(name)) return undefined;
    inProgress.add(name);
    let out: KnownLabels | undefined = { labels: new Set(), complete: true, absent: new Set(), from: [`the recording rule ${name}`], declared: false };
    for (const r of recorded.get(name)!) {
      const p = parsePromQL(r.expr);
      if (p.errors.length) {
        out = undefined;
        break;
      }
      const flow: LabelSet = resultLabels(r.expr, p.tree.topNode, (s) => {
        const k = resolve(s);
        return k ? { labels: k.labels, open: !k.complete } : { labels: new Set(s.matchers.filter((m) => m.op === '=' && m.value !== '').map((m) => m.name)), open: true };
      });
      for (const l of [...flow.labels, ...r.labels]) out.labels.add(l);
      if (flow.open) out.complete = false;
    }
    inProgress.delete(name);
    memo.set(name, out);
    return out;
  };

  const resolve = (sel: Sel): KnownLabels | undefined => {
    const name = sel.metric;
    if (!name || name === 'ALERTS' || name === 'ALERTS_FOR_STATE') return undefined;
    if (recorded.has(name)) return ofRecorded(name);
    const pinned = jobsOf(sel, jobs);
    // Without a job matcher: the jobs that define the metric (declared or by their exporter); a
    // job obsgen knows nothing about may expose it too, so then nothing is known.
    const candidates = pinned ?? jobs.filter((j) => ofJob(j, name));
    if (!candidates.length) return undefined;
    if (!pinned && jobs.some((j) => !j.exporter && !declared.some((d) => d.job === j.name))) return undefined;
    const parts = candidates.map((j) => ofJob(j, name));
    if (parts.some((p) => !p)) return undefined;
    const known = parts as KnownLabels[];
    return {
      labels: new Set(known.flatMap((k) => [...k.labels])),
      complete: known.every((k) => k.complete),
      absent: new Set([...known[0]!.absent].filter((l) => known.every((k) => k.absent.has(l)))),
      from: known.flatMap((k) => k.from),
      declared: known.some((k) => k.declared),
    };
  };
  return resolve;
}

/** Whether a matcher only matches series that carry the label (`l="x"`, `l=~"5.."`; not `l!="x"` or `l=~".*"`). */
export function requiresLabel(m: { op: string; value: string }): boolean {
  return (m.op === '=' || m.op === '=~') && matcherMatches({ name: '', ...m }, '') === false;
}
