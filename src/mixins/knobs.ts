/**
 * Zod helpers for mixin configs: every alert is an object of knobs with defaults
 * (name, for, severity and its thresholds) or `false` to turn it off, and a stack
 * overrides any knob in one place: `haproxy({ errorRatio: { above: 0.02 } })`.
 */
import { z } from 'zod';
import type { Severity } from '../core/model.ts';
import { alertName, duration, severity, target } from '../core/schema.ts';

export interface KnobDefaults {
  name: string;
  for: string;
  severity: Severity;
}

/**
 * An alert's config: `{ name, for, severity, ...thresholds }` with defaults, or `false`.
 * Omitted, it takes every default.
 */
export function alertKnob<T extends z.ZodRawShape>(d: KnobDefaults, shape: T) {
  const obj = z
    .object({
      /** Alert name. */
      name: alertName.default(d.name),
      /** How long the condition must hold. */
      for: duration.default(d.for),
      severity: severity.default(d.severity),
      ...shape,
    })
    .strict();
  return z.union([obj, z.literal(false)]).prefault({} as z.input<typeof obj>);
}

/** A scrape job name. */
export const jobName = z.string().regex(/^[a-zA-Z0-9_.:-]+$/, 'is not a usable job name');

/** A ratio strictly between 0 and 1. */
export const ratio = z.number().gt(0).lt(1);

/** dashboard_url of a panel of the mixin's dashboard, by title (undefined without a dashboard). */
export function panelLinker(
  ctx: { dashboardUrl(uid: string, panelId?: number): string },
  uid: string,
  panelIds: Map<string, number> | undefined,
): (title: string) => string | undefined {
  return (title) => {
    if (!panelIds) return undefined;
    const id = panelIds.get(title);
    if (id === undefined) throw new Error(`dashboard ${uid} has no panel titled ${JSON.stringify(title)}`);
    return ctx.dashboardUrl(uid, id);
  };
}

/**
 * The props every exporter-backed mixin shares: its targets, job, whether it owns the
 * job, the `service` label of its alerts, scrape interval and dashboard switch.
 */
export const exporterJobFields = (job: string, component: string) => ({
  /** Exporter endpoints, host:port. Omit with `ownJob: false`. */
  targets: z.array(target).min(1).optional(),
  /** Job name, also the rule group name. */
  job: jobName.default(job),
  /** Set to false when the job is defined elsewhere (e.g. a Kubernetes pods job). @default true */
  ownJob: z.boolean().default(true),
  /** `service` label of the alerts. */
  component: z.string().min(1).default(component),
  scrapeInterval: duration.optional(),
  /** Generate the dashboard. @default true */
  dashboard: z.boolean().default(true),
});
