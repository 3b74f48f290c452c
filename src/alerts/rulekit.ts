/**
 * Small helpers the mixin alert factories share: an AlertRule from its parts (labels
 * severity + service, summary, description, runbook_url, dashboard_url), and promtool
 * input series in minutes (one sample a minute, integer steps so every rate is exact).
 */
import { durationMs, formatDuration } from '../core/duration.ts';
import type { AlertCheck, AlertRule, AlertScenario, InputSeries, Labels, RunbookContent, Severity } from '../core/model.ts';
import { counterValues, gaugeValues, seriesSelector } from './series.ts';

/** What every mixin alert needs to know about where it lives. */
export interface MixinTarget {
  /** `service` label of the alerts. */
  component: string;
  /** Scrape job the expressions select. */
  job: string;
  runbookUrl: (alert: string) => string;
  /** dashboard_url of a panel, by panel title; undefined when the mixin has no dashboard. */
  panelUrl: (panelTitle: string) => string | undefined;
}

/** The knobs every alert of a mixin has. */
export interface AlertKnobs {
  name: string;
  for: string;
  severity: Severity;
}

export interface AlertParts {
  expr: string;
  summary: string;
  description: string;
  /** Title of the dashboard panel that shows the signal. */
  panel?: string;
  runbook: RunbookContent;
  tests: AlertScenario[];
}

export function mixinAlert(t: MixinTarget, k: AlertKnobs, parts: AlertParts, source: string): AlertRule {
  const dashboardUrl = parts.panel ? t.panelUrl(parts.panel) : undefined;
  return {
    kind: 'alert',
    name: k.name,
    expr: parts.expr,
    for: k.for,
    labels: { severity: k.severity, service: t.component },
    annotations: {
      summary: parts.summary,
      description: parts.description,
      runbook_url: t.runbookUrl(k.name),
      ...(dashboardUrl ? { dashboard_url: dashboardUrl } : {}),
    },
    runbook: parts.runbook,
    tests: parts.tests,
    source,
  };
}

/** `job="x"` plus extra matchers, for use inside `{...}`. */
export function sel(job: string, ...extra: string[]): string {
  return [`job=${JSON.stringify(job)}`, ...extra].join(',');
}

/** Minutes from the start of a scenario until an alert with `for` has surely fired: window + for + 2m. */
export function fireAt(forDur: string, windowDur = '0s'): string {
  return formatDuration(durationMs(windowDur) + durationMs(forDur) + 2 * 60_000);
}

/** Samples (one a minute) a scenario checking at `at` needs, with margin. */
export function stepsFor(at: string): number {
  return Math.ceil(durationMs(at) / 60_000) + 5;
}

export function gauge(metric: string, labels: Labels, value: number, steps: number): InputSeries {
  return { series: seriesSelector(metric, labels), values: gaugeValues(value, steps) };
}

/** A counter growing by `perSecond * 60` each minute: its rate is exactly `perSecond`. */
export function counter(metric: string, labels: Labels, perSecond: number, steps: number): InputSeries {
  return { series: seriesSelector(metric, labels), values: counterValues(perSecond * 60, steps) };
}

/**
 * The usual pair of checks of a firing scenario: still pending half-way through `for`
 * (when `for` is at least 2m), firing at `at`.
 */
export function firingChecks(forDur: string, at: string, firing: AlertCheck['firing']): AlertCheck[] {
  const forMs = durationMs(forDur);
  // The condition holds from the first minute at the latest: half of `for` later it is at most pending.
  const pendingAt = Math.floor(forMs / 2 / 60_000) * 60_000;
  return [...(forMs >= 120_000 ? [{ at: formatDuration(pendingAt), firing: [] }] : []), { at, firing }];
}

/** A quiet scenario: the series, checked at `at`. */
export function quiet(name: string, series: InputSeries[], at: string): AlertScenario {
  return { name, series, checks: [{ at, firing: [] }] };
}
