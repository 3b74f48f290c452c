/**
 * Logging mixins: `loki` (Loki's own metrics, :3100) and `logShipper`, a log shipper
 * pipeline modelled on seed 000's Go log capturer (metrics :8001, health :8401, 50k
 * lines/s target). The shipper's metric names are obsgen's assumption
 * (src/scrape/catalog/log-capturer.ts); override them under `metrics`.
 */
import { z } from 'zod';
import { defineComponent, type Component } from '../core/component.ts';
import { emptyContribution } from '../core/model.ts';
import { dashboardUid } from '../core/names.ts';
import { duration, metricName } from '../core/schema.ts';
import { lokiDiscardedAlert, lokiPanicsAlert, lokiRequestErrorsAlert, shipperDlqAlert, shipperDroppingAlert, shipperFallingBehindAlert, shipperNearCapacityAlert, shipperPositionsStaleAlert, shipperSinkLatencyAlert, type ShipperTarget } from '../alerts/logging.ts';
import { lokiDashboard, shipperDashboard } from '../dashboards/logging.ts';
import { LOG_CAPTURER_EXPORTER, LOG_CAPTURER_METRICS } from '../scrape/catalog/log-capturer.ts';
import { toScrapeJob } from '../scrape/jobs.ts';
import { alertKnob, exporterJobFields, panelLinker, ratio } from './knobs.ts';

/** client_golang's default buckets, in seconds. */
export const GO_DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export const lokiSchema = z
  .object({
    ...exporterJobFields('loki', 'loki'),
    /** 5xx share per route. Defaults: above 0.1, minRate 0.1 req/s, window 5m, critical, for 15m (loki-mixin). */
    requestErrors: alertKnob({ name: 'LokiRequestErrors', for: '15m', severity: 'critical' }, { above: ratio.default(0.1), minRate: z.number().nonnegative().default(0.1), window: duration.default('5m') }),
    /** Lines discarded at ingestion, per tenant and reason. Defaults: above 0 lines/s, window 5m, warning, for 15m. */
    discarded: alertKnob({ name: 'LokiDiscardingLines', for: '15m', severity: 'warning' }, { above: z.number().nonnegative().default(0), window: duration.default('5m') }),
    /** Any panic within `window`. Defaults: window 10m, critical, for 1m. */
    panics: alertKnob({ name: 'LokiRequestPanics', for: '1m', severity: 'critical' }, { window: duration.default('10m') }),
  })
  .strict();

export const logShipperSchema = z
  .object({
    ...exporterJobFields('log-capturer', 'log-capturer'),
    /** Lines/s one instance is sized for (seed 000: 50k). @default 50000 */
    targetLinesPerSecond: z.number().positive().default(50_000),
    /** Metric names (defaults are obsgen's assumption for log_capturer_go). */
    metrics: z
      .object({
        linesIn: metricName.default(LOG_CAPTURER_METRICS.linesIn),
        linesSent: metricName.default(LOG_CAPTURER_METRICS.linesSent),
        linesDropped: metricName.default(LOG_CAPTURER_METRICS.linesDropped),
        dlqEntries: metricName.default(LOG_CAPTURER_METRICS.dlqEntries),
        sinkDuration: metricName.default(LOG_CAPTURER_METRICS.sinkDuration),
        positionsSaved: metricName.default(LOG_CAPTURER_METRICS.positionsSaved),
      })
      .strict()
      .prefault({}),
    /** Buckets of the sink latency histogram (seconds). @default client_golang's defaults */
    buckets: z.array(z.number().positive()).min(2).default(GO_DEFAULT_BUCKETS),
    /** Dropped lines/s. Defaults: above 0, window 5m, warning, for 5m. */
    dropped: alertKnob({ name: 'LogShipperDroppingLines', for: '5m', severity: 'warning' }, { above: z.number().nonnegative().default(0), window: duration.default('5m') }),
    /** Sent / read below `below`. Defaults: below 0.95, minRate 1 line/s, window 5m, warning, for 15m. */
    fallingBehind: alertKnob({ name: 'LogShipperFallingBehind', for: '15m', severity: 'warning' }, { below: ratio.default(0.95), minRate: z.number().nonnegative().default(1), window: duration.default('5m') }),
    /** DLQ entries. Defaults: above 1000, warning, for 15m. */
    dlq: alertKnob({ name: 'LogShipperDeadLetterBacklog', for: '15m', severity: 'warning' }, { above: z.number().nonnegative().default(1000) }),
    /** Sink latency quantile. Defaults: quantile 0.99, above 1s, minRate 0.1 req/s, window 5m, warning, for 10m. */
    sinkLatency: alertKnob(
      { name: 'LogShipperSinkSlow', for: '10m', severity: 'warning' },
      { quantile: ratio.default(0.99), above: z.number().positive().default(1), minRate: z.number().nonnegative().default(0.1), window: duration.default('5m') },
    ),
    /** Input rate above `share` of targetLinesPerSecond. Defaults: share 0.8, window 5m, warning, for 15m. */
    nearCapacity: alertKnob({ name: 'LogShipperNearCapacity', for: '15m', severity: 'warning' }, { share: ratio.default(0.8), window: duration.default('5m') }),
    /** Positions file not saved for `olderThan`. Defaults: olderThan 5m, warning, for 5m. */
    positionsStale: alertKnob({ name: 'LogShipperPositionsStale', for: '5m', severity: 'warning' }, { olderThan: duration.default('5m') }),
  })
  .strict();

export type LokiProps = z.input<typeof lokiSchema>;
export type LogShipperProps = z.input<typeof logShipperSchema>;

export const loki: (props: LokiProps) => Component<z.output<typeof lokiSchema>> = defineComponent('loki', lokiSchema, (props, ctx) => {
  const out = emptyContribution();
  if (props.ownJob) {
    if (!props.targets) ctx.diag.error(`${ctx.path}.targets`, 'no-targets', 'loki has no targets', { hint: 'give targets: ["loki:3100"], or ownJob: false with job: <existing job>' });
    else out.scrapeJobs.push(toScrapeJob({ name: props.job, targets: props.targets, scrapeInterval: props.scrapeInterval, exporter: 'loki' }, ctx.path));
  }
  const uid = dashboardUid(ctx.stack.name, 'loki', props.job);
  let panelIds: Map<string, number> | undefined;
  if (props.dashboard) {
    const d = lokiDashboard({ uid, job: props.job, component: props.component, stack: ctx.stack.name, datasource: ctx.datasource, source: ctx.path, ...(props.requestErrors ? { errorRatio: props.requestErrors.above } : {}) });
    out.dashboards.push(d.file);
    panelIds = d.panelIds;
  }
  const t = { component: props.component, job: props.job, runbookUrl: ctx.runbookUrl, panelUrl: panelLinker(ctx, uid, panelIds) };
  const p = ctx.path;
  const rules = [
    ...(props.requestErrors ? [lokiRequestErrorsAlert(t, props.requestErrors, `${p}.requestErrors`)] : []),
    ...(props.discarded ? [lokiDiscardedAlert(t, props.discarded, `${p}.discarded`)] : []),
    ...(props.panics ? [lokiPanicsAlert(t, props.panics, `${p}.panics`)] : []),
  ];
  if (rules.length) out.ruleGroups.push({ name: props.job, rules, source: p });
  return out;
});

export const logShipper: (props: LogShipperProps) => Component<z.output<typeof logShipperSchema>> = defineComponent('logShipper', logShipperSchema, (props, ctx) => {
  const out = emptyContribution();
  const p = ctx.path;
  if (props.ownJob) {
    if (!props.targets) ctx.diag.error(`${p}.targets`, 'no-targets', 'logShipper has no targets', { hint: 'give targets: ["log-capturer:8001"] (the metrics port), or ownJob: false with job: <existing job>' });
    else out.scrapeJobs.push(toScrapeJob({ name: props.job, targets: props.targets, scrapeInterval: props.scrapeInterval, exporter: LOG_CAPTURER_EXPORTER }, p));
  }
  const sinkLatency = props.sinkLatency;
  const sorted = [...props.buckets].sort((a, b) => a - b);
  const usable = sinkLatency ? sorted.findIndex((le) => le >= sinkLatency.above) : 0;
  if (sinkLatency && (usable < 0 || usable >= sorted.length - 1)) {
    ctx.diag.error(`${p}.sinkLatency.above`, 'latency-above-buckets', `the threshold ${sinkLatency.above}s is at or above the largest bucket but one, so the quantile can never be shown above it`, {
      value: sinkLatency.above,
      hint: `histogram_quantile cannot exceed the largest finite bucket (${sorted[sorted.length - 1]}s); declare the shipper's buckets in buckets: [...]`,
    });
    return out;
  }
  const uid = dashboardUid(ctx.stack.name, 'logs', props.job);
  let panelIds: Map<string, number> | undefined;
  if (props.dashboard) {
    const d = shipperDashboard({
      uid, job: props.job, component: props.component, stack: ctx.stack.name, datasource: ctx.datasource, source: p, metrics: props.metrics, targetRate: props.targetLinesPerSecond,
      ...(props.dlq ? { dlq: props.dlq.above } : {}),
      ...(sinkLatency ? { latency: sinkLatency.above } : {}),
    });
    out.dashboards.push(d.file);
    panelIds = d.panelIds;
  }
  const t: ShipperTarget = { component: props.component, job: props.job, metrics: props.metrics, runbookUrl: ctx.runbookUrl, panelUrl: panelLinker(ctx, uid, panelIds) };
  const rules = [
    ...(props.dropped ? [shipperDroppingAlert(t, props.dropped, `${p}.dropped`)] : []),
    ...(props.fallingBehind ? [shipperFallingBehindAlert(t, props.fallingBehind, `${p}.fallingBehind`)] : []),
    ...(props.dlq ? [shipperDlqAlert(t, props.dlq, `${p}.dlq`)] : []),
    ...(sinkLatency ? [shipperSinkLatencyAlert(t, sinkLatency, sorted, `${p}.sinkLatency`)] : []),
    ...(props.nearCapacity ? [shipperNearCapacityAlert(t, props.nearCapacity, props.targetLinesPerSecond, `${p}.nearCapacity`)] : []),
    ...(props.positionsStale ? [shipperPositionsStaleAlert(t, props.positionsStale, `${p}.positionsStale`)] : []),
  ];
  if (rules.length) out.ruleGroups.push({ name: props.job, rules, source: p });
  return out;
});
