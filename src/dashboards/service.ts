/**
 * The RED dashboard of an httpService: rate, errors and duration (p50/p95/p99), per code
 * and per instance, process saturation (CPU, memory, file descriptors: what the common
 * client libraries export), and the service's SLOs' status when it has SLOs.
 */
import type { DatasourceRef } from '../core/component.ts';
import type { DashboardFile } from '../core/model.ts';
import { errorRateRecord, requestRateRecord, type HttpAlertTarget } from '../alerts/http.ts';
import { finalizeDashboard, panelIdsByTitle } from './finalize.ts';
import { dashboardBuilder, row, statPanel, timeseriesPanel } from './panels.ts';

export const SERVICE_PANELS = {
  errorRatio: 'Error ratio',
  latency: 'Latency',
} as const;

/** One SLO shown on the service dashboard. */
export interface ServiceSloStatus {
  /** SLO name, e.g. `availability`. */
  name: string;
  /** Objective as a ratio, e.g. 0.999. */
  objective: number;
  /** Compliance window, e.g. `30d`. */
  window: string;
  /** PromQL giving the error ratio (bad / all, 0-1) over the window, e.g. a recording rule. */
  errorRatioExpr: string;
  /** uid of the SLO's own dashboard, linked from the panel. */
  dashboardUid?: string;
}

export interface ServiceDashboardProps {
  target: HttpAlertTarget;
  uid: string;
  folder: string;
  stack: string;
  datasource: DatasourceRef;
  errorRatioThreshold?: number;
  latencyThreshold?: number;
  source: string;
  /** SLOs of the service: a status row with SLI and error budget left. @default [] */
  slos?: ServiceSloStatus[];
  /** Show process CPU, memory and file descriptors (client-library `process_*` metrics). @default true */
  processMetrics?: boolean;
}

export function serviceDashboard(p: ServiceDashboardProps): { file: DashboardFile; panelIds: Map<string, number> } {
  const t = p.target;
  const job = `job=${JSON.stringify(t.job)}`;
  const inst = `${job},instance=~"$instance"`;
  const req = t.metrics.requests;
  const code = t.metrics.codeLabel;
  const bucket = `${t.metrics.duration}_bucket`;
  const errSel = `${inst},${code}=~${JSON.stringify(t.metrics.errorCodes)}`;
  const ratioThresholds = p.errorRatioThreshold !== undefined ? [{ value: p.errorRatioThreshold, color: 'red' }] : undefined;
  const latThresholds = p.latencyThreshold !== undefined ? [{ value: p.latencyThreshold, color: 'red' }] : undefined;
  const title = `${t.service} / Service`;
  const b = dashboardBuilder({
    uid: p.uid,
    title,
    description: `Rate, errors and duration of ${t.service} (job ${t.job}).`,
    tags: [p.stack, 'service'],
    datasourceUid: p.datasource.uid,
    variables: [{ name: 'instance', label: 'Instance', query: `label_values(up{${job}}, instance)` }],
    linkTags: [p.stack],
  })
    .withRow(row('Overview'))
    .withPanel(statPanel({ title: 'Requests/s', unit: 'reqps', queries: [{ expr: `sum(${requestRateRecord(t, '5m')}{${job}})` }] }))
    .withPanel(
      statPanel({
        title: 'Error ratio (5m)',
        unit: 'percentunit',
        thresholds: ratioThresholds,
        queries: [{ expr: `sum(${errorRateRecord(t, '5m')}{${job}}) / (sum(${requestRateRecord(t, '5m')}{${job}}) > 0)` }],
      }),
    )
    .withPanel(
      statPanel({
        title: 'Targets up',
        unit: 'short',
        baseColor: 'red',
        thresholds: [{ value: 1, color: 'green' }],
        queries: [{ expr: `sum(up{${job}}) or vector(0)` }],
      }),
    )
    .withPanel(statPanel({ title: 'p95 latency (5m)', unit: 's', thresholds: latThresholds, queries: [{ expr: `histogram_quantile(0.95, sum by (le) (rate(${bucket}{${job}}[5m])))` }] }));

  if (p.slos?.length) {
    b.withRow(row('SLOs'));
    const width = Math.max(4, Math.floor(24 / Math.min(6, p.slos.length * 2)));
    for (const s of p.slos) {
      const links = s.dashboardUid ? [{ title: `SLO ${s.name}`, url: `/d/${s.dashboardUid}` }] : undefined;
      b.withPanel(
        statPanel({
          title: `${s.name} SLI (${s.window})`,
          description: `Good events over all events in the last ${s.window}; the objective is ${s.objective}.`,
          unit: 'percentunit',
          decimals: 3,
          baseColor: 'red',
          thresholds: [{ value: s.objective, color: 'green' }],
          queries: [{ expr: `1 - (${s.errorRatioExpr})` }],
          width,
          links,
        }),
      ).withPanel(
        statPanel({
          title: `${s.name} error budget left`,
          description: `Share of the ${s.window} error budget (1 - objective) not yet spent.`,
          unit: 'percentunit',
          decimals: 1,
          baseColor: 'red',
          thresholds: [{ value: 0, color: 'orange' }, { value: 0.25, color: 'green' }],
          queries: [{ expr: `1 - (${s.errorRatioExpr}) / ${String(Math.round((1 - s.objective) * 1e9) / 1e9)}` }],
          width,
          links,
        }),
      );
    }
  }

  b.withRow(row('Rate'))
    .withPanel(
      timeseriesPanel({
        title: 'Request rate',
        description: `Requests per second by ${code}.`,
        unit: 'reqps',
        min: 0,
        stack: true,
        queries: [{ expr: `sum by (${code}) (rate(${req}{${inst}}[$__rate_interval]))`, legend: `{{${code}}}` }],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Request rate by instance',
        unit: 'reqps',
        min: 0,
        queries: [{ expr: `sum by (instance) (rate(${req}{${inst}}[$__rate_interval]))`, legend: '{{instance}}' }],
      }),
    )
    .withRow(row('Errors'))
    .withPanel(
      timeseriesPanel({
        title: SERVICE_PANELS.errorRatio,
        description: `Requests with ${code} matching ${t.metrics.errorCodes} over all requests.`,
        unit: 'percentunit',
        min: 0,
        thresholds: ratioThresholds,
        queries: [{ expr: `sum(rate(${req}{${errSel}}[$__rate_interval])) / (sum(rate(${req}{${inst}}[$__rate_interval])) > 0)`, legend: 'error ratio' }],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Errors by code',
        unit: 'reqps',
        min: 0,
        stack: true,
        queries: [{ expr: `sum by (${code}) (rate(${req}{${errSel}}[$__rate_interval]))`, legend: `{{${code}}}` }],
      }),
    )
    .withRow(row('Duration'))
    .withPanel(
      timeseriesPanel({
        title: SERVICE_PANELS.latency,
        description: 'Latency quantiles from the duration histogram.',
        unit: 's',
        min: 0,
        thresholds: latThresholds,
        queries: [0.5, 0.95, 0.99].map((q) => ({
          expr: `histogram_quantile(${q}, sum by (le) (rate(${bucket}{${inst}}[$__rate_interval])))`,
          legend: `p${Math.round(q * 100)}`,
        })),
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'p95 latency by instance',
        unit: 's',
        min: 0,
        thresholds: latThresholds,
        queries: [{ expr: `histogram_quantile(0.95, sum by (instance, le) (rate(${bucket}{${inst}}[$__rate_interval])))`, legend: '{{instance}}' }],
      }),
    );

  if (p.processMetrics ?? true) {
    b.withRow(row('Saturation'))
      .withPanel(
        timeseriesPanel({
          title: 'CPU',
          description: 'CPU seconds per second used by the process (1 = one core).',
          unit: 'short',
          min: 0,
          queries: [{ expr: `sum by (instance) (rate(process_cpu_seconds_total{${inst}}[$__rate_interval]))`, legend: '{{instance}}' }],
          width: 8,
        }),
      )
      .withPanel(
        timeseriesPanel({
          title: 'Resident memory',
          unit: 'bytes',
          min: 0,
          queries: [{ expr: `sum by (instance) (process_resident_memory_bytes{${inst}})`, legend: '{{instance}}' }],
          width: 8,
        }),
      )
      .withPanel(
        timeseriesPanel({
          title: 'File descriptors used',
          description: 'Open file descriptors over the limit.',
          unit: 'percentunit',
          min: 0,
          max: 1,
          thresholds: [{ value: 0.8, color: 'orange' }, { value: 0.9, color: 'red' }],
          queries: [{ expr: `max by (instance) (process_open_fds{${inst}} / (process_max_fds{${inst}} > 0))`, legend: '{{instance}}' }],
          width: 8,
        }),
      );
  }

  const model = finalizeDashboard(b.build(), p.datasource);
  return {
    file: { uid: p.uid, title, folder: p.folder, model, source: p.source },
    panelIds: panelIdsByTitle(model),
  };
}
