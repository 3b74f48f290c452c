/**
 * httpService: a service that exposes RED metrics (a request counter with a status code
 * label and a latency histogram). Gives its scrape job, recording rules, error-ratio and
 * latency alerts with their tests, and a service dashboard.
 */
import { z } from 'zod';
import { defineComponent } from '../core/component.ts';
import { durationMs } from '../core/duration.ts';
import { emptyContribution, mergeContributions, type DeclaredMetric, type Rule } from '../core/model.ts';
import { alertName, duration, labelName, metricName, severity } from '../core/schema.ts';
import { dashboardUid, pascalCase, STATUS_CODE_LABELS } from '../core/names.ts';
import { Decimal } from '../core/decimal.ts';
import { parseWindow, windowName } from '../slo/windows.ts';
import { errorRatioAlert, httpRecordingRules, latencyAlert, type HttpAlertTarget } from '../alerts/http.ts';
import { SERVICE_PANELS, serviceDashboard } from '../dashboards/service.ts';
import { scrapeJobShape } from '../scrape/schema.ts';
import { toScrapeJob } from '../scrape/jobs.ts';
import { buildSlo } from '../slo/build.ts';
import { sloBodySchema } from '../slo/schema.ts';

/** prom-client's default buckets, in seconds. */
export const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const errorRatioSchema = z
  .object({
    /** Ratio of failed requests (0-1) above which the alert fires. */
    above: z.number().gt(0).lt(1),
    /** @default '5m' */
    for: duration.default('5m'),
    /** @default 'critical' */
    severity: severity.default('critical'),
    /** Requests per second below which the ratio is not judged. @default 0.1 */
    minRate: z.number().nonnegative().default(0.1),
    /** Rate window. @default '5m' */
    window: duration.default('5m'),
    /** @default `<Service>HighErrorRate` */
    name: alertName.optional(),
  })
  .strict();

const latencySchema = z
  .object({
    /** @default 0.95 */
    quantile: z.number().gt(0).lt(1).default(0.95),
    /** Threshold, a duration such as `2s` or `300ms`. */
    above: duration,
    /** @default '5m' */
    for: duration.default('5m'),
    /** @default 'warning' */
    severity: severity.default('warning'),
    /** @default 0.1 */
    minRate: z.number().nonnegative().default(0.1),
    /** @default '5m' */
    window: duration.default('5m'),
    /** @default `<Service>HighLatency` */
    name: alertName.optional(),
  })
  .strict();

export const httpServiceSchema = z
  .object({
    /** Service name: the `service` label of its alerts and the default job name. */
    name: z.string().regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, 'is not a lowercase service name'),
    /** Static targets (host:port). Use `scrape` for discovery, or `job` to reuse a job defined elsewhere. */
    targets: scrapeJobShape.shape.targets,
    /** Job name. @default name */
    job: z.string().optional(),
    /** @default the stack's scrape interval */
    scrapeInterval: duration.optional(),
    /** Any other scrape job setting (relabeling, auth, file or Kubernetes discovery). */
    scrape: scrapeJobShape.omit({ name: true }).partial().optional(),
    /** Set to false when the job is defined elsewhere in the stack (e.g. one Kubernetes pods job). @default true */
    ownJob: z.boolean().default(true),
    metrics: z
      .object({
        /** Request counter. @default 'http_requests_total' */
        requests: metricName.default('http_requests_total'),
        /** Latency histogram base name (without _bucket). @default 'http_request_duration_seconds' */
        duration: metricName.default('http_request_duration_seconds'),
        /** Label holding the status code. @default 'code' */
        codeLabel: labelName.default('code'),
        /** Regex of status codes that count as errors. @default '5..' */
        errorCodes: z.string().default('5..'),
      })
      .strict()
      .default({ requests: 'http_requests_total', duration: 'http_request_duration_seconds', codeLabel: 'code', errorCodes: '5..' }),
    /** Histogram buckets (upper bounds, seconds) the service declares. @default prom-client's defaults */
    buckets: z.array(z.number().positive()).min(1).default(DEFAULT_BUCKETS),
    alerts: z
      .object({
        errorRatio: z.union([errorRatioSchema, z.literal(false)]).optional(),
        latency: z.union([latencySchema, z.literal(false)]).optional(),
      })
      .strict()
      .default({}),
    /** Generate the service dashboard. @default true */
    dashboard: z.boolean().default(true),
    /** SLOs of this service; error-ratio and latency SLIs read its metrics, job and buckets. @default [] */
    slos: z.array(sloBodySchema).default([]),
  })
  .strict();

export type HttpServiceProps = z.input<typeof httpServiceSchema>;
export type HttpService = z.output<typeof httpServiceSchema>;

export const httpService = defineComponent('httpService', httpServiceSchema, (props, ctx) => {
  const out = emptyContribution();
  const jobName = props.job ?? props.name;
  const path = ctx.path;
  if (props.ownJob) {
    if (!props.targets && !props.scrape?.fileSd && !props.scrape?.kubernetesSd && !props.scrape?.kubernetes) {
      ctx.diag.error(`${path}.targets`, 'no-targets', `service ${props.name} has no targets`, {
        hint: 'give targets: ["host:port"], scrape: { fileSd } / { kubernetesSd }, or ownJob: false with job: <existing job>',
      });
    } else {
      out.scrapeJobs.push(
        toScrapeJob(
          { ...props.scrape, name: jobName, targets: props.targets, scrapeInterval: props.scrapeInterval ?? props.scrape?.scrapeInterval },
          path,
        ),
      );
    }
  }
  const uid = dashboardUid(ctx.stack.name, 'svc', props.name);
  const target: HttpAlertTarget = {
    service: props.name,
    job: jobName,
    metrics: props.metrics,
    buckets: props.buckets,
    runbookUrl: ctx.runbookUrl,
  };
  const sloParts = props.slos.map((s, i) =>
    buildSlo(
      s,
      {
        service: props.name,
        http: { job: jobName, ...props.metrics, buckets: props.buckets },
        scrapeInterval: props.scrapeInterval ?? props.scrape?.scrapeInterval ?? ctx.stack.scrapeInterval,
      },
      ctx,
      `${path}.slos[${i}]`,
    ),
  );
  const errorRatio = props.alerts.errorRatio || undefined;
  const latency = props.alerts.latency || undefined;
  let panelIds = new Map<string, number>();
  if (props.dashboard) {
    const d = serviceDashboard({
      target,
      uid,
      folder: ctx.stack.name,
      stack: ctx.stack.name,
      datasource: ctx.datasource,
      errorRatioThreshold: errorRatio?.above,
      latencyThreshold: latency ? durationMs(latency.above) / 1000 : undefined,
      // The SLO status row reads the period error ratio the SLO rules record.
      // Only SLOs that built: one that failed validation has its own error, not a broken link too.
      slos: props.slos.flatMap((s, i) =>
        sloParts[i]!.ruleGroups.length === 0
          ? []
          : [{
              name: s.name,
              objective: Decimal.from(s.objective).div(100).toNumber(),
              window: s.window,
              errorRatioExpr: `slo:sli_error:ratio_rate${windowName(parseWindow(s.window))}{service=${JSON.stringify(props.name)},slo=${JSON.stringify(s.name)}}`,
              ...(sloParts[i]!.dashboards.length ? { dashboardUid: dashboardUid(ctx.stack.name, 'slo', props.name, s.name) } : {}),
            }],
      ),
      source: path,
    });
    out.dashboards.push(d.file);
    panelIds = d.panelIds;
  }
  const linkTo = (panel: string) => (props.dashboard ? ctx.dashboardUrl(uid, panelIds.get(panel)) : undefined);
  const rules: Rule[] = [...httpRecordingRules(target, '5m', path)];
  if (errorRatio) {
    if (errorRatio.window !== '5m') rules.push(...httpRecordingRules(target, errorRatio.window, path));
    rules.push(
      errorRatioAlert(
        { ...target, dashboardUrl: linkTo(SERVICE_PANELS.errorRatio) },
        { ...errorRatio, name: errorRatio.name ?? `${pascalCase(props.name)}HighErrorRate` },
        `${path}.alerts.errorRatio`,
      ),
    );
  }
  if (latency) {
    const thresholdS = durationMs(latency.above) / 1000;
    const sorted = [...props.buckets].sort((a, b) => a - b);
    if (!sorted.some((le) => le >= thresholdS) || sorted.findIndex((le) => le >= thresholdS) === sorted.length - 1) {
      ctx.diag.error(`${path}.alerts.latency.above`, 'latency-above-buckets', `the threshold ${latency.above} is at or above the largest finite bucket but one, so the quantile can never be shown above it`, {
        value: latency.above,
        hint: `histogram_quantile cannot exceed the largest finite bucket (${sorted[sorted.length - 1]}s); declare buckets above the threshold in buckets: [...]`,
      });
    } else {
      rules.push(
        latencyAlert(
          { ...target, dashboardUrl: linkTo(SERVICE_PANELS.latency) },
          { ...latency, above: thresholdS, name: latency.name ?? `${pascalCase(props.name)}HighLatency` },
          `${path}.alerts.latency`,
        ),
      );
    }
  }
  out.ruleGroups.push({ name: props.name, rules, source: path });
  out.declaredMetrics = declaredMetrics(jobName, props.metrics, `${path}.metrics.codeLabel`);
  return mergeContributions([out, ...sloParts]);
});

/**
 * What the service declares about its metrics' labels: the status code is in codeLabel, so the
 * other spellings of it are absent. The rest of the label set (method, route, ...) is not
 * declared, so nothing else is judged.
 */
function declaredMetrics(job: string, m: HttpService['metrics'], source: string): DeclaredMetric[] {
  const notLabels = STATUS_CODE_LABELS.filter((l) => l !== m.codeLabel);
  const series = [
    { series: m.requests, labels: [m.codeLabel] },
    { series: `${m.duration}_bucket`, labels: ['le'] },
    { series: `${m.duration}_count`, labels: [] },
    { series: `${m.duration}_sum`, labels: [] },
  ];
  return series.map((s) => ({ job, ...s, complete: false, notLabels, source }));
}
