/**
 * SLO props: the objective, windows, grouping labels, the SLI (one of five kinds) and the
 * alerting policy. Shared by the standalone `slo({...})` and `httpService({ slos: [...] })`.
 */
import { z } from 'zod';
import { alertName, duration, labelName, labels, metricName, objectivePercent, percentNotFraction, severity } from '../core/schema.ts';

export const SLO_NAME_RE = /^[a-z0-9]([a-z0-9_-]*[a-z0-9])?$/;

/** One multi-window burn-rate pair: alert when both windows burn faster than the factor. */
export const burnPairSchema = z
  .object({
    /** Long window, e.g. `1h`. */
    long: duration,
    /** Short window, e.g. `5m` (the Workbook uses 1/12 of the long window). */
    short: duration,
    /** Share of the period's error budget (percent) spent when the long window fires. The factor is budget% x period / long. */
    budget: objectivePercent,
    /** @default 'critical' for the first two pairs, 'warning' for the rest */
    severity: severity.optional(),
  })
  .strict();

export type BurnPairProps = z.input<typeof burnPairSchema>;

const selector = z.string().min(1);

export const sliSchema = z.union([
  z
    .object({
      /** Error ratio of an httpService's request counter (only inside httpService slos). */
      errorRatio: z
        .object({
          /** Regex of error codes. @default the service's metrics.errorCodes */
          errorCodes: z.string().optional(),
        })
        .strict(),
    })
    .strict(),
  z
    .object({
      /** Event counters as series selectors, e.g. `http_requests_total{job="api"}`: `total` and one of `good` or `bad`. */
      events: z
        .object({ good: selector.optional(), bad: selector.optional(), total: selector })
        .strict()
        .refine((e) => (e.good === undefined) !== (e.bad === undefined), { message: 'give exactly one of good or bad', params: { hint: 'events: { bad: "...", total: "..." } or { good: "...", total: "..." }' } }),
    })
    .strict(),
  z
    .object({
      /** Share of requests at or under `below`, from a classic histogram. */
      latency: z
        .object({
          /** Threshold, a duration such as `300ms`; must be one of the declared buckets. */
          below: duration,
          /** Histogram base name (without _bucket). @default the service's metrics.duration */
          histogram: metricName.optional(),
          /** Label matchers selecting the histogram, e.g. `job="api"`. @default the service's job */
          matchers: z.string().optional(),
          /** Declared buckets (seconds). @default the service's buckets */
          buckets: z.array(z.number().positive()).min(1).optional(),
        })
        .strict(),
    })
    .strict(),
  z
    .object({
      /** A raw error-ratio expression (0..1) with `{{window}}` where the range goes; judged per 5m, weighted by time. */
      ratio: z.object({ errorRatio: z.string().min(1) }).strict(),
    })
    .strict(),
  z
    .object({
      /** A 0/1 gauge such as `up{job="api"}` or `probe_success{...}`; the SLI is the share of samples at 1. */
      availability: z.object({ gauge: selector }).strict(),
    })
    .strict(),
]);

export const alertingSchema = z
  .object({
    /** Set to true to generate no alerts for this SLO. @default false */
    disabled: z.boolean().default(false),
    /**
     * Evaluate the pairs in rules shared by every SLO of the stack with the same windows, pairs
     * and grouping (alert `SLOBudgetBurn`, one rule per pair for all of them): a few rules instead
     * of four per SLO. `false`, a `name`, `labels` or `minEvents` give the SLO its own rules.
     * @default true
     */
    shared: z.boolean().default(true),
    /** Alert name of the SLO's own pair rules (implies `shared: false`). @default `<Service><Slo>BudgetBurn` */
    name: alertName.optional(),
    /** Burn-rate pairs. @default the SRE Workbook's four: 1h/5m 2%, 6h/30m 5% (critical), 1d/2h 10%, 3d/6h 10% (warning) */
    pairs: z.array(burnPairSchema).min(1).optional(),
    /** Severity of pairs without their own. @default critical for the first two, warning for the others */
    pageSeverity: severity.default('critical'),
    ticketSeverity: severity.default('warning'),
    /** Minimum events in the long window before a pair may fire (a low-traffic guard). @default 0 (off) */
    minEvents: z.number().nonnegative().default(0),
    /**
     * An alert when the SLI has had no series for `for` (a renamed metric, a target no longer
     * scraped). On by default: one shared `SLONoData` rule for every SLO (`for` 5m, warning);
     * giving it makes it the SLO's own rule; `false` turns it off. @default on, shared
     */
    noData: z.union([z.literal(false), z.object({ for: duration.default('5m'), severity: severity.default('warning') }).strict()]).optional(),
    /** Extra labels on the alerts (e.g. team). */
    labels: labels.optional(),
  })
  .strict();

export const sloBodySchema = z
  .object({
    /** Lowercase name, unique per service: the `slo` label. */
    name: z.string().regex(SLO_NAME_RE, 'is not an SLO name (lowercase letters, digits, - and _)'),
    description: z.string().optional(),
    owner: z.string().optional(),
    /** Objective in percent, e.g. 99.9 (exact decimal arithmetic: 99.9 gives a budget of 0.001). */
    objective: percentNotFraction(objectivePercent),
    /** Alerting (budget) window. @default '30d' */
    window: duration.default('30d'),
    /** Extra windows reported on the dashboard and as recorded series, e.g. ['7d', '28d']. @default [] */
    reportingWindows: z.array(duration).default([]),
    /** Labels the SLI is grouped by: one SLO instance (and alert) per value. @default [] */
    groupBy: z.array(labelName).default([]),
    sli: sliSchema,
    alerting: alertingSchema.default({ disabled: false, shared: true, pageSeverity: 'critical', ticketSeverity: 'warning', minEvents: 0 }),
    /** Generate the SLO dashboard. @default true */
    dashboard: z.boolean().default(true),
  })
  .strict();

/** The standalone `slo({...})`: an SLO of any service. */
export const sloSchema = sloBodySchema.extend({
  /** The `service` label of the SLO's rules and alerts. */
  service: z.string().regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, 'is not a lowercase service name'),
});

export type SloBodyProps = z.input<typeof sloBodySchema>;
export type SloBody = z.output<typeof sloBodySchema>;
export type SloProps = z.input<typeof sloSchema>;
export type SloConfig = z.output<typeof sloSchema>;
