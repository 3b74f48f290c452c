/**
 * Live series check (`obsgen lint --prometheus URL`), like pint's promql/series: the server,
 * not the metrics catalog, says whether a metric exists, and since when.
 * - a metric with no series at all in the look-back window: error (the rule can never match);
 * - a metric whose series stopped: warning, saying when they were last seen;
 * - a metric that exists, but none of whose series passes one of the selector's matchers:
 *   warning naming the matcher and the values the label has (the series may come from a job
 *   not yet deployed);
 * - a metric that appeared within the window: info, saying since when (earlier evaluations saw nothing).
 * Recording rules' own outputs are skipped when the rule set records them.
 */
import { matcherText } from '../alertmanager/matchers.ts';
import { formatDuration } from '../core/duration.ts';
import { nearest } from '../core/nearest.ts';
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

/** When a selector had series: the first and last step of the look-back window with any. */
interface Presence {
  first?: number;
  last?: number;
  /** Steps of `stepMs` from `start` to `end`: a step covers (t - step, t]. */
  start: number;
  end: number;
  stepMs: number;
}

type Json = { status: string; data?: { result?: { metric: Record<string, string>; value?: [number, string]; values?: [number, string][] }[] }; error?: string };

class Server {
  readonly now: number;
  readonly lookbackMs: number;
  /** About 168 steps over the window (1h for 7 days), whole minutes. */
  readonly stepMs: number;

  constructor(private readonly opts: LiveOptions) {
    this.now = opts.now ?? Date.now();
    this.lookbackMs = opts.lookbackMs ?? 7 * 86400e3;
    this.stepMs = Math.max(60e3, Math.ceil(this.lookbackMs / 168 / 60e3) * 60e3);
  }

  private async get(path: string, params: Record<string, string>): Promise<NonNullable<Json['data']>['result']> {
    const u = new URL(path, this.opts.url.endsWith('/') ? this.opts.url : `${this.opts.url}/`);
    for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
    const res = await fetch(u, { signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000) });
    const body = (await res.json()) as Json;
    if (body.status !== 'success') throw new Error(`${u.origin}: ${body.error ?? `HTTP ${res.status}`}`);
    return body.data?.result ?? [];
  }

  /** The steps at which `selector` had series. */
  async presence(selector: string): Promise<Presence> {
    const start = this.now - this.lookbackMs + this.stepMs;
    const end = start + Math.floor((this.now - start) / this.stepMs) * this.stepMs;
    const step = `${this.stepMs / 1000}s`;
    const result = await this.get('api/v1/query_range', { query: `count(last_over_time(${selector}[${step}]))`, start: String(start / 1000), end: String(end / 1000), step });
    const times = (result?.[0]?.values ?? []).map(([t]) => t * 1000);
    return { first: times[0], last: times[times.length - 1], start, end, stepMs: this.stepMs };
  }

  /** The values `label` has on the selector's series over the window (up to `limit`, sorted). */
  async values(selector: string, label: string, limit = 5): Promise<string[]> {
    const window = `${Math.round(this.lookbackMs / 1000)}s`;
    const result = await this.get('api/v1/query', { query: `count by (${label}) (last_over_time(${selector}[${window}]))`, time: String(this.now / 1000) });
    return (result ?? []).map((r) => r.metric[label] ?? '').sort().slice(0, limit);
  }

  /** Whether the selector had any series over the window. */
  async any(selector: string): Promise<boolean> {
    const window = `${Math.round(this.lookbackMs / 1000)}s`;
    return ((await this.get('api/v1/query', { query: `count(last_over_time(${selector}[${window}]))`, time: String(this.now / 1000) })) ?? []).length > 0;
  }
}

const selectorText = (metric: string, matchers: { name: string; op: string; value: string }[]) => `{${[matcherText({ name: '__name__', op: '=', value: metric }), ...matchers.map(matcherText)].join(', ')}}`;
const ago = (ms: number) => formatDuration(Math.max(60e3, Math.round(ms / 60e3) * 60e3));

/** A few requests at a time. */
async function batched<T, R>(items: T[], f: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += 8) out.push(...(await Promise.all(items.slice(i, i + 8).map(f))));
  return out;
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
  const server = new Server(opts);
  const days = formatDuration(server.lookbackMs);
  const names = [...new Set(uses.map((u) => u.sel.metric!))].sort();
  const presence = new Map<string, Presence>();
  /** Per selector text: the matchers none of the metric's series passes, with the values the label has. */
  const culprits = new Map<string, { matcher: SelectorInfo['matchers'][number]; values: string[] }[]>();
  try {
    (await batched(names, (n) => server.presence(selectorText(n, [])))).forEach((p, i) => presence.set(names[i]!, p));
    const narrowed = [...new Map(uses.filter((u) => presence.get(u.sel.metric!)!.last !== undefined && u.sel.matchers.some((m) => m.name !== '__name__')).map((u) => [selectorText(u.sel.metric!, u.sel.matchers.filter((m) => m.name !== '__name__')), u.sel] as const)).entries()];
    const found = await batched(narrowed, ([text]) => server.any(text));
    await batched(
      narrowed.filter((_, i) => !found[i]),
      async ([text, sel]) => {
        const own = sel.matchers.filter((m) => m.name !== '__name__');
        const alone = await Promise.all(own.map((m) => server.any(selectorText(sel.metric!, [m]))));
        const bad = own.filter((_, i) => !alone[i]);
        culprits.set(text, await Promise.all(bad.map(async (m) => ({ matcher: m, values: await server.values(selectorText(sel.metric!, []), m.name) }))));
      },
    );
  } catch (e) {
    return [{ id: 'promql/series', severity: 'error', stack: input.stack, message: `cannot ask ${opts.url} for series: ${(e as Error).message}`, hint: 'check --prometheus URL (the server must answer /api/v1/query and /api/v1/query_range)' }];
  }
  for (const u of uses) {
    const name = u.sel.metric!;
    const p = presence.get(name)!;
    if (p.last === undefined) {
      c.ruleFinding(u.rule, 'promql/series', 'error', `${name}: ${opts.url} has no series of this metric (looked back ${days})`, 'fix the metric name, or scrape the exporter that exposes it', u.from);
      continue;
    }
    if (p.last < p.end) {
      c.ruleFinding(u.rule, 'promql/series', 'warning', `${name}: ${opts.url} has had no series of this metric for about ${ago(server.now - p.last)} (it had some until then)`, 'the exporter or the metric went away: restore it, or fix the rule to read what replaced it', u.from);
      continue;
    }
    const text = selectorText(name, u.sel.matchers.filter((m) => m.name !== '__name__'));
    const bad = culprits.get(text);
    if (bad && !bad.length) {
      c.ruleFinding(u.rule, 'promql/series', 'warning', `${name}{${u.sel.matchers.filter((m) => m.name !== '__name__').map(matcherText).join(', ')}}: ${opts.url} has series passing each of these matchers, but none passing all of them (looked back ${days})`, 'check that the labels belong together (e.g. the job and instance of one target)', u.from);
      continue;
    }
    if (bad?.length) {
      for (const { matcher, values } of bad) {
        const seen = values.filter((v) => v !== '');
        const suggestion = matcher.op === '=' ? nearest(matcher.value, seen) ?? (seen.length === 1 ? seen[0] : undefined) : undefined;
        const has = seen.length ? `only with ${matcher.name} ${seen.map((v) => JSON.stringify(v)).join(', ')}${values.length >= 5 ? ', ...' : ''}` : `without a ${matcher.name} label`;
        c.ruleFinding(u.rule, 'promql/series', 'warning', `${name}{${matcherText(matcher)}}: ${opts.url} has series of ${name} ${has} (looked back ${days})`, suggestion ? `did you mean ${matcher.name}="${suggestion}"?` : `fix the matcher ${matcherText(matcher)}, or deploy what exposes those series`, u.from);
      }
      continue;
    }
    if (bad === undefined && p.first !== undefined && p.first > p.start) {
      c.ruleFinding(u.rule, 'promql/series', 'info', `${name}: ${opts.url} has series of this metric only for the last ${ago(server.now - p.first + p.stepMs)} at most (none in the ${days} before)`, 'new metric: evaluations before then saw nothing, which is fine unless this rule should have fired then', u.from);
    }
  }
  return c.findings;
}
