/**
 * Free-form alert and recording rules for what no factory covers. A free-form alert
 * must bring its own test scenarios (at least one where it fires, one where it stays
 * quiet): obsgen cannot guess what input makes an arbitrary expression fire.
 */
import { z } from 'zod';
import type { AlertRule, RecordingRule, RuleGroup } from '../core/model.ts';
import { alertName, duration, labels, severity } from '../core/schema.ts';
import { RECORDING_NAME_HINT, RECORDING_NAME_RE } from '../core/names.ts';
import { joinPath } from '../core/diagnostics.ts';

const inputSeries = z.object({ series: z.string().min(1), values: z.string().min(1) }).strict();

export const alertTestSchema = z
  .object({
    name: z.string().min(1),
    /** Step between samples. @default '1m' */
    interval: duration.optional(),
    series: z.array(inputSeries),
    /** When to check, from the start of the series. */
    at: duration,
    /** Alerts expected at `at`: the expression's output labels and value. Empty: must stay quiet. */
    firing: z.array(z.object({ labels: z.record(z.string(), z.string()).default({}), value: z.number() }).strict()),
  })
  .strict();

export const customAlertSchema = z
  .object({
    name: alertName,
    /** Rule group (and file) the alert goes to. @default 'custom' */
    group: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'is not a group name (lowercase, digits, - and _)').default('custom'),
    expr: z.string().min(1),
    /** How long the condition must hold. Required: an alert without it fires on a single bad scrape. */
    for: duration,
    keepFiringFor: duration.optional(),
    severity,
    /**
     * This alert is one severity tier of the free-form alerts of its name (e.g. a warning
     * and a critical rule with different thresholds). Without it, two alerts of one name
     * are an error. @default false
     */
    tier: z.boolean().default(false),
    /** `service` label. @default the stack name */
    service: z.string().optional(),
    labels: labels.optional(),
    summary: z.string().min(1),
    description: z.string().min(1),
    /** @default the bundle's runbooks/<name>.md under links.runbookBaseUrl */
    runbookUrl: z.string().optional(),
    dashboardUrl: z.string().optional(),
    runbook: z
      .object({
        meaning: z.string(),
        impact: z.string(),
        diagnosis: z.array(z.object({ title: z.string(), query: z.string() }).strict()).default([]),
        mitigation: z.array(z.string()).default([]),
      })
      .strict()
      .optional(),
    tests: z.array(alertTestSchema).superRefine((tests, ctx) => {
      if (!tests.some((t) => t.firing.length > 0)) {
        ctx.addIssue({ code: 'custom', input: tests.length, message: 'needs a test where the alert fires', params: { hint: 'add { name, series, at, firing: [{ labels, value }] }' } });
      }
      if (!tests.some((t) => t.firing.length === 0)) {
        ctx.addIssue({ code: 'custom', input: tests.length, message: 'needs a test where the alert stays quiet', params: { hint: 'add { name, series, at, firing: [] }' } });
      }
    }),
  })
  .strict();

export type CustomAlertProps = z.input<typeof customAlertSchema>;

export const recordingGroupSchema = z
  .object({
    group: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'is not a group name (lowercase, digits, - and _)'),
    interval: duration.optional(),
    rules: z
      .array(
        z
          .object({
            record: z.string().refine((v) => RECORDING_NAME_RE.test(v), { message: 'is not a level:metric:operations name', params: { hint: RECORDING_NAME_HINT } }),
            expr: z.string().min(1),
            labels: labels.optional(),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

export type RecordingGroupProps = z.input<typeof recordingGroupSchema>;

export function customAlertRule(
  a: z.output<typeof customAlertSchema>,
  stack: string,
  runbookUrl: (name: string) => string,
  source: string,
): AlertRule {
  return {
    kind: 'alert',
    name: a.name,
    expr: a.expr,
    for: a.for,
    ...(a.keepFiringFor ? { keepFiringFor: a.keepFiringFor } : {}),
    labels: { ...(a.labels ?? {}), severity: a.severity, service: a.service ?? stack },
    annotations: {
      summary: a.summary,
      description: a.description,
      runbook_url: a.runbookUrl ?? runbookUrl(a.name),
      ...(a.dashboardUrl ? { dashboard_url: a.dashboardUrl } : {}),
    },
    ...(a.runbook ? { runbook: a.runbook } : {}),
    tests: a.tests.map((t) => ({
      name: t.name,
      ...(t.interval ? { interval: t.interval } : {}),
      series: t.series,
      checks: [{ at: t.at, firing: t.firing }],
    })),
    source,
    // Declared tiers of one name are one alert; any other free-form alert is its own.
    tierOf: a.tier ? `alerts ${a.name}` : source,
  };
}

export function recordingGroups(groups: z.output<typeof recordingGroupSchema>[], basePath: string): RuleGroup[] {
  return groups.map((g, i) => ({
    name: g.group,
    ...(g.interval ? { interval: g.interval } : {}),
    rules: g.rules.map(
      (r, j): RecordingRule => ({
        kind: 'record',
        name: r.record,
        expr: r.expr,
        ...(r.labels ? { labels: r.labels } : {}),
        source: joinPath(basePath, i, 'rules', j),
      }),
    ),
    source: joinPath(basePath, i),
  }));
}
