/**
 * HAProxy alerts over the built-in Prometheus exporter (promex, HAProxy >= 2.0):
 * backends without a live server, the backend 5xx ratio (guarded by a minimum request
 * rate) and requests queueing for a server slot.
 */
import { formatNumber } from '../core/decimal.ts';
import type { AlertRule } from '../core/model.ts';
import { counter, fireAt, firingChecks, gauge, mixinAlert, quiet, sel, stepsFor, type AlertKnobs, type MixinTarget } from './rulekit.ts';

export const HAPROXY_PANELS = {
  servers: 'Live servers per backend',
  errorRatio: '5xx ratio per backend',
  queue: 'Queued requests per backend',
} as const;

const INSTANCE = 'haproxy:8404';

export function haproxyBackendDownAlert(t: MixinTarget, k: AlertKnobs & { proxyExclude?: string }, source: string): AlertRule {
  const s = sel(t.job, ...(k.proxyExclude ? [`proxy!~${JSON.stringify(k.proxyExclude)}`] : []));
  const labels = { instance: INSTANCE, job: t.job, proxy: 'api' };
  const at = fireAt(k.for);
  const n = stepsFor(at);
  const servers = (active: number, backup: number) => [
    gauge('haproxy_backend_active_servers', labels, active, n),
    gauge('haproxy_backend_backup_servers', labels, backup, n),
  ];
  return mixinAlert(
    t,
    k,
    {
      expr: `haproxy_backend_active_servers{${s}} + haproxy_backend_backup_servers{${s}} == 0`,
      summary: `${t.component}: a backend has no live server`,
      description: 'Backend {{ $labels.proxy }} on {{ $labels.instance }} has no active or backup server up: every request to it fails with 503.',
      panel: HAPROXY_PANELS.servers,
      runbook: {
        meaning: 'HAProxy marked every server of a backend down (health checks fail), and no backup server is up.',
        impact: 'HAProxy answers every request routed to this backend with 503 Service Unavailable.',
        diagnosis: [
          { title: 'Server states of the backend', query: `haproxy_server_status{${sel(t.job)},proxy="<backend>"} == 1` },
          { title: 'Health check failures per server', query: `increase(haproxy_server_check_failures_total{${sel(t.job)}}[15m])` },
        ],
        mitigation: [
          'Check the servers behind the backend: are they running and is the health-check URL answering?',
          'Check network reachability from the HAProxy host to the servers.',
          'If a deploy broke the health endpoint, roll it back.',
        ],
      },
      tests: [
        { name: 'fires when no server is up', series: servers(0, 0), checks: firingChecks(k.for, at, [{ labels, value: 0 }]) },
        quiet('stays quiet while a backup server is up', servers(0, 1), at),
        quiet('stays quiet with active servers', servers(2, 0), at),
      ],
    },
    source,
  );
}

export function haproxyErrorRatioAlert(t: MixinTarget, k: AlertKnobs & { above: number; minRate: number; window: string }, source: string): AlertRule {
  const s = sel(t.job);
  const w = k.window;
  const expr =
    `sum by (job, proxy) (rate(haproxy_backend_http_responses_total{${sel(t.job, 'code="5xx"')}}[${w}]))\n  / on (job, proxy)\n` +
    `(sum by (job, proxy) (rate(haproxy_backend_http_responses_total{${s}}[${w}])) > ${formatNumber(k.minRate)})\n> ${formatNumber(k.above)}`;
  const at = fireAt(k.for, w);
  const n = stepsFor(at);
  const base = { instance: INSTANCE, job: t.job, proxy: 'api' };
  const series = (ok: number, failed: number) => [
    counter('haproxy_backend_http_responses_total', { ...base, code: '2xx' }, ok, n),
    counter('haproxy_backend_http_responses_total', { ...base, code: '5xx' }, failed, n),
  ];
  const total = Math.max(100, Math.ceil(k.minRate * 4));
  const failing = Math.min(total, Math.ceil(total * 2 * k.above));
  const low = Math.floor(total * k.above * 0.5);
  const tests = [
    {
      name: `fires when ${failing} of ${total} responses/s are 5xx`,
      series: series(total - failing, failing),
      checks: firingChecks(k.for, at, [{ labels: { job: t.job, proxy: 'api' }, value: failing / total }]),
    },
    quiet('stays quiet below the threshold', series(total - low, low), at),
    quiet('stays quiet with no traffic', series(0, 0), at),
  ];
  if (k.minRate > 0) tests.push(quiet('stays quiet under the minimum traffic even when every response fails', series(0, k.minRate / 2), at));
  return mixinAlert(
    t,
    k,
    {
      expr,
      summary: `${t.component}: more than ${formatNumber(k.above * 100)}% of a backend's responses are 5xx`,
      description: `{{ $value | humanizePercentage }} of the responses of backend {{ $labels.proxy }} were 5xx over the last ${w}.`,
      panel: HAPROXY_PANELS.errorRatio,
      runbook: {
        meaning: `More than ${formatNumber(k.above * 100)}% of the HTTP responses of one backend were 5xx (from the servers, or 502/503/504 from HAProxy itself), with at least ${formatNumber(k.minRate)} responses/s.`,
        impact: 'Users get errors for the requests routed to this backend.',
        diagnosis: [
          { title: '5xx per server of the backend', query: `sum by (server) (rate(haproxy_server_http_responses_total{${sel(t.job, 'code="5xx"')}}[5m]))` },
          { title: 'Connection and response errors', query: `rate(haproxy_backend_connection_errors_total{${s}}[5m]) or rate(haproxy_backend_response_errors_total{${s}}[5m])` },
          { title: 'Live servers', query: `haproxy_backend_active_servers{${s}}` },
        ],
        mitigation: [
          'If one server produces the errors, disable it (set it to MAINT) and investigate it.',
          'If HAProxy produces them (502/504), check server timeouts and connection errors.',
          'Roll back a recent deploy of the backend service.',
        ],
      },
      tests,
    },
    source,
  );
}

export function haproxyQueueAlert(t: MixinTarget, k: AlertKnobs & { above: number }, source: string): AlertRule {
  const labels = { instance: INSTANCE, job: t.job, proxy: 'api' };
  const at = fireAt(k.for);
  const n = stepsFor(at);
  const high = Math.floor(k.above) + 15;
  return mixinAlert(
    t,
    k,
    {
      expr: `haproxy_backend_current_queue{${sel(t.job)}} > ${formatNumber(k.above)}`,
      summary: `${t.component}: requests queue for a backend`,
      description: '{{ $value }} requests are waiting for a free server slot in backend {{ $labels.proxy }} on {{ $labels.instance }}.',
      panel: HAPROXY_PANELS.queue,
      runbook: {
        meaning: `More than ${formatNumber(k.above)} requests have been waiting for a server slot (every server at its maxconn) for ${k.for}.`,
        impact: 'Queued requests wait up to `timeout queue` and then fail with 503; latency grows for everyone.',
        diagnosis: [
          { title: 'Sessions vs limit per backend', query: `haproxy_backend_current_sessions{${sel(t.job)}} / haproxy_backend_limit_sessions{${sel(t.job)}}` },
          { title: 'Average response time', query: `haproxy_backend_response_time_average_seconds{${sel(t.job)}}` },
        ],
        mitigation: ['Add servers to the backend or raise their maxconn if they have headroom.', 'Look for slow responses that hold slots (a slow dependency).'],
      },
      tests: [
        { name: 'fires when requests queue', series: [gauge('haproxy_backend_current_queue', labels, high, n)], checks: firingChecks(k.for, at, [{ labels, value: high }]) },
        quiet('stays quiet at the threshold', [gauge('haproxy_backend_current_queue', labels, Math.floor(k.above), n)], at),
      ],
    },
    source,
  );
}
