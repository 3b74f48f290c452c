/** The HAProxy dashboard: live servers, 5xx ratio, queue and sessions per backend. */
import type { DatasourceRef } from '../core/component.ts';
import { HAPROXY_PANELS } from '../alerts/haproxy.ts';
import { mixinBoard } from './mixinboard.ts';

export function haproxyDashboard(p: { uid: string; job: string; component: string; stack: string; datasource: DatasourceRef; errorRatio?: number; queue?: number; source: string }) {
  const s = `job=${JSON.stringify(p.job)},instance=~"$instance",proxy=~"$backend"`;
  return mixinBoard({
    uid: p.uid,
    title: `${p.component} / HAProxy`,
    tags: ['haproxy'],
    stack: p.stack,
    folder: p.stack,
    datasource: p.datasource,
    variables: [
      { name: 'instance', label: 'Instance', query: `label_values(haproxy_process_uptime_seconds{job=${JSON.stringify(p.job)}}, instance)` },
      { name: 'backend', label: 'Backend', query: `label_values(haproxy_backend_active_servers{job=${JSON.stringify(p.job)}}, proxy)` },
    ],
    rows: [
      {
        title: 'Backends',
        panels: [
          { title: HAPROXY_PANELS.servers, kind: 'timeseries', unit: 'short', min: 0, queries: [{ expr: `sum by (proxy) (haproxy_backend_active_servers{${s}} + haproxy_backend_backup_servers{${s}})`, legend: '{{proxy}}' }], thresholds: [{ value: 1, color: 'green' }], description: 'Active plus backup servers up; 0 means every request to the backend gets a 503.' },
          {
            title: HAPROXY_PANELS.errorRatio,
            kind: 'timeseries',
            unit: 'percentunit',
            min: 0,
            thresholds: p.errorRatio !== undefined ? [{ value: p.errorRatio, color: 'red' }] : undefined,
            queries: [{ expr: `sum by (proxy) (rate(haproxy_backend_http_responses_total{${s},code="5xx"}[$__rate_interval])) / (sum by (proxy) (rate(haproxy_backend_http_responses_total{${s}}[$__rate_interval])) > 0)`, legend: '{{proxy}}' }],
          },
          { title: 'Responses per backend', kind: 'timeseries', unit: 'reqps', queries: [{ expr: `sum by (proxy, code) (rate(haproxy_backend_http_responses_total{${s}}[$__rate_interval]))`, legend: '{{proxy}} {{code}}' }] },
          {
            title: HAPROXY_PANELS.queue,
            kind: 'timeseries',
            unit: 'short',
            min: 0,
            thresholds: p.queue !== undefined ? [{ value: p.queue, color: 'red' }] : undefined,
            queries: [{ expr: `sum by (proxy) (haproxy_backend_current_queue{${s}})`, legend: '{{proxy}}' }],
          },
        ],
      },
      {
        title: 'Saturation',
        panels: [
          { title: 'Sessions vs limit per backend', kind: 'timeseries', unit: 'percentunit', min: 0, queries: [{ expr: `sum by (proxy) (haproxy_backend_current_sessions{${s}}) / (sum by (proxy) (haproxy_backend_limit_sessions{${s}}) > 0)`, legend: '{{proxy}}' }] },
          { title: 'Average response time', kind: 'timeseries', unit: 's', queries: [{ expr: `max by (proxy) (haproxy_backend_response_time_average_seconds{${s}})`, legend: '{{proxy}}' }] },
        ],
      },
    ],
    source: p.source,
  });
}
