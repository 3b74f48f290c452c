/**
 * What the exporter-backed mixins (host, postgres, mysql, redis, kafka) share: targets
 * that may leave out the port (the catalog's default port is added), the scrape job built
 * from the catalog's defaults, and the dashboard and panel links of their alerts.
 */
import { z } from 'zod';
import type { BuildContext } from '../core/component.ts';
import type { ComposeService, ScrapeJob } from '../core/model.ts';
import { dashboardUid, isValidTarget, TARGET_HINT } from '../core/names.ts';
import { alertName, duration, percentNotFraction } from '../core/schema.ts';
import { exporterDefaults } from '../scrape/catalog/index.ts';
import { toScrapeJob } from '../scrape/jobs.ts';
import { panelLinker } from './knobs.ts';
import type { MixinTarget } from '../alerts/rulekit.ts';

/** `host:port`, or a bare host that gets the exporter's default port. */
export const exporterTarget = z.string().refine((v) => isValidTarget(v) || isValidTarget(`${v}:1`), {
  message: 'is not a host or host:port target',
  params: { hint: `${TARGET_HINT}; a bare host gets the exporter's default port` },
});

export function withDefaultPort(targets: string[], exporter: string): string[] {
  const port = exporterDefaults(exporter).port;
  return targets.map((t) => (isValidTarget(t) || port === undefined ? t : `${t}:${port}`));
}

export interface ExporterJobProps {
  targets?: string[];
  job: string;
  ownJob: boolean;
  scrapeInterval?: string;
  metricsPath?: string;
}

/** The mixin's scrape job (or a diagnostic when it has no targets and owns its job). */
export function exporterScrapeJob(p: ExporterJobProps, exporter: string, ctx: BuildContext, what: string): ScrapeJob | undefined {
  if (!p.ownJob) return undefined;
  const d = exporterDefaults(exporter);
  if (!p.targets?.length) {
    ctx.diag.error(`${ctx.path}.targets`, 'no-targets', `${what} has no targets`, {
      hint: `give targets: ["host:${d.port ?? 'port'}"], or ownJob: false with job: <a job defined elsewhere>`,
    });
    return undefined;
  }
  const path = p.metricsPath ?? d.path;
  return toScrapeJob(
    {
      name: p.job,
      targets: withDefaultPort(p.targets, exporter),
      ...(p.scrapeInterval ? { scrapeInterval: p.scrapeInterval } : {}),
      ...(path !== '/metrics' ? { metricsPath: path } : {}),
      exporter,
    },
    ctx.path,
  );
}

/** The first target (with its port), the `instance` label of test fixtures. */
export function fixtureInstance(targets: string[] | undefined, exporter: string, job: string): string {
  const port = exporterDefaults(exporter).port ?? 80;
  return withDefaultPort([targets?.[0] ?? `${job}:${port}`], exporter)[0]!;
}

/** The alert target of a mixin whose dashboard (when built) has the given panel ids. */
export function mixinTarget(ctx: BuildContext, component: string, job: string, uid: string, panelIds: Map<string, number> | undefined): MixinTarget {
  return { component, job, runbookUrl: ctx.runbookUrl, panelUrl: panelLinker(ctx, uid, panelIds) };
}

export function mixinDashboardUid(ctx: BuildContext, kind: string, job: string): string {
  return dashboardUid(ctx.stack.name, kind, job);
}

/** A compose container running the exporter, ports published on 127.0.0.1 by the emitter. */
export function exporterContainer(p: { name: string; image: string; exporter: string; command?: string[]; environment?: Record<string, string>; secrets?: string[] }, source: string): ComposeService {
  return {
    name: p.name,
    image: p.image,
    exporter: p.exporter,
    ...(p.command ? { command: p.command } : {}),
    ...(p.environment ? { environment: p.environment } : {}),
    ...(p.secrets ? { secrets: p.secrets } : {}),
    source,
  };
}

/**
 * A warning/critical alert's config: `{ name, for, warning, critical }` with defaults
 * (a tier is off with `false`), or `false` for the whole alert.
 */
export function tierKnob(d: { name: string; for: string; warning: number | false; critical: number | false }, max = 100) {
  const number = z.number().gt(0).lt(max);
  // Levels of 100 at most are percents: 0.8 for 80% would fire at 0.8%.
  const level = z.union([max === 100 ? percentNotFraction(number) : number, z.literal(false)]);
  const obj = z
    .object({
      /** Alert name, shared by both tiers. */
      name: alertName.default(d.name),
      for: duration.default(d.for),
      /** Threshold of the warning tier, or false. */
      warning: level.default(d.warning),
      /** Threshold of the critical tier, or false. */
      critical: level.default(d.critical),
    })
    .strict()
    .refine((v) => v.warning === false || v.critical === false || v.warning < v.critical, {
      message: 'the warning threshold must be below the critical one',
      path: ['warning'],
      params: { hint: 'e.g. { warning: 80, critical: 90 }' },
    })
    .refine((v) => v.warning !== false || v.critical !== false, {
      message: 'both tiers are off',
      path: ['critical'],
      params: { hint: 'to turn the alert off, give false instead of the object' },
    });
  return z.union([obj, z.literal(false)]).prefault({} as z.input<typeof obj>);
}
