/** Dashboards of Loki and of the log shipper pipeline. */
import type { DatasourceRef } from '../core/component.ts';
import { LOKI_PANELS, SHIPPER_PANELS, type ShipperMetrics } from '../alerts/logging.ts';
import { mixinBoard } from './mixinboard.ts';

interface Base { uid: string; job: string; component: string; stack: string; datasource: DatasourceRef; source: string }

export function lokiDashboard(p: Base & { errorRatio?: number }) {
  const s = `job=${JSON.stringify(p.job)},instance=~"$instance"`;
  const m = 'loki_request_duration_seconds';
  return mixinBoard({
    uid: p.uid, title: `${p.component} / Loki`, tags: ['loki', 'logging'], stack: p.stack, folder: p.stack, datasource: p.datasource, source: p.source,
    variables: [{ name: 'instance', label: 'Instance', query: `label_values(${m}_count{job=${JSON.stringify(p.job)}}, instance)` }],
    rows: [
      {
        title: 'Ingestion',
        panels: [
          { title: 'Lines received', kind: 'timeseries', unit: 'short', queries: [{ expr: `sum by (tenant) (rate(loki_distributor_lines_received_total{${s}}[$__rate_interval]))`, legend: '{{tenant}}' }] },
          { title: LOKI_PANELS.discarded, kind: 'timeseries', unit: 'short', queries: [{ expr: `sum by (tenant, reason) (rate(loki_discarded_samples_total{${s}}[$__rate_interval]))`, legend: '{{tenant}} {{reason}}' }] },
        ],
      },
      {
        title: 'Requests',
        panels: [
          { title: LOKI_PANELS.errors, kind: 'timeseries', unit: 'percentunit', min: 0, thresholds: p.errorRatio !== undefined ? [{ value: p.errorRatio, color: 'red' }] : undefined, queries: [{ expr: `sum by (route) (rate(${m}_count{${s},status_code=~"5.."}[$__rate_interval])) / (sum by (route) (rate(${m}_count{${s}}[$__rate_interval])) > 0)`, legend: '{{route}}' }] },
          { title: 'p99 latency per route', kind: 'timeseries', unit: 's', queries: [{ expr: `histogram_quantile(0.99, sum by (route, le) (rate(${m}_bucket{${s}}[$__rate_interval])))`, legend: '{{route}}' }] },
          { title: LOKI_PANELS.panics, kind: 'stat', unit: 'short', queries: [{ expr: `sum(increase(loki_panic_total{${s}}[1h]))` }], thresholds: [{ value: 1, color: 'red' }] },
        ],
      },
    ],
  });
}

export function shipperDashboard(p: Base & { metrics: ShipperMetrics; targetRate: number; dlq?: number; latency?: number }) {
  const s = `job=${JSON.stringify(p.job)},instance=~"$instance"`;
  const m = p.metrics;
  return mixinBoard({
    uid: p.uid, title: `${p.component} / Log shipper`, tags: ['logging'], stack: p.stack, folder: p.stack, datasource: p.datasource, source: p.source,
    variables: [{ name: 'instance', label: 'Instance', query: `label_values(${m.linesIn}{job=${JSON.stringify(p.job)}}, instance)` }],
    rows: [
      {
        title: 'Pipeline',
        panels: [
          { title: SHIPPER_PANELS.throughput, kind: 'timeseries', unit: 'short', thresholds: [{ value: p.targetRate, color: 'red' }], description: `Lines/s read and sent; the red line is the ${p.targetRate} lines/s target.`, queries: [{ expr: `sum by (instance) (rate(${m.linesIn}{${s}}[$__rate_interval]))`, legend: 'in {{instance}}' }, { expr: `sum by (instance) (rate(${m.linesSent}{${s}}[$__rate_interval]))`, legend: 'sent {{instance}}' }] },
          { title: SHIPPER_PANELS.sentRatio, kind: 'timeseries', unit: 'percentunit', min: 0, queries: [{ expr: `sum by (instance) (rate(${m.linesSent}{${s}}[$__rate_interval])) / (sum by (instance) (rate(${m.linesIn}{${s}}[$__rate_interval])) > 0)`, legend: '{{instance}}' }] },
          { title: SHIPPER_PANELS.dropped, kind: 'timeseries', unit: 'short', queries: [{ expr: `sum by (reason) (rate(${m.linesDropped}{${s}}[$__rate_interval]))`, legend: '{{reason}}' }] },
          { title: SHIPPER_PANELS.dlq, kind: 'timeseries', unit: 'short', thresholds: p.dlq !== undefined ? [{ value: p.dlq, color: 'orange' }] : undefined, queries: [{ expr: `max by (instance) (${m.dlqEntries}{${s}})`, legend: '{{instance}}' }] },
        ],
      },
      {
        title: 'Sink and state',
        panels: [
          { title: SHIPPER_PANELS.latency, kind: 'timeseries', unit: 's', thresholds: p.latency !== undefined ? [{ value: p.latency, color: 'red' }] : undefined, queries: [0.5, 0.99].map((q) => ({ expr: `histogram_quantile(${q}, sum by (le) (rate(${m.sinkDuration}_bucket{${s}}[$__rate_interval])))`, legend: `p${q * 100}` })) },
          { title: SHIPPER_PANELS.positions, kind: 'timeseries', unit: 's', queries: [{ expr: `time() - max by (instance) (${m.positionsSaved}{${s}})`, legend: '{{instance}}' }] },
        ],
      },
    ],
  });
}
