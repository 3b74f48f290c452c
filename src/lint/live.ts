/**
 * Live series check (`obsgen lint --prometheus URL`), like pint's promql/series: the server,
 * not the metrics catalog, says whether a metric exists. A metric with no series at all in
 * the look-back window is an error (the rule can never match); a `job` matcher that selects
 * none of the metric's series is a warning (the series may come from a job not yet deployed).
 * Recording rules' own outputs are skipped when the rule set records them.
 */
import { valuesMatching } from '../core/re2.ts';
import { LintContext } from './context.ts';
import { selectorInfo, type SelectorInfo } from '../promql/labels.ts';
import type { Finding, LintInput, LintRule } from './types.ts';

export interface LiveOptions {
  url: string;
  /** How far back a series counts as existing (default 7 days, as pint's default). */
  lookbackMs?: number;
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number;
  now?: number;
}

interface Use {
  rule: LintRule;
  sel: SelectorInfo;
  from: number;
}

async function series(opts: LiveOptions, match: string): Promise<Record<string, string>[]> {
  const now = opts.now ?? Date.now();
  const start = (now - (opts.lookbackMs ?? 7 * 86400e3)) / 1000;
  const u = new URL('api/v1/series', opts.url.endsWith('/') ? opts.url : `${opts.url}/`);
  u.searchParams.set('match[]', match);
  u.searchParams.set('start', String(start));
  u.searchParams.set('end', String(now / 1000));
  const res = await fetch(u, { signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000) });
  const body = (await res.json()) as { status: string; data?: Record<string, string>[]; error?: string };
  if (body.status !== 'success') throw new Error(`${u.origin}: ${body.error ?? `HTTP ${res.status}`}`);
  return body.data ?? [];
}

/** Findings of the live check; a server that cannot be asked gives one `promql/series` error saying so. */
export async function liveSeriesFindings(input: LintInput, opts: LiveOptions): Promise<Finding[]> {
  const c = new LintContext(input);
  const uses: Use[] = [];
  for (const g of input.groups) {
    for (const rule of g.rules) {
      const p = c.parse(rule.expr);
      if (!rule.expr.trim() || p.errors.length) continue;
      p.tree.iterate({
        enter: (n) => {
          if (n.name !== 'VectorSelector') return;
          const sel = selectorInfo(rule.expr, n.node);
          if (sel.metric && !c.recorded.has(sel.metric) && sel.metric !== 'ALERTS' && sel.metric !== 'ALERTS_FOR_STATE') uses.push({ rule, sel, from: n.from });
        },
      });
    }
  }
  const names = [...new Set(uses.map((u) => u.sel.metric!))].sort();
  const jobsOf = new Map<string, Set<string>>();
  try {
    // A few requests at a time: one per metric name, each returning the metric's series.
    for (let i = 0; i < names.length; i += 8) {
      const batch = names.slice(i, i + 8);
      const got = await Promise.all(batch.map((n) => series(opts, `{__name__=${JSON.stringify(n)}}`)));
      batch.forEach((n, k) => jobsOf.set(n, new Set(got[k]!.map((s) => s.job ?? ''))));
    }
  } catch (e) {
    return [{ id: 'promql/series', severity: 'error', stack: input.stack, message: `cannot ask ${opts.url} for series: ${(e as Error).message}`, hint: 'check --prometheus URL (the server must answer /api/v1/series)' }];
  }
  const days = Math.round((opts.lookbackMs ?? 7 * 86400e3) / 86400e3);
  for (const u of uses) {
    const name = u.sel.metric!;
    const jobs = jobsOf.get(name)!;
    if (!jobs.size) {
      c.ruleFinding(u.rule, 'promql/series', 'error', `${name}: ${opts.url} has no series of this metric (looked back ${days}d)`, 'fix the metric name, or scrape the exporter that exposes it', u.from);
      continue;
    }
    const job = u.sel.matchers.find((m) => m.name === 'job' && (m.op === '=' || m.op === '=~'));
    if (!job) continue;
    const hit = valuesMatching(job, [...jobs], (j) => j);
    if (hit && !hit.length) {
      c.ruleFinding(u.rule, 'promql/series', 'warning', `${name}{job${job.op}${JSON.stringify(job.value)}}: ${opts.url} has series of ${name} only from job ${[...jobs].sort().join(', ')}`, `did you mean job="${[...jobs].sort()[0]}"?`, u.from);
    }
  }
  return c.findings;
}
