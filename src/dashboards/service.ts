/** The RED dashboard of an httpService: traffic, errors, latency quantiles, targets. */
import type { DatasourceRef } from '../core/component.ts';
import type { DashboardFile } from '../core/model.ts';
import { errorRateRecord, requestRateRecord, type HttpAlertTarget } from '../alerts/http.ts';
import { finalizeDashboard, panelIdsByTitle } from './finalize.ts';
import { dashboardBuilder, row, statPanel, timeseriesPanel } from './panels.ts';

export const SERVICE_PANELS = {
  errorRatio: 'Error ratio',
  latency: 'Latency',
} as const;

export interface ServiceDashboardProps {
  target: HttpAlertTarget;
  uid: string;
  folder: string;
  stack: string;
  datasource: DatasourceRef;
  errorRatioThreshold?: number;
  latencyThreshold?: number;
  source: string;
}

export function serviceDashboard(p: ServiceDashboardProps): { file: DashboardFile; panelIds: Map<string, number> } {
  const t = p.target;
  const job = `job=${JSON.stringify(t.job)}`;
  const inst = `${job},instance=~"$instance"`;
  const req = t.metrics.requests;
  const bucket = `${t.metrics.duration}_bucket`;
  const errSel = `${inst},${t.metrics.codeLabel}=~${JSON.stringify(t.metrics.errorCodes)}`;
  const ratioThresholds = p.errorRatioThreshold !== undefined ? [{ value: p.errorRatioThreshold, color: 'red' }] : undefined;
  const latThresholds = p.latencyThreshold !== undefined ? [{ value: p.latencyThreshold, color: 'red' }] : undefined;
  const b = dashboardBuilder({
    uid: p.uid,
    title: `${t.service} / Service`,
    tags: [p.stack, 'service'],
    datasourceUid: p.datasource.uid,
    variables: [{ name: 'instance', label: 'Instance', query: `label_values(up{${job}}, instance)` }],
    linkTags: [p.stack],
  })
    .withRow(row('Overview'))
    .withPanel(statPanel({ title: 'Requests/s', unit: 'reqps', queries: [{ expr: `sum(${requestRateRecord(t, '5m')}{${job}})` }] }))
    .withPanel(statPanel({ title: 'Error ratio (5m)', unit: 'percentunit', thresholds: ratioThresholds, queries: [{ expr: `sum(${errorRateRecord(t, '5m')}{${job}}) / (sum(${requestRateRecord(t, '5m')}{${job}}) > 0)` }] }))
    .withPanel(statPanel({ title: 'Targets up', unit: 'short', queries: [{ expr: `sum(up{${job}})` }] }))
    .withPanel(statPanel({ title: 'p95 latency (5m)', unit: 's', thresholds: latThresholds, queries: [{ expr: `histogram_quantile(0.95, sum by (le) (rate(${bucket}{${job}}[5m])))` }] }))
    .withRow(row('Traffic and errors'))
    .withPanel(timeseriesPanel({ title: 'Request rate', unit: 'reqps', queries: [{ expr: `sum by (${t.metrics.codeLabel}) (rate(${req}{${inst}}[$__rate_interval]))`, legend: `{{${t.metrics.codeLabel}}}` }] }))
    .withPanel(
      timeseriesPanel({
        title: SERVICE_PANELS.errorRatio,
        unit: 'percentunit',
        min: 0,
        thresholds: ratioThresholds,
        queries: [{ expr: `sum(rate(${req}{${errSel}}[$__rate_interval])) / (sum(rate(${req}{${inst}}[$__rate_interval])) > 0)`, legend: 'error ratio' }],
      }),
    )
    .withRow(row('Latency'))
    .withPanel(
      timeseriesPanel({
        title: SERVICE_PANELS.latency,
        unit: 's',
        width: 24,
        thresholds: latThresholds,
        queries: [0.5, 0.95, 0.99].map((q) => ({
          expr: `histogram_quantile(${q}, sum by (le) (rate(${bucket}{${inst}}[$__rate_interval])))`,
          legend: `p${q * 100}`,
        })),
      }),
    );
  const model = finalizeDashboard(b.build(), p.datasource);
  return {
    file: { uid: p.uid, title: `${t.service} / Service`, folder: p.folder, model, source: p.source },
    panelIds: panelIdsByTitle(model),
  };
}
