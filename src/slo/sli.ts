/**
 * The five SLI kinds. The four that count events say what they read (`reads`: the total and the
 * bad or the good events), summed by the SLO's grouping labels over any window, so the same read
 * serves 5m and 6h and SLOs of one shape can share one rule (src/slo/merge.ts); a raw ratio is
 * its 5m expression.
 */
import { Decimal } from '../core/decimal.ts';
import { durationMs } from '../core/duration.ts';
import { leLabel } from '../alerts/histogram.ts';
import { matcherText } from '../alertmanager/matchers.ts';
import { parsePromQL, selectors } from '../core/promql.ts';
import type { SloBody } from './schema.ts';

export interface HttpDefaults {
  job: string;
  requests: string;
  duration: string;
  codeLabel: string;
  errorCodes: string;
  buckets: number[];
}

/** A raw read: `fn(selector[window])`, summed by the SLO's grouping labels. */
export interface SliRead {
  fn: 'increase' | 'count_over_time' | 'sum_over_time';
  selector: string;
}

export interface SliReads {
  total: SliRead;
  bad?: SliRead;
  good?: SliRead;
}

export interface SliExprs {
  kind: 'errorRatio' | 'events' | 'latency' | 'ratio' | 'availability';
  /** The 5m error ratio of a raw-ratio SLI (no `reads`): its total is derived from it, one event per evaluation. */
  bad?: string;
  /** What the SLI measures, for descriptions. */
  describe: string;
  /** What the event-counting kinds read (all but raw ratios). */
  reads?: SliReads;
  /** Declared buckets and threshold for latency validation. */
  latency?: { below: string; seconds: number; buckets: number[] | undefined; histogram: string };
}

export function agg(groupBy: string[], inner: string): string {
  return groupBy.length ? `sum by (${groupBy.join(', ')}) (${inner})` : `sum(${inner})`;
}

/** The read over `window`, summed by `groupBy`. */
export function readExpr(read: SliRead, window: string, groupBy: string[]): string {
  return agg(groupBy, `${read.fn}(${read.selector}[${window}])`);
}

/**
 * The error events from the bad (or good) read and the recorded total `total`: where no bad
 * series exists yet, 0 for each total sample; good events count as total minus good.
 */
function errorExpr(bad: string | undefined, good: string | undefined, total: string, on: string): string {
  return bad ? `${bad}\nor ${on}\n0 * ${total}` : `clamp_min(${total} - ${on} ${good!}, 0)\nor ${on}\n${total}`;
}

/** A plain series selector's metric and matchers (`metric{...}` and nothing around it), else undefined. */
export function plainSelector(text: string): { metric: string; matchers: { name: string; op: string; value: string }[] } | undefined {
  const parsed = parsePromQL(text);
  const sel = selectors(parsed);
  if (parsed.errors.length || sel.length !== 1 || !sel[0]!.metric || text.trim().length !== sel[0]!.to - sel[0]!.from) return undefined;
  return { metric: sel[0]!.metric, matchers: sel[0]!.matchers.filter((m) => m.name !== '__name__') };
}

/** The SLI's fields that hold a series selector (or label matchers), as [field path under `sli`, text, what it holds]. */
export function selectorFields(sli: SloBody['sli']): [string, string, 'selector' | 'matchers'][] {
  if ('events' in sli) {
    const e = sli.events;
    return (['good', 'bad', 'total'] as const).filter((k) => e[k] !== undefined).map((k) => [`events.${k}`, e[k]!, 'selector']);
  }
  if ('availability' in sli) return [['availability.gauge', sli.availability.gauge, 'selector']];
  if ('latency' in sli && sli.latency.matchers !== undefined) return [['latency.matchers', sli.latency.matchers, 'matchers']];
  return [];
}

/**
 * Why `text` is not a plain series selector (`metric{label="v"}`: no function, aggregation,
 * range, offset or operator), or undefined when it is one. obsgen wraps the selector in
 * increase()/sum itself; a query there (a Sloth habit: `sum(rate(x[5m]))`) would give
 * `increase(sum(rate(...))[5m])`, which Prometheus refuses.
 */
export function selectorProblem(text: string): string | undefined {
  const parsed = parsePromQL(text);
  if (parsed.errors.length) return `is not valid PromQL: ${parsed.errors[0]!.message} at position ${parsed.errors[0]!.from}`;
  const sel = selectors(parsed);
  const whole = sel.length === 1 && text.trim().length === sel[0]!.to - sel[0]!.from && text.trim() === text.slice(sel[0]!.from, sel[0]!.to);
  if (whole) return undefined;
  return sel.length ? 'is a query, not a series selector' : 'selects no series';
}

/**
 * Recorded reads over window `n` as [name, expr]: the total read and the error events from the
 * bad or good read. `sel` selects the recorded series of the SLO (or SLOs) the rules record,
 * without its closing brace; `on` matches an error series to its total.
 */
export function countRules(n: string, total: string, bad: string | undefined, good: string | undefined, sel: string, on: string): [string, string][] {
  return [
    [`slo:sli_total:increase${n}`, total],
    [`slo:sli_error:increase${n}`, errorExpr(bad, good, `slo:sli_total:increase${n}${sel}}`, on)],
  ];
}

/** RE2 syntax for a literal string (label values in `=~` matchers and label_replace). */
export function regexQuote(text: string): string {
  return text.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/** Adds matchers to a selector: `m{a="b"}` + `c="d"` -> `m{a="b",c="d"}`. */
export function withMatchers(selector: string, extra: string): string {
  if (!extra) return selector;
  const open = selector.indexOf('{');
  if (open < 0) return `${selector}{${extra}}`;
  const inner = selector.slice(open + 1, selector.lastIndexOf('}')).trim();
  return `${selector.slice(0, open)}{${inner ? `${inner},` : ''}${extra}}`;
}

/** `le` matcher that also matches Prometheus 3's normalised float text (`1` and `1.0`). */
export function leMatcher(le: number): string {
  const text = leLabel(le);
  return /^\d+$/.test(text) ? `le=~"${text}|${text}.0"` : `le="${text}"`;
}

export function sliExprs(slo: SloBody, http: HttpDefaults | undefined): SliExprs | string {
  const g = slo.groupBy;
  const sli = slo.sli;
  if ('errorRatio' in sli) {
    if (!http) return 'errorRatio SLIs exist only in httpService slos; use events: { bad, total } in slo({...})';
    const codes = sli.errorRatio.errorCodes ?? http.errorCodes;
    const sel = `${http.requests}{job=${JSON.stringify(http.job)}}`;
    const reads = { total: { fn: 'increase', selector: sel }, bad: { fn: 'increase', selector: withMatchers(sel, `${http.codeLabel}=~${JSON.stringify(codes)}`) } } as const;
    return { kind: 'errorRatio', reads, describe: `requests answered with ${http.codeLabel}=~"${codes}"` };
  }
  if ('events' in sli) {
    const e = sli.events;
    const reads: SliReads = { total: { fn: 'increase', selector: e.total }, ...(e.bad ? { bad: { fn: 'increase', selector: e.bad } } : { good: { fn: 'increase', selector: e.good! } }) };
    return { kind: 'events', reads, describe: e.bad ? `bad events (${e.bad})` : `events that are not good (${e.good!})` };
  }
  if ('latency' in sli) {
    const l = sli.latency;
    const histogram = l.histogram ?? http?.duration;
    if (!histogram) return 'latency SLIs in slo({...}) need histogram: the histogram base name';
    const matchers = l.matchers ?? (http ? `job=${JSON.stringify(http.job)}` : '');
    const buckets = l.buckets ?? http?.buckets;
    const seconds = Decimal.from(durationMs(l.below)).div(1000).toNumber();
    const base = (suffix: string) => (matchers ? `${histogram}${suffix}{${matchers}}` : `${histogram}${suffix}`);
    const reads: SliReads = { total: { fn: 'increase', selector: base('_count') }, good: { fn: 'increase', selector: withMatchers(base('_bucket'), leMatcher(seconds)) } };
    return { kind: 'latency', reads, describe: `requests slower than ${l.below}`, latency: { below: l.below, seconds, buckets, histogram } };
  }
  if ('ratio' in sli) {
    const expr = sli.ratio.errorRatio.replaceAll('{{window}}', '5m').replaceAll('{{.window}}', '5m');
    // Filtering with >= 0 drops NaN (0/0) samples, so no traffic gives no sample.
    return {
      kind: 'ratio',
      bad: g.length ? `avg by (${g.join(', ')}) ((${expr}) >= 0)` : `avg((${expr}) >= 0)`,
      describe: `the error ratio ${sli.ratio.errorRatio}`,
    };
  }
  const gauge = sli.availability.gauge;
  return { kind: 'availability', reads: { total: { fn: 'count_over_time', selector: gauge }, good: { fn: 'sum_over_time', selector: gauge } }, describe: `samples of ${gauge} that are not 1` };
}
