/**
 * nginx alerts. nginx-prometheus-exporter (stub_status) has no status codes, so it gives
 * only availability and dropped connections; ingress-nginx's controller metrics give the
 * per-ingress 5xx ratio (guarded by a minimum request rate) and config reload failures.
 * Neither exposes upstream health (NGINX Plus does): an upstream without endpoints
 * shows as 503s in the 5xx ratio.
 */
import { formatNumber } from '../core/decimal.ts';
import type { AlertRule } from '../core/model.ts';
import { counter, fireAt, firingChecks, gauge, mixinAlert, quiet, sel, stepsFor, type AlertKnobs, type MixinTarget } from './rulekit.ts';

export const NGINX_PANELS = { up: 'nginx up', dropped: 'Dropped connections' } as const;
export const INGRESS_PANELS = { errorRatio: '5xx ratio per ingress', reload: 'Config reload' } as const;

export function nginxDownAlert(t: MixinTarget, k: AlertKnobs, source: string): AlertRule {
  const labels = { instance: 'nginx-exporter:9113', job: t.job };
  const at = fireAt(k.for);
  const n = stepsFor(at);
  return mixinAlert(t, k, {
    expr: `nginx_up{${sel(t.job)}} == 0`,
    summary: `${t.component}: nginx is down`,
    description: 'nginx-prometheus-exporter on {{ $labels.instance }} cannot reach nginx stub_status.',
    panel: NGINX_PANELS.up,
    runbook: {
      meaning: 'The exporter answers but cannot read nginx stub_status: nginx is down or its status endpoint is broken.',
      impact: 'If nginx is down, every site it serves is down.',
      diagnosis: [{ title: 'Exporter and nginx state', query: `nginx_up{${sel(t.job)}}` }, { title: 'Exporter scrape', query: `up{${sel(t.job)}}` }],
      mitigation: ['Check the nginx process and its error log.', 'Check the stub_status location the exporter scrapes (--nginx.scrape-uri).'],
    },
    tests: [
      { name: 'fires when nginx is down', series: [gauge('nginx_up', labels, 0, n)], checks: firingChecks(k.for, at, [{ labels, value: 0 }]) },
      quiet('stays quiet while nginx is up', [gauge('nginx_up', labels, 1, n)], at),
    ],
  }, source);
}

export function nginxDroppedConnectionsAlert(t: MixinTarget, k: AlertKnobs & { above: number; window: string }, source: string): AlertRule {
  const labels = { instance: 'nginx-exporter:9113', job: t.job };
  const w = k.window;
  const at = fireAt(k.for, w);
  const n = stepsFor(at);
  const series = (accepted: number, handled: number) => [counter('nginx_connections_accepted', labels, accepted, n), counter('nginx_connections_handled', labels, handled, n)];
  const dropped = Math.floor(k.above) + 2;
  return mixinAlert(t, k, {
    expr: `sum by (job, instance) (rate(nginx_connections_accepted{${sel(t.job)}}[${w}]))\n- sum by (job, instance) (rate(nginx_connections_handled{${sel(t.job)}}[${w}]))\n> ${formatNumber(k.above)}`,
    summary: `${t.component}: nginx drops connections`,
    description: 'nginx on {{ $labels.instance }} accepts {{ $value | humanize }} connections/s more than it handles.',
    panel: NGINX_PANELS.dropped,
    runbook: {
      meaning: 'Accepted connections exceed handled ones: nginx closes connections because it reached worker_connections or ran out of file descriptors.',
      impact: 'Clients get connection resets.',
      diagnosis: [{ title: 'Active connections', query: `nginx_connections_active{${sel(t.job)}}` }],
      mitigation: ['Raise worker_connections and the file descriptor limit (worker_rlimit_nofile).', 'Scale out nginx.'],
    },
    tests: [
      { name: 'fires when connections are dropped', series: series(10 + dropped, 10), checks: firingChecks(k.for, at, [{ labels, value: dropped }]) },
      quiet('stays quiet when every connection is handled', series(10, 10), at),
    ],
  }, source);
}

export function ingressErrorRatioAlert(t: MixinTarget, k: AlertKnobs & { above: number; minRate: number; window: string }, source: string): AlertRule {
  const w = k.window;
  const m = 'nginx_ingress_controller_requests';
  const expr =
    `sum by (namespace, ingress) (rate(${m}{${sel(t.job, 'status=~"5.."')}}[${w}]))\n  / on (namespace, ingress)\n` +
    `(sum by (namespace, ingress) (rate(${m}{${sel(t.job)}}[${w}])) > ${formatNumber(k.minRate)})\n> ${formatNumber(k.above)}`;
  const at = fireAt(k.for, w);
  const n = stepsFor(at);
  const base = { ingress: 'shop', instance: 'ingress-nginx:10254', job: t.job, namespace: 'prod' };
  const series = (ok: number, failed: number) => [counter(m, { ...base, status: '200' }, ok, n), counter(m, { ...base, status: '503' }, failed, n)];
  const total = Math.max(100, Math.ceil(k.minRate * 4));
  const failing = Math.min(total, Math.ceil(total * 2 * k.above));
  const low = Math.floor(total * k.above * 0.5);
  const tests = [
    { name: `fires when ${failing} of ${total} requests/s are 5xx`, series: series(total - failing, failing), checks: firingChecks(k.for, at, [{ labels: { ingress: 'shop', namespace: 'prod' }, value: failing / total }]) },
    quiet('stays quiet below the threshold', series(total - low, low), at),
    quiet('stays quiet with no traffic', series(0, 0), at),
  ];
  if (k.minRate > 0) tests.push(quiet('stays quiet under the minimum traffic even when every request fails', series(0, k.minRate / 2), at));
  return mixinAlert(t, k, {
    expr,
    summary: `${t.component}: more than ${formatNumber(k.above * 100)}% of an ingress's requests fail`,
    description: `{{ $value | humanizePercentage }} of the requests to ingress {{ $labels.namespace }}/{{ $labels.ingress }} returned 5xx over the last ${w}.`,
    panel: INGRESS_PANELS.errorRatio,
    runbook: {
      meaning: `More than ${formatNumber(k.above * 100)}% of the requests through one ingress returned 5xx, with at least ${formatNumber(k.minRate)} requests/s. 503 often means the backing service has no ready endpoints.`,
      impact: 'Users of the sites behind this ingress get errors.',
      diagnosis: [
        { title: '5xx by status and service', query: `sum by (status, service) (rate(${m}{${sel(t.job, 'status=~"5.."')}}[5m]))` },
        { title: 'Ready endpoints of the backing service (kube-state-metrics)', query: 'kube_pod_status_ready{condition="true"}' },
      ],
      mitigation: ['503: check that the service has ready pods (kubectl get endpoints).', '502/504: check the pods for crashes, timeouts and resource limits.', 'Roll back a recent deploy of the service.'],
    },
    tests,
  }, source);
}

export function ingressReloadFailedAlert(t: MixinTarget, k: AlertKnobs, source: string): AlertRule {
  const labels = { controller_pod: 'ingress-nginx-controller-0', instance: 'ingress-nginx:10254', job: t.job };
  const at = fireAt(k.for);
  const n = stepsFor(at);
  const m = 'nginx_ingress_controller_config_last_reload_successful';
  return mixinAlert(t, k, {
    expr: `${m}{${sel(t.job)}} == 0`,
    summary: `${t.component}: ingress-nginx failed to reload its configuration`,
    description: 'The last configuration reload of controller {{ $labels.controller_pod }} failed: new or changed Ingresses are not served.',
    panel: INGRESS_PANELS.reload,
    runbook: {
      meaning: 'The controller generated an nginx configuration that nginx rejected; it keeps serving the previous one.',
      impact: 'Changes to Ingress objects (new hosts, paths, certificates) do not take effect.',
      diagnosis: [{ title: 'Reload state per controller', query: `${m}{${sel(t.job)}}` }],
      mitigation: ['Read the controller log for the nginx error.', 'Find the Ingress or annotation (often a configuration snippet) that broke it and revert it.'],
    },
    tests: [
      { name: 'fires after a failed reload', series: [gauge(m, labels, 0, n)], checks: firingChecks(k.for, at, [{ labels, value: 0 }]) },
      quiet('stays quiet after a good reload', [gauge(m, labels, 1, n)], at),
    ],
  }, source);
}
