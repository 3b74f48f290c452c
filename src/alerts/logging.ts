/**
 * Log pipeline alerts: Loki's own request errors, ingestion discards and panics (after
 * the loki-mixin), and a log shipper modelled on seed 000's Go log capturer: lines in,
 * sent and dropped, dead-letter queue, sink latency, throughput against its target and
 * a stale positions file.
 */
import { formatNumber } from '../core/decimal.ts';
import { durationMs, formatDuration } from '../core/duration.ts';
import type { AlertRule, AlertScenario } from '../core/model.ts';
import { bucketQuantile, leLabel } from './histogram.ts';
import { seriesSelector } from './series.ts';
import { counter, fireAt, firingChecks, gauge, mixinAlert, quiet, sel, stepsFor, type AlertKnobs, type MixinTarget } from './rulekit.ts';

export const LOKI_PANELS = { errors: 'Request error ratio per route', discarded: 'Discarded lines', panics: 'Panics' } as const;
export const SHIPPER_PANELS = {
  throughput: 'Lines in vs sent',
  dropped: 'Dropped lines',
  sentRatio: 'Sent / read',
  dlq: 'Dead-letter queue',
  latency: 'Sink latency',
  positions: 'Positions file age',
} as const;

export interface ShipperMetrics {
  linesIn: string;
  linesSent: string;
  linesDropped: string;
  dlqEntries: string;
  sinkDuration: string;
  positionsSaved: string;
}

export interface ShipperTarget extends MixinTarget {
  metrics: ShipperMetrics;
}

const LOKI_INSTANCE = 'loki:3100';
const SHIPPER_INSTANCE = 'log-capturer:8001';

/** An event alert on increase(counter[window]) > 0: scenario times where increase() is exactly 1. */
function eventTimes(forDur: string, window: string): { stepAt: number; at: string } {
  const forMin = Math.ceil(durationMs(forDur) / 60_000);
  const stepAt = Math.max(2, forMin);
  return { stepAt, at: `${Math.max(Math.ceil(durationMs(window) / 60_000) + 1, stepAt + forMin + 2)}m` };
}

export function lokiRequestErrorsAlert(t: MixinTarget, k: AlertKnobs & { above: number; minRate: number; window: string }, source: string): AlertRule {
  const m = 'loki_request_duration_seconds_count';
  const w = k.window;
  const expr =
    `sum by (job, route) (rate(${m}{${sel(t.job, 'status_code=~"5.."')}}[${w}]))\n  / on (job, route)\n` +
    `(sum by (job, route) (rate(${m}{${sel(t.job)}}[${w}])) > ${formatNumber(k.minRate)})\n> ${formatNumber(k.above)}`;
  const at = fireAt(k.for, w);
  const n = stepsFor(at);
  const base = { instance: LOKI_INSTANCE, job: t.job, method: 'POST', route: 'loki_api_v1_push' };
  const series = (ok: number, failed: number) => [counter(m, { ...base, status_code: '204' }, ok, n), counter(m, { ...base, status_code: '500' }, failed, n)];
  const total = Math.max(100, Math.ceil(k.minRate * 4));
  const failing = Math.min(total, Math.ceil(total * 2 * k.above));
  const low = Math.floor(total * k.above * 0.5);
  const tests: AlertScenario[] = [
    { name: `fires when ${failing} of ${total} requests/s fail`, series: series(total - failing, failing), checks: firingChecks(k.for, at, [{ labels: { job: t.job, route: 'loki_api_v1_push' }, value: failing / total }]) },
    quiet('stays quiet below the threshold', series(total - low, low), at),
    quiet('stays quiet with no traffic', series(0, 0), at),
  ];
  if (k.minRate > 0) tests.push(quiet('stays quiet under the minimum traffic even when every request fails', series(0, k.minRate / 2), at));
  return mixinAlert(t, k, {
    expr,
    summary: `${t.component}: Loki requests fail`,
    description: `{{ $value | humanizePercentage }} of Loki's {{ $labels.route }} requests returned 5xx over the last ${w}.`,
    panel: LOKI_PANELS.errors,
    runbook: {
      meaning: `More than ${formatNumber(k.above * 100)}% of Loki's requests on one route (push, query, ...) failed with 5xx for ${k.for}.`,
      impact: 'On the push route, shippers retry and then drop logs; on query routes, dashboards and searches fail.',
      diagnosis: [
        { title: '5xx per route and status', query: `sum by (route, status_code) (rate(${m}{${sel(t.job, 'status_code=~"5.."')}}[5m]))` },
        { title: 'Discarded lines by reason', query: `sum by (reason) (rate(loki_discarded_samples_total{${sel(t.job)}}[5m]))` },
      ],
      mitigation: ['Read Loki\'s log for the failing component (distributor, ingester, querier).', 'Check the object store and the ingesters\' memory and disk.'],
    },
    tests,
  }, source);
}

export function lokiDiscardedAlert(t: MixinTarget, k: AlertKnobs & { above: number; window: string }, source: string): AlertRule {
  const m = 'loki_discarded_samples_total';
  const at = fireAt(k.for, k.window);
  const n = stepsFor(at);
  const labels = { instance: LOKI_INSTANCE, job: t.job, reason: 'rate_limited', tenant: 'fake' };
  const rate = Math.floor(k.above) + 5;
  return mixinAlert(t, k, {
    expr: `sum by (job, tenant, reason) (rate(${m}{${sel(t.job)}}[${k.window}])) > ${formatNumber(k.above)}`,
    summary: `${t.component}: Loki discards log lines`,
    description: 'Loki discards {{ $value | humanize }} lines/s of tenant {{ $labels.tenant }} ({{ $labels.reason }}).',
    panel: LOKI_PANELS.discarded,
    runbook: {
      meaning: 'Loki refuses lines at ingestion: rate or stream limits, lines too old or too long, or an invalid stream.',
      impact: 'The discarded lines are lost unless the shipper keeps them (DLQ).',
      diagnosis: [{ title: 'Discards by tenant and reason', query: `sum by (tenant, reason) (rate(${m}{${sel(t.job)}}[5m]))` }],
      mitigation: ['rate_limited / per_stream_rate_limit: raise the tenant limits or spread lines over more streams.', 'greater_than_max_sample_age: fix the shipper\'s clock or backlog; line_too_long: truncate at the shipper.'],
    },
    tests: [
      { name: 'fires while lines are discarded', series: [counter(m, labels, rate, n)], checks: firingChecks(k.for, at, [{ labels: { job: t.job, reason: 'rate_limited', tenant: 'fake' }, value: rate }]) },
      quiet('stays quiet when nothing is discarded', [counter(m, labels, 0, n)], at),
    ],
  }, source);
}

export function lokiPanicsAlert(t: MixinTarget, k: AlertKnobs & { window: string }, source: string): AlertRule {
  const m = 'loki_panic_total';
  const { stepAt, at } = eventTimes(k.for, k.window);
  const n = stepsFor(at);
  const labels = { instance: LOKI_INSTANCE, job: t.job };
  return mixinAlert(t, k, {
    expr: `sum by (job) (increase(${m}{${sel(t.job)}}[${k.window}])) > 0`,
    summary: `${t.component}: Loki panicked`,
    description: `Loki (job {{ $labels.job }}) recovered from {{ $value }} panic(s) in the last ${k.window}.`,
    panel: LOKI_PANELS.panics,
    runbook: {
      meaning: 'A Loki component hit a panic (a bug) and recovered from it.',
      impact: 'The request that panicked failed; repeated panics point at a bad query or corrupt data.',
      diagnosis: [{ title: 'Panics per instance', query: `increase(${m}{${sel(t.job)}}[1h])` }],
      mitigation: ['Find the stack trace in Loki\'s log and the query or push that caused it.', 'Upgrade Loki if it is a known bug.'],
    },
    tests: [
      { name: 'fires after a panic', series: [{ series: seriesSelector(m, labels), values: `0x${stepAt} 1x${n}` }], checks: [{ at, firing: [{ labels: { job: t.job }, value: 1 }] }] },
      quiet('stays quiet without panics', [gauge(m, labels, 0, n)], at),
    ],
  }, source);
}

export function shipperDroppingAlert(t: ShipperTarget, k: AlertKnobs & { above: number; window: string }, source: string): AlertRule {
  const m = t.metrics.linesDropped;
  const at = fireAt(k.for, k.window);
  const n = stepsFor(at);
  const labels = { instance: SHIPPER_INSTANCE, job: t.job };
  const rate = Math.floor(k.above) + 2;
  return mixinAlert(t, k, {
    expr: `sum by (job, instance) (rate(${m}{${sel(t.job)}}[${k.window}])) > ${formatNumber(k.above)}`,
    summary: `${t.component}: the log shipper drops lines`,
    description: '{{ $labels.instance }} drops {{ $value | humanize }} log lines/s.',
    panel: SHIPPER_PANELS.dropped,
    runbook: {
      meaning: 'The shipper gives up on lines (queue full, line too large, rejected by the sink beyond retries) instead of sending them or putting them in the dead-letter queue.',
      impact: 'Dropped lines are lost for good: gaps in the logs when they are needed.',
      diagnosis: [
        { title: 'Drops by reason', query: `sum by (reason) (rate(${m}{${sel(t.job)}}[5m]))` },
        { title: 'Dead-letter queue', query: `${t.metrics.dlqEntries}{${sel(t.job)}}` },
      ],
      mitigation: ['queue full: the sink is slow or down (see the sink latency panel); scale the sink or the shipper.', 'Raise buffer sizes if bursts exceed them.'],
    },
    tests: [
      { name: 'fires while lines are dropped', series: [counter(m, { ...labels, reason: 'queue_full' }, rate, n)], checks: firingChecks(k.for, at, [{ labels, value: rate }]) },
      quiet('stays quiet when nothing is dropped', [counter(m, { ...labels, reason: 'queue_full' }, 0, n)], at),
    ],
  }, source);
}

export function shipperFallingBehindAlert(t: ShipperTarget, k: AlertKnobs & { below: number; minRate: number; window: string }, source: string): AlertRule {
  const { linesIn, linesSent } = t.metrics;
  const w = k.window;
  const s = sel(t.job);
  const expr =
    `sum by (job, instance) (rate(${linesSent}{${s}}[${w}]))\n  / on (job, instance)\n` +
    `(sum by (job, instance) (rate(${linesIn}{${s}}[${w}])) > ${formatNumber(k.minRate)})\n< ${formatNumber(k.below)}`;
  const at = fireAt(k.for, w);
  const n = stepsFor(at);
  const labels = { instance: SHIPPER_INSTANCE, job: t.job };
  const series = (inRate: number, sentRate: number) => [counter(linesIn, { ...labels, source_type: 'file' }, inRate, n), counter(linesSent, { ...labels, sink: 'loki' }, sentRate, n)];
  const total = Math.max(100, Math.ceil(k.minRate * 4));
  const sent = Math.floor(total * k.below * 0.5);
  const tests: AlertScenario[] = [
    { name: `fires when ${sent} of ${total} lines/s are sent`, series: series(total, sent), checks: firingChecks(k.for, at, [{ labels, value: sent / total }]) },
    quiet('stays quiet when every line is sent', series(total, total), at),
    quiet('stays quiet with no input', series(0, 0), at),
  ];
  if (k.minRate > 0) tests.push(quiet('stays quiet under the minimum input rate', series(k.minRate / 2, 0), at));
  return mixinAlert(t, k, {
    expr,
    summary: `${t.component}: the log shipper falls behind`,
    description: `{{ $labels.instance }} sends only {{ $value | humanizePercentage }} of the lines it reads (last ${w}).`,
    panel: SHIPPER_PANELS.sentRatio,
    runbook: {
      meaning: `The shipper has sent less than ${formatNumber(k.below * 100)}% of the lines it read for ${k.for}: a backlog is building in its queue, the DLQ, or on disk.`,
      impact: 'Logs arrive late in Loki; if the backlog outgrows the buffers, lines are dropped.',
      diagnosis: [
        { title: 'Sink latency (p99)', query: `histogram_quantile(0.99, sum by (le) (rate(${t.metrics.sinkDuration}_bucket{${s}}[5m])))` },
        { title: 'Sink errors', query: `sum by (status) (rate(${t.metrics.sinkDuration}_count{${s}}[5m]))` },
      ],
      mitigation: ['Check Loki (push errors, rate limits) and the network to it.', 'Scale the shipper out or raise its sink workers/batch size.'],
    },
    tests,
  }, source);
}

export function shipperDlqAlert(t: ShipperTarget, k: AlertKnobs & { above: number }, source: string): AlertRule {
  const m = t.metrics.dlqEntries;
  const at = fireAt(k.for);
  const n = stepsFor(at);
  const labels = { instance: SHIPPER_INSTANCE, job: t.job };
  const high = Math.floor(k.above) * 2 + 1;
  return mixinAlert(t, k, {
    expr: `max by (job, instance) (${m}{${sel(t.job)}}) > ${formatNumber(k.above)}`,
    summary: `${t.component}: log lines pile up in the dead-letter queue`,
    description: '{{ $labels.instance }} holds {{ $value | humanize }} entries in its dead-letter queue.',
    panel: SHIPPER_PANELS.dlq,
    runbook: {
      meaning: `More than ${formatNumber(k.above)} entries have waited in the dead-letter queue for ${k.for}: the sink keeps rejecting or failing them.`,
      impact: 'These lines are not in Loki yet; the DLQ volume (/app/data) fills up.',
      diagnosis: [{ title: 'DLQ size over time', query: `${m}{${sel(t.job)}}` }],
      mitigation: ['Find why the sink rejects the entries (Loki limits, invalid labels) and fix it.', 'Replay the DLQ once the sink accepts again; keep the hourly DLQ backup.'],
    },
    tests: [
      { name: 'fires with a large DLQ', series: [gauge(m, labels, high, n)], checks: firingChecks(k.for, at, [{ labels, value: high }]) },
      quiet('stays quiet with an empty DLQ', [gauge(m, labels, 0, n)], at),
    ],
  }, source);
}

export function shipperSinkLatencyAlert(t: ShipperTarget, k: AlertKnobs & { quantile: number; above: number; minRate: number; window: string }, buckets: number[], source: string): AlertRule {
  const s = sel(t.job);
  const bucket = `${t.metrics.sinkDuration}_bucket`;
  const count = `${t.metrics.sinkDuration}_count`;
  const q = formatNumber(k.quantile);
  const expr =
    `histogram_quantile(${q}, sum by (job, le) (rate(${bucket}{${s}}[${k.window}])))\n> ${formatNumber(k.above)}\n` +
    `and on (job)\nsum by (job) (rate(${count}{${s}}[${k.window}])) > ${formatNumber(k.minRate)}`;
  const at = fireAt(k.for, k.window);
  const n = stepsFor(at);
  const sorted = [...buckets].sort((a, b) => a - b);
  const lo = sorted.find((le) => le >= k.above)!;
  const perSec = Math.max(10, Math.ceil(k.minRate * 4));
  const series = (above: number, rate: number) => [
    ...[...sorted, Infinity].map((le) => counter(bucket, { instance: SHIPPER_INSTANCE, job: t.job, le: leLabel(le) }, le > above ? rate : 0, n)),
    counter(count, { instance: SHIPPER_INSTANCE, job: t.job }, rate, n),
  ];
  const value = bucketQuantile(k.quantile, [...sorted, Infinity].map((le) => ({ le, count: le > lo ? perSec : 0 })));
  const tests: AlertScenario[] = [
    { name: `fires when sink requests take longer than ${formatNumber(lo)}s`, series: series(lo, perSec), checks: firingChecks(k.for, at, [{ labels: { job: t.job }, value }]) },
    quiet('stays quiet when the sink is fast', series(0, perSec), at),
  ];
  if (k.minRate > 0) tests.push(quiet('stays quiet under the minimum request rate', series(lo, k.minRate / 2), at));
  return mixinAlert(t, k, {
    expr,
    summary: `${t.component}: the log sink is slow`,
    description: `The p${formatNumber(k.quantile * 100)} latency of sink requests from job {{ $labels.job }} is {{ $value | humanizeDuration }} over the last ${k.window}.`,
    panel: SHIPPER_PANELS.latency,
    runbook: {
      meaning: `The p${formatNumber(k.quantile * 100)} latency of the shipper's requests to its sink (Loki) has been above ${formatNumber(k.above)}s for ${k.for}.`,
      impact: 'Slow pushes fill the shipper\'s queue; lines then go to the DLQ or are dropped.',
      diagnosis: [{ title: 'Latency by sink and status', query: `histogram_quantile(${q}, sum by (sink, status, le) (rate(${bucket}{${s}}[5m])))` }],
      mitigation: ['Check Loki\'s distributor and ingester latency and the network between them (the seed asks for < 1ms to Loki).', 'Raise batch sizes to send fewer, larger pushes.'],
    },
    tests,
  }, source);
}

export function shipperNearCapacityAlert(t: ShipperTarget, k: AlertKnobs & { share: number; window: string }, targetRate: number, source: string): AlertRule {
  const m = t.metrics.linesIn;
  const limit = targetRate * k.share;
  const at = fireAt(k.for, k.window);
  const n = stepsFor(at);
  const labels = { instance: SHIPPER_INSTANCE, job: t.job };
  const high = Math.ceil((limit + targetRate) / 2);
  return mixinAlert(t, k, {
    expr: `sum by (job, instance) (rate(${m}{${sel(t.job)}}[${k.window}])) > ${formatNumber(limit)}`,
    summary: `${t.component}: the log shipper nears its ${formatNumber(targetRate)} lines/s target`,
    description: `{{ $labels.instance }} reads {{ $value | humanize }} lines/s, more than ${formatNumber(k.share * 100)}% of the ${formatNumber(targetRate)} lines/s it is sized for.`,
    panel: SHIPPER_PANELS.throughput,
    runbook: {
      meaning: `The input rate has stayed above ${formatNumber(k.share * 100)}% of the throughput the shipper is sized for (${formatNumber(targetRate)} lines/s per instance) for ${k.for}.`,
      impact: 'No loss yet; a further rise makes the shipper fall behind and drop lines.',
      diagnosis: [{ title: 'Input by source type', query: `sum by (source_type) (rate(${m}{${sel(t.job)}}[5m]))` }],
      mitigation: ['Add replicas (the seed runs 3 behind HAProxy) or CPU (about one core per 10k lines/s).', 'Find the source that grew and lower its verbosity.'],
    },
    tests: [
      { name: `fires at ${high} lines/s`, series: [counter(m, { ...labels, source_type: 'file' }, high, n)], checks: firingChecks(k.for, at, [{ labels, value: high }]) },
      quiet('stays quiet at half the threshold', [counter(m, { ...labels, source_type: 'file' }, Math.floor(limit / 2), n)], at),
    ],
  }, source);
}

export function shipperPositionsStaleAlert(t: ShipperTarget, k: AlertKnobs & { olderThan: string }, source: string): AlertRule {
  const m = t.metrics.positionsSaved;
  const olderS = durationMs(k.olderThan) / 1000;
  const savedAt = 60;
  // Stale from savedAt + olderThan; then `for`; then two minutes of slack.
  const atS = savedAt + olderS + durationMs(k.for) / 1000 + 120;
  const at = formatDuration(Math.ceil(atS / 60) * 60_000);
  const n = stepsFor(at);
  const labels = { instance: SHIPPER_INSTANCE, job: t.job };
  return mixinAlert(t, k, {
    expr: `time() - max by (job, instance) (${m}{${sel(t.job)}}) > ${formatNumber(olderS)}`,
    summary: `${t.component}: the positions file is not being saved`,
    description: '{{ $labels.instance }} last saved its read positions {{ $value | humanizeDuration }} ago.',
    panel: SHIPPER_PANELS.positions,
    runbook: {
      meaning: `The shipper has not written its positions file for more than ${k.olderThan}: the volume is read-only or full, or the tailer is stuck.`,
      impact: 'After a restart the shipper resumes from old positions: lines are sent twice, or lost if files rotated meanwhile.',
      diagnosis: [{ title: 'Age of the positions file', query: `time() - ${m}{${sel(t.job)}}` }],
      mitigation: ['Check the /app/data volume: mounted read-write, not full.', 'Restart the shipper if its tailer is stuck; restore positions from the 5-minute backup if the file is corrupt.'],
    },
    tests: [
      { name: `fires when positions were last saved at ${savedAt}s`, series: [gauge(m, labels, savedAt, n)], checks: [{ at, firing: [{ labels, value: durationMs(at) / 1000 - savedAt }] }] },
      quiet('stays quiet while positions are saved every minute', [{ series: seriesSelector(m, labels), values: `0+60x${n}` }], at),
    ],
  }, source);
}
