/**
 * Alerts on an HTTP service's own RED metrics: the 5xx ratio with a minimum-traffic
 * guard, and a latency quantile from a classic histogram. Each alert carries the
 * scenarios its promtool tests run (fires, stays quiet below threshold and on low traffic).
 */
import { re2Examples, re2Regexp } from '../core/re2.ts';
import { Decimal, formatNumber } from '../core/decimal.ts';
import { durationMs, formatDuration } from '../core/duration.ts';
import type { AlertRule, AlertScenario, RecordingRule, Severity } from '../core/model.ts';
import { bucketQuantile, leLabel } from './histogram.ts';
import { counterValues, seriesSelector } from './series.ts';

export interface HttpMetricNames {
  requests: string;
  duration: string;
  codeLabel: string;
  /** Regex of error codes, e.g. `5..`. */
  errorCodes: string;
}

export interface HttpAlertTarget {
  service: string;
  job: string;
  metrics: HttpMetricNames;
  /** Declared histogram buckets (upper bounds, seconds, without +Inf). */
  buckets: number[];
  runbookUrl: (alert: string) => string;
  dashboardUrl?: string;
}

export interface ErrorRatioAlertProps {
  name: string;
  above: number;
  for: string;
  severity: Severity;
  /** Below this many requests per second the ratio is not judged. */
  minRate: number;
  window: string;
}

export interface LatencyAlertProps {
  name: string;
  quantile: number;
  /** Threshold in seconds. */
  above: number;
  for: string;
  severity: Severity;
  minRate: number;
  window: string;
}

const STEPS = 40; // 40 one-minute samples: long enough for any `for` up to 30m plus the window

function steadyAt(forDur: string, window: string): string {
  // Past the window (rate needs it full) and past `for`, plus two evaluation steps of slack.
  return formatDuration(durationMs(window) + durationMs(forDur) + 2 * 60_000);
}

function checkScenarioLength(at: string): void {
  if (durationMs(at) > (STEPS - 1) * 60_000) throw new Error(`scenario too long for ${STEPS} samples: ${at}`);
}

/** Recording rules shared by the alerts and the service dashboard. */
export function httpRecordingRules(t: HttpAlertTarget, window: string, source: string): RecordingRule[] {
  const sel = `job=${JSON.stringify(t.job)}`;
  const errSel = `${sel},${t.metrics.codeLabel}=~${JSON.stringify(t.metrics.errorCodes)}`;
  const w = window;
  return [
    {
      kind: 'record',
      name: `job:${t.metrics.requests.replace(/_total$/, '')}:rate${w}`,
      expr: `sum by (job) (rate(${t.metrics.requests}{${sel}}[${w}]))`,
      source,
    },
    {
      kind: 'record',
      name: `job:${t.metrics.requests.replace(/_total$/, '')}_errors:rate${w}`,
      expr: `sum by (job) (rate(${t.metrics.requests}{${errSel}}[${w}]))`,
      source,
    },
  ];
}

export function requestRateRecord(t: HttpAlertTarget, window: string): string {
  return `job:${t.metrics.requests.replace(/_total$/, '')}:rate${window}`;
}

export function errorRateRecord(t: HttpAlertTarget, window: string): string {
  return `job:${t.metrics.requests.replace(/_total$/, '')}_errors:rate${window}`;
}

export function errorRatioAlert(t: HttpAlertTarget, p: ErrorRatioAlertProps, source: string): AlertRule {
  const totalRecord = requestRateRecord(t, p.window);
  const errorsRecord = errorRateRecord(t, p.window);
  const sel = `{job=${JSON.stringify(t.job)}}`;
  const minRate = formatNumber(p.minRate);
  // The guard sits in the denominator: below minRate (or at zero traffic) there is no sample, never NaN.
  const expr = `${errorsRecord}${sel}\n  / on (job)\n(${totalRecord}${sel} > ${p.minRate > 0 ? minRate : '0'})\n> ${formatNumber(p.above)}`;
  const labels = { job: t.job };
  const errCode = pickCode(t.metrics.errorCodes, ['500', '503', '502', '504', '429', '400', '404']);
  const okCode = pickCode(t.metrics.errorCodes, ['200', '204', '302'], false);
  const series = (okPerSec: number, errPerSec: number) => [
    { series: seriesSelector(t.metrics.requests, { job: t.job, [t.metrics.codeLabel]: okCode }), values: counterValues(okPerSec * 60, STEPS) },
    { series: seriesSelector(t.metrics.requests, { job: t.job, [t.metrics.codeLabel]: errCode }), values: counterValues(errPerSec * 60, STEPS) },
  ];
  const at = steadyAt(p.for, p.window);
  checkScenarioLength(at);
  // Whole requests per second, so every rate Prometheus computes is an exact integer.
  const total = Math.max(100, Math.ceil(p.minRate * 4));
  const failing = Math.min(total, Math.ceil(total * 2 * p.above));
  const quietFailing = Math.floor(total * p.above * 0.5);
  const tests: AlertScenario[] = [
    {
      name: `fires when ${failing} of ${total} requests/s fail`,
      series: series(total - failing, failing),
      checks: [
        ...(durationMs(p.for) >= 60_000 ? [{ at: p.for, firing: [] }] : []),
        { at, firing: [{ labels, value: failing / total }] },
      ],
    },
    { name: 'stays quiet below the threshold', series: series(total - quietFailing, quietFailing), checks: [{ at, firing: [] }] },
  ];
  if (p.minRate > 0) {
    // Every request fails, but traffic is under the guard.
    tests.push({ name: 'stays quiet under the minimum traffic', series: series(0, p.minRate / 2), checks: [{ at, firing: [] }] });
  }
  tests.push({ name: 'stays quiet with no traffic', series: series(0, 0), checks: [{ at, firing: [] }] });
  return {
    kind: 'alert',
    name: p.name,
    expr,
    for: p.for,
    labels: { severity: p.severity, service: t.service },
    annotations: {
      summary: `${t.service}: ${formatNumber(Decimal.from(p.above).mul(100))}% or more of requests fail`,
      description: `{{ $value | humanizePercentage }} of requests to ${t.service} (job {{ $labels.job }}) returned ${t.metrics.errorCodes} over the last ${p.window}.`,
      runbook_url: t.runbookUrl(p.name),
      ...(t.dashboardUrl ? { dashboard_url: t.dashboardUrl } : {}),
    },
    runbook: {
      meaning: `The share of ${t.service} requests answered with ${t.metrics.codeLabel}=~"${t.metrics.errorCodes}" has been above ${formatNumber(Decimal.from(p.above).mul(100))}% for ${p.for}, with at least ${minRate} requests/s.`,
      impact: 'Users see failed requests; retries multiply load on the service and its dependencies.',
      diagnosis: [
        { title: 'Error ratio by code', query: `sum by (${t.metrics.codeLabel}) (rate(${t.metrics.requests}{job="${t.job}",${t.metrics.codeLabel}=~"${t.metrics.errorCodes}"}[5m])) / ignoring(${t.metrics.codeLabel}) group_left sum(rate(${t.metrics.requests}{job="${t.job}"}[5m]))` },
        { title: 'Which instances fail', query: `sum by (instance) (rate(${t.metrics.requests}{job="${t.job}",${t.metrics.codeLabel}=~"${t.metrics.errorCodes}"}[5m]))` },
        { title: 'Are targets up', query: `up{job="${t.job}"}` },
      ],
      mitigation: [
        'Check recent deploys and configuration changes; roll back if the errors started with one.',
        'Check the dependencies (database, cache) for errors or saturation.',
        'If one instance is failing, take it out of the load balancer.',
      ],
    },
    tests,
    source,
  };
}

/** Cumulative bucket counts with every observation just above `lo`. */
function bucketCounts(buckets: number[], lo: number, perSec: number): { le: number; count: number }[] {
  return [...buckets, Infinity].map((le) => ({ le, count: le > lo ? perSec : 0 }));
}

export function latencyAlert(t: HttpAlertTarget, p: LatencyAlertProps, source: string): AlertRule {
  const sel = `job=${JSON.stringify(t.job)}`;
  const bucket = `${t.metrics.duration}_bucket`;
  const count = `${t.metrics.duration}_count`;
  const q = formatNumber(p.quantile);
  const guard = p.minRate > 0 ? formatNumber(p.minRate) : '0';
  const expr =
    `histogram_quantile(${q}, sum by (job, le) (rate(${bucket}{${sel}}[${p.window}])))\n` +
    `> ${formatNumber(p.above)}\n` +
    `and on (job)\nsum by (job) (rate(${count}{${sel}}[${p.window}])) > ${guard}`;
  const labels = { job: t.job };
  const buckets = [...t.buckets].sort((a, b) => a - b);
  // Fire: every observation in the first bucket whose lower edge is at or above the threshold.
  const loIndex = buckets.findIndex((le) => le >= p.above);
  const perSec = Math.max(100, Math.ceil(p.minRate * 4));
  const seriesFor = (lo: number, obsPerSec: number) => {
    const counts = bucketCounts(buckets, lo, obsPerSec);
    return [
      ...counts.map((c) => ({ series: seriesSelector(bucket, { job: t.job, le: leLabel(c.le) }), values: counterValues(c.count * 60, STEPS) })),
      { series: seriesSelector(count, { job: t.job }), values: counterValues(obsPerSec * 60, STEPS) },
    ];
  };
  const at = steadyAt(p.for, p.window);
  checkScenarioLength(at);
  const tests: AlertScenario[] = [];
  if (loIndex >= 0 && loIndex < buckets.length - 1) {
    const lo = buckets[loIndex]!;
    const rates = bucketCounts(buckets, lo, perSec);
    tests.push({
      name: `fires when p${formatNumber(p.quantile * 100)} is above ${formatNumber(p.above)}s`,
      series: seriesFor(lo, perSec),
      checks: [
        ...(durationMs(p.for) >= 60_000 ? [{ at: p.for, firing: [] }] : []),
        { at, firing: [{ labels, value: bucketQuantile(p.quantile, rates) }] },
      ],
    });
  }
  tests.push({ name: 'stays quiet when requests are fast', series: seriesFor(0, perSec), checks: [{ at, firing: [] }] });
  if (loIndex >= 0 && loIndex < buckets.length - 1 && p.minRate > 0) {
    tests.push({ name: 'stays quiet under the minimum traffic', series: seriesFor(buckets[loIndex]!, p.minRate / 2), checks: [{ at, firing: [] }] });
  }
  return {
    kind: 'alert',
    name: p.name,
    expr,
    for: p.for,
    labels: { severity: p.severity, service: t.service },
    annotations: {
      summary: `${t.service}: p${formatNumber(p.quantile * 100)} latency above ${formatNumber(p.above)}s`,
      description: `The ${formatNumber(p.quantile * 100)}th percentile latency of ${t.service} (job {{ $labels.job }}) is {{ $value | humanizeDuration }} over the last ${p.window}.`,
      runbook_url: t.runbookUrl(p.name),
      ...(t.dashboardUrl ? { dashboard_url: t.dashboardUrl } : {}),
    },
    runbook: {
      meaning: `The p${formatNumber(p.quantile * 100)} request latency of ${t.service} has been above ${formatNumber(p.above)}s for ${p.for}.`,
      impact: 'Requests are slow; clients may time out and retry.',
      diagnosis: [
        { title: 'Latency quantiles', query: `histogram_quantile(${q}, sum by (le) (rate(${bucket}{${sel}}[5m])))` },
        { title: 'Latency by instance', query: `histogram_quantile(${q}, sum by (instance, le) (rate(${bucket}{${sel}}[5m])))` },
        { title: 'Request rate', query: `sum(rate(${count}{${sel}}[5m]))` },
      ],
      mitigation: [
        'Check saturation: CPU, memory, connection pools of the service and its database.',
        'Check for slow dependencies (database queries, cache misses).',
        'Scale out if traffic grew beyond capacity.',
      ],
    },
    tests,
    source,
  };
}

/**
 * The first candidate status code the regex matches (or, with `matching` false, does not),
 * read as Prometheus reads it (fully anchored RE2, src/core/re2.ts); then strings the regex
 * itself generates. (JavaScript's RegExp misreads RE2's `(?i)` and `[[:digit:]]`.)
 */
function pickCode(regex: string, candidates: string[], matching = true): string {
  const re = re2Regexp(regex);
  if (typeof re === 'string') return candidates[0]!;
  return [...candidates, ...(matching ? re2Examples(regex) : [])].find((c) => re.test(c) === matching) ?? candidates[0]!;
}
