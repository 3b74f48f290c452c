/** Dashboards of nginx (stub_status exporter) and the ingress-nginx controller. */
import type { DatasourceRef } from '../core/component.ts';
import { INGRESS_PANELS, NGINX_PANELS } from '../alerts/nginx.ts';
import { mixinBoard } from './mixinboard.ts';

interface Props { uid: string; job: string; component: string; stack: string; datasource: DatasourceRef; errorRatio?: number; source: string }

export function nginxDashboard(p: Props) {
  const s = `job=${JSON.stringify(p.job)},instance=~"$instance"`;
  return mixinBoard({
    uid: p.uid, title: `${p.component} / nginx`, tags: ['nginx'], stack: p.stack, folder: p.stack, datasource: p.datasource, source: p.source,
    variables: [{ name: 'instance', label: 'Instance', query: `label_values(nginx_up{job=${JSON.stringify(p.job)}}, instance)` }],
    rows: [{
      title: 'nginx',
      panels: [
        { title: NGINX_PANELS.up, kind: 'stat', unit: 'short', queries: [{ expr: `min(nginx_up{${s}})` }], thresholds: [{ value: 1, color: 'green' }], description: '1 when the exporter can read stub_status.' },
        { title: 'Requests/s', kind: 'stat', unit: 'reqps', queries: [{ expr: `sum(rate(nginx_http_requests_total{${s}}[5m]))` }] },
        { title: NGINX_PANELS.dropped, kind: 'timeseries', unit: 'cps', queries: [{ expr: `sum by (instance) (rate(nginx_connections_accepted{${s}}[$__rate_interval])) - sum by (instance) (rate(nginx_connections_handled{${s}}[$__rate_interval]))`, legend: '{{instance}}' }] },
        { title: 'Connections', kind: 'timeseries', unit: 'short', queries: ['active', 'reading', 'writing', 'waiting'].map((x) => ({ expr: `sum(nginx_connections_${x}{${s}})`, legend: x })) },
      ],
    }],
  });
}

export function ingressNginxDashboard(p: Props) {
  const s = `job=${JSON.stringify(p.job)},namespace=~"$namespace",ingress=~"$ingress"`;
  const m = 'nginx_ingress_controller_requests';
  return mixinBoard({
    uid: p.uid, title: `${p.component} / ingress-nginx`, tags: ['nginx', 'ingress'], stack: p.stack, folder: p.stack, datasource: p.datasource, source: p.source,
    variables: [
      { name: 'namespace', label: 'Namespace', query: `label_values(${m}{job=${JSON.stringify(p.job)}}, namespace)` },
      { name: 'ingress', label: 'Ingress', query: `label_values(${m}{job=${JSON.stringify(p.job)},namespace=~"$namespace"}, ingress)` },
    ],
    rows: [{
      title: 'Ingresses',
      panels: [
        { title: 'Requests per ingress', kind: 'timeseries', unit: 'reqps', queries: [{ expr: `sum by (namespace, ingress) (rate(${m}{${s}}[$__rate_interval]))`, legend: '{{namespace}}/{{ingress}}' }] },
        { title: INGRESS_PANELS.errorRatio, kind: 'timeseries', unit: 'percentunit', min: 0, thresholds: p.errorRatio !== undefined ? [{ value: p.errorRatio, color: 'red' }] : undefined, queries: [{ expr: `sum by (namespace, ingress) (rate(${m}{${s},status=~"5.."}[$__rate_interval])) / (sum by (namespace, ingress) (rate(${m}{${s}}[$__rate_interval])) > 0)`, legend: '{{namespace}}/{{ingress}}' }] },
        { title: 'p95 latency per ingress', kind: 'timeseries', unit: 's', queries: [{ expr: `histogram_quantile(0.95, sum by (namespace, ingress, le) (rate(nginx_ingress_controller_request_duration_seconds_bucket{${s}}[$__rate_interval])))`, legend: '{{namespace}}/{{ingress}}' }] },
        { title: INGRESS_PANELS.reload, kind: 'timeseries', unit: 'short', min: 0, max: 1, queries: [{ expr: `nginx_ingress_controller_config_last_reload_successful{job=${JSON.stringify(p.job)}}`, legend: '{{controller_pod}}' }], description: '1: the last reload succeeded.' },
      ],
    }],
  });
}
