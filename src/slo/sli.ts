/**
 * The five SLI kinds as 5m expressions: each gives the total events of the last 5m and
 * either the bad or the good ones, summed by the SLO's grouping labels.
 */
import { Decimal } from '../core/decimal.ts';
import { durationMs } from '../core/duration.ts';
import { leLabel } from '../alerts/histogram.ts';
import type { SloBody } from './schema.ts';

export interface HttpDefaults {
  job: string;
  requests: string;
  duration: string;
  codeLabel: string;
  errorCodes: string;
  buckets: number[];
}

export interface SliExprs {
  kind: 'errorRatio' | 'events' | 'latency' | 'ratio' | 'availability';
  total?: string;
  bad?: string;
  good?: string;
  /** `total` is derived from the recorded bad series (raw ratios count one event per evaluation). */
  totalFromBad?: boolean;
  /** What the SLI measures, for descriptions. */
  describe: string;
  /** Declared buckets and threshold for latency validation. */
  latency?: { below: string; seconds: number; buckets: number[] | undefined; histogram: string };
}

export function agg(groupBy: string[], inner: string): string {
  return groupBy.length ? `sum by (${groupBy.join(', ')}) (${inner})` : `sum(${inner})`;
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
    return {
      kind: 'errorRatio',
      total: agg(g, `increase(${sel}[5m])`),
      bad: agg(g, `increase(${withMatchers(sel, `${http.codeLabel}=~${JSON.stringify(codes)}`)}[5m])`),
      describe: `requests answered with ${http.codeLabel}=~"${codes}"`,
    };
  }
  if ('events' in sli) {
    const e = sli.events;
    return {
      kind: 'events',
      total: agg(g, `increase(${e.total}[5m])`),
      ...(e.bad ? { bad: agg(g, `increase(${e.bad}[5m])`) } : { good: agg(g, `increase(${e.good!}[5m])`) }),
      describe: e.bad ? `bad events (${e.bad})` : `events that are not good (${e.good!})`,
    };
  }
  if ('latency' in sli) {
    const l = sli.latency;
    const histogram = l.histogram ?? http?.duration;
    if (!histogram) return 'latency SLIs in slo({...}) need histogram: the histogram base name';
    const matchers = l.matchers ?? (http ? `job=${JSON.stringify(http.job)}` : '');
    const buckets = l.buckets ?? http?.buckets;
    const seconds = Decimal.from(durationMs(l.below)).div(1000).toNumber();
    const base = (suffix: string) => (matchers ? `${histogram}${suffix}{${matchers}}` : `${histogram}${suffix}`);
    return {
      kind: 'latency',
      total: agg(g, `increase(${base('_count')}[5m])`),
      good: agg(g, `increase(${withMatchers(base('_bucket'), leMatcher(seconds))}[5m])`),
      describe: `requests slower than ${l.below}`,
      latency: { below: l.below, seconds, buckets, histogram },
    };
  }
  if ('ratio' in sli) {
    const expr = sli.ratio.errorRatio.replaceAll('{{window}}', '5m').replaceAll('{{.window}}', '5m');
    // Filtering with >= 0 drops NaN (0/0) samples, so no traffic gives no sample.
    return {
      kind: 'ratio',
      bad: g.length ? `avg by (${g.join(', ')}) ((${expr}) >= 0)` : `avg((${expr}) >= 0)`,
      totalFromBad: true,
      describe: `the error ratio ${sli.ratio.errorRatio}`,
    };
  }
  const gauge = sli.availability.gauge;
  return {
    kind: 'availability',
    total: agg(g, `count_over_time(${gauge}[5m])`),
    good: agg(g, `sum_over_time(${gauge}[5m])`),
    describe: `samples of ${gauge} that are not 1`,
  };
}
