/** The probes dashboard (blackbox_exporter): success, duration and certificate expiry per endpoint. */
import type { DatasourceRef } from '../core/component.ts';
import { PROBE_PANELS } from '../alerts/probes.ts';
import { mixinBoard } from './mixinboard.ts';

export function probesDashboard(p: { uid: string; job: string; component: string; stack: string; datasource: DatasourceRef; slow?: number; source: string }) {
  const s = `job=${JSON.stringify(p.job)},instance=~"$instance"`;
  return mixinBoard({
    uid: p.uid, title: `${p.component} / Probes`, tags: ['probes', 'blackbox'], stack: p.stack, folder: p.stack, datasource: p.datasource, source: p.source,
    variables: [{ name: 'instance', label: 'Endpoint', query: `label_values(probe_success{job=${JSON.stringify(p.job)}}, instance)` }],
    rows: [
      {
        title: 'Endpoints',
        panels: [
          { title: PROBE_PANELS.success, kind: 'timeseries', unit: 'short', min: 0, max: 1, queries: [{ expr: `probe_success{${s}}`, legend: '{{instance}}' }], description: '1: the probe succeeded.' },
          { title: PROBE_PANELS.duration, kind: 'timeseries', unit: 's', thresholds: p.slow !== undefined ? [{ value: p.slow, color: 'orange' }] : undefined, queries: [{ expr: `probe_duration_seconds{${s}}`, legend: '{{instance}}' }] },
          { title: PROBE_PANELS.certificate, kind: 'table', unit: 's', queries: [{ expr: `probe_ssl_earliest_cert_expiry{${s}} - time()` }] },
          { title: 'HTTP status code', kind: 'table', unit: 'short', queries: [{ expr: `probe_http_status_code{${s}}` }] },
        ],
      },
    ],
  });
}
