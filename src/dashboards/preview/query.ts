/** Evaluates dashboard queries against a Prometheus HTTP API, with Grafana's variables filled in. */
import { durationMs } from '../../core/duration.ts';

export interface Series {
  labels: Record<string, string>;
  /** [unix seconds, value] pairs; NaN for non-numeric samples. */
  points: [number, number][];
}

export interface QueryResult {
  series: Series[];
  error?: string;
}

export interface TimeRange {
  /** Unix seconds. */
  start: number;
  end: number;
  step: number;
}

/** `now-6h` -> seconds of the range; other forms fall back to 6 hours. */
export function relativeRangeSeconds(from: unknown): number {
  if (typeof from === 'string') {
    const m = /^now-(\d+[smhdwy])$/.exec(from);
    if (m) return durationMs(m[1]!) / 1000;
  }
  return 6 * 3600;
}

/** Grafana's $__rate_interval: max(4 x scrape interval, step + scrape interval). */
export function rateInterval(stepS: number, scrapeS: number): number {
  return Math.max(4 * scrapeS, stepS + scrapeS);
}

export interface VariableValues {
  [name: string]: string;
}

/** Fills Grafana variables into a query for evaluation outside Grafana. */
export function interpolate(expr: string, vars: VariableValues, range: TimeRange, scrapeS: number): string {
  const rangeS = Math.max(1, Math.round(range.end - range.start));
  const builtins: Record<string, string> = {
    __rate_interval: `${rateInterval(range.step, scrapeS)}s`,
    __interval: `${range.step}s`,
    __interval_ms: String(range.step * 1000),
    __range: `${rangeS}s`,
    __range_s: String(rangeS),
    __range_ms: String(rangeS * 1000),
  };
  return expr.replace(/\$\{(\w+)(?::[\w]+)?\}|\$(\w+)|\[\[(\w+)(?::\w+)?\]\]/g, (whole, a?: string, b?: string, c?: string) => {
    const name = (a ?? b ?? c)!;
    return builtins[name] ?? vars[name] ?? whole;
  });
}

async function getJson(url: string, timeoutMs: number): Promise<unknown> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  const body = (await res.json().catch(() => ({}))) as { status?: string; error?: string; data?: unknown };
  if (!res.ok || body.status !== 'success') throw new Error(body.error ?? `HTTP ${res.status}`);
  return body.data;
}

/** Runs one query: a range query, or an instant query at the end of the range. */
export async function runQuery(baseUrl: string, expr: string, instant: boolean, range: TimeRange, timeoutMs = 15000): Promise<QueryResult> {
  const base = baseUrl.replace(/\/+$/, '');
  try {
    if (instant) {
      const data = (await getJson(`${base}/api/v1/query?${new URLSearchParams({ query: expr, time: String(range.end) })}`, timeoutMs)) as {
        resultType: string;
        result: unknown;
      };
      if (data.resultType === 'scalar') {
        const [t, v] = data.result as [number, string];
        return { series: [{ labels: {}, points: [[t, Number(v)]] }] };
      }
      const result = (data.result as { metric: Record<string, string>; value: [number, string] }[]) ?? [];
      return { series: result.map((r) => ({ labels: r.metric, points: [[r.value[0], Number(r.value[1])]] })) };
    }
    const q = new URLSearchParams({ query: expr, start: String(range.start), end: String(range.end), step: String(range.step) });
    const data = (await getJson(`${base}/api/v1/query_range?${q}`, timeoutMs)) as { result: { metric: Record<string, string>; values: [number, string][] }[] };
    return { series: (data.result ?? []).map((r) => ({ labels: r.metric, points: r.values.map(([t, v]) => [t, Number(v)] as [number, number]) })) };
  } catch (e) {
    return { series: [], error: (e as Error).message };
  }
}

/** Grafana legend format: `{{label}}` replaced; `__auto` / empty gives the series' label set. */
export function legendName(format: string | undefined, labels: Record<string, string>): string {
  if (!format || format === '__auto') {
    const { __name__: name, ...rest } = labels;
    const inner = Object.keys(rest)
      .sort()
      .map((k) => `${k}="${rest[k]}"`)
      .join(', ');
    return inner ? `${name ?? ''}{${inner}}` : (name ?? 'value');
  }
  return format.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k: string) => labels[k] ?? '');
}
