/**
 * Warning/critical pairs of one alert (kube-prometheus style): both tiers share the
 * alert name and differ in severity and threshold, so Alertmanager's default inhibit
 * rule (critical mutes warning of the same alertname and service) keeps one page.
 * The pair's promtool scenarios know about each other: above the critical threshold both
 * rules fire, and the tests expect both.
 */
import { formatNumber } from '../core/decimal.ts';
import { durationMs } from '../core/duration.ts';
import type { AlertRule, AlertScenario, InputSeries, Labels, RunbookContent, Severity } from '../core/model.ts';
import { fireAt, firingChecks, mixinAlert, quiet, stepsFor, type MixinTarget } from './rulekit.ts';

export interface TierKnobs {
  name: string;
  for: string;
  /** Threshold of the warning tier, or false for none. */
  warning: number | false;
  /** Threshold of the critical tier, or false for none. */
  critical: number | false;
}

export interface TierParts {
  expr(threshold: number): string;
  summary(threshold: number, severity: Severity): string;
  description: string;
  panel?: string;
  runbook(k: TierKnobs): RunbookContent;
}

export interface TierFixture {
  /** Output labels of the expression in the fixtures. */
  labels: Labels;
  /** Input series that put the expression's value at `level`, with the value Prometheus computes. */
  at(level: number, steps: number): { series: InputSeries[]; value: number };
  /** Largest meaningful level (100 for percentages). */
  max: number;
  /** Rate or prediction window that must be full before the alert can fire. @default '0s' */
  window?: string;
  /** Scenarios where the top tier would fire but a guard keeps every tier quiet. */
  guards?(level: number, steps: number, at: string): AlertScenario[];
  /** Step between samples of the scenarios. @default 1m */
  interval?: string;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

export function tieredAlerts(t: MixinTarget, k: TierKnobs, parts: TierParts, fx: TierFixture, source: string): AlertRule[] {
  const tiers: { severity: Severity; threshold: number }[] = [];
  if (k.warning !== false) tiers.push({ severity: 'warning', threshold: k.warning });
  if (k.critical !== false) tiers.push({ severity: 'critical', threshold: k.critical });
  tiers.sort((a, b) => a.threshold - b.threshold);
  const at = fireAt(k.for, fx.window ?? '0s');
  const n = fx.interval ? Math.ceil(durationMs(at) / durationMs(fx.interval)) + 5 : stepsFor(at);
  const rules = tiers.map((tier) =>
    mixinAlert(
      t,
      { name: k.name, for: k.for, severity: tier.severity },
      {
        expr: parts.expr(tier.threshold),
        summary: parts.summary(tier.threshold, tier.severity),
        description: parts.description,
        ...(parts.panel ? { panel: parts.panel } : {}),
        runbook: parts.runbook(k),
        tests: [],
      },
      source,
    ),
  );
  const withInterval = (s: AlertScenario): AlertScenario => (fx.interval ? { ...s, interval: fx.interval } : s);
  const low = tiers[0]!.threshold;
  const below = fx.at(round(low / 2), n);
  tiers.forEach((tier, i) => {
    const next = tiers[i + 1]?.threshold ?? fx.max;
    const level = round((tier.threshold + next) / 2);
    const f = fx.at(level, n);
    const firing = rules.slice(0, i + 1).map((r) => ({
      labels: fx.labels,
      value: f.value,
      ...(r === rules[i] ? {} : { rule: { labels: r.labels, annotations: r.annotations } }),
    }));
    const rule = rules[i]!;
    rule.tests.push(withInterval({ name: `fires at ${formatNumber(level)} (${tier.severity} above ${formatNumber(tier.threshold)})`, series: f.series, checks: firingChecks(k.for, at, firing) }));
    rule.tests.push(withInterval(quiet(`stays quiet at ${formatNumber(round(low / 2))}`, below.series, at)));
    if (i === tiers.length - 1 && fx.guards) {
      for (const g of fx.guards(round((tier.threshold + fx.max) / 2), n, at)) rule.tests.push(withInterval(g));
    }
  });
  return rules;
}
