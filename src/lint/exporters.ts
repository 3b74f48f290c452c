/**
 * A job's exporter from the metrics its rules read. Port and metrics path decide first
 * (src/lint/input.ts inferExporter); where they leave a job unknown (service discovery has no
 * ports to read, or the port is unusual), the selectors pinned to the job by `job="x"` decide:
 * the catalog metrics they read that only one exporter has. A job is given an exporter when
 * at least two such metrics point to it and three times as many as to all others together:
 * a stray metric of another exporter is then reported (a copied job matcher), while a job that
 * scrapes several exporters (a kubernetes-pods job) stays unknown rather than half-known.
 */
import { parsePromQL } from '../core/promql.ts';
import { selectorInfo } from '../promql/labels.ts';
import { exporters, lookupMetric } from '../scrape/catalog/index.ts';
import type { LintInput, LintJob } from './types.ts';

/** Metrics several exporters expose (process_*, go_*, up) tell nothing. */
function onlyExporter(metric: string): string | undefined {
  let found: string | undefined;
  for (const key of exporters().keys()) {
    if (key === 'prometheus_builtin' || !lookupMetric(metric, key)) continue;
    if (found) return undefined;
    found = key;
  }
  return found;
}

/** The input with exporters inferred from the rules for jobs that have none. */
export function withExportersFromRules(input: LintInput): LintInput {
  const unknown = new Set((input.jobs ?? []).filter((j) => !j.exporter).map((j) => j.name));
  if (!unknown.size) return input;
  const votes = new Map<string, Map<string, Set<string>>>();
  for (const g of input.groups) {
    for (const rule of g.rules) {
      const parsed = parsePromQL(rule.expr);
      if (parsed.errors.length) continue;
      parsed.tree.iterate({
        enter: (n) => {
          if (n.name !== 'VectorSelector') return;
          const sel = selectorInfo(rule.expr, n.node);
          const job = sel.matchers.find((m) => m.name === 'job' && m.op === '=');
          if (!sel.metric || !job || !unknown.has(job.value)) return;
          const exporter = onlyExporter(sel.metric);
          if (!exporter) return;
          const byExporter = votes.get(job.value) ?? new Map<string, Set<string>>();
          byExporter.set(exporter, (byExporter.get(exporter) ?? new Set()).add(sel.metric));
          votes.set(job.value, byExporter);
        },
      });
    }
  }
  const decided = new Map<string, string>();
  for (const [job, byExporter] of votes) {
    const ranked = [...byExporter].map(([key, metrics]) => ({ key, n: metrics.size })).sort((a, b) => b.n - a.n || a.key.localeCompare(b.key));
    const rest = ranked.slice(1).reduce((sum, r) => sum + r.n, 0);
    if (ranked[0]!.n >= 2 && ranked[0]!.n >= 3 * rest) decided.set(job, ranked[0]!.key);
  }
  if (!decided.size) return input;
  const jobs = input.jobs!.map((j): LintJob => (decided.has(j.name) ? { ...j, exporter: decided.get(j.name)!, exporterFrom: 'the metrics its rules read' } : j));
  return { ...input, jobs };
}
