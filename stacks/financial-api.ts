/**
 * EdgarTools Financial API (seed 002): FastAPI service on :8000 behind nginx, PostgreSQL
 * (via postgres_exporter) and Redis (via redis_exporter). The seed's prometheus.yml,
 * alert_rules.yml and dashboard, made sound:
 * - HighErrorRate is a 5xx *ratio* with a minimum-traffic guard (the seed compared a raw
 *   5xx rate with 0.05, which fires on 3 errors a minute and never on a busy service).
 * - DatabaseConnectionsHigh is a share of usable connections (the seed's "> 80" assumed
 *   max_connections 100; PgBouncer caps server connections at 100 in the seed).
 * - RedisMemoryUsageHigh ignores instances without maxmemory instead of dividing by zero.
 * - Routes: critical pages on-call, warning goes to the team's Slack channel.
 * - SLOs: availability 99.9% and latency 99% under 300ms over 30 days, with the SRE
 *   Workbook's multi-window burn-rate alerts (pages critical, tickets warning).
 */
import { defineStack, httpService, postgres, redis } from 'obsgen';

export default defineStack({
  name: 'financial-api',
  description: 'EdgarTools Financial API: FastAPI, PostgreSQL, Redis',
  prometheus: { scrapeInterval: '15s', evaluationInterval: '15s', externalLabels: { env: 'prod' } },
  // Absolute links for notifications: the seed's domain (api.edgartools.com in its nginx config).
  links: {
    grafanaUrl: 'https://grafana.edgartools.com',
    runbookBaseUrl: 'https://ops.edgartools.com/runbooks',
    prometheusUrl: 'https://prometheus.edgartools.com',
    alertmanagerUrl: 'https://alertmanager.edgartools.com',
  },
  services: [
    httpService({
      name: 'financial-api',
      targets: ['api:8000'],
      scrapeInterval: '5s',
      metrics: { requests: 'http_requests_total', duration: 'http_request_duration_seconds', codeLabel: 'status', errorCodes: '5..' },
      // prom-client's defaults plus 0.3, the latency SLO's threshold.
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.3, 0.5, 1, 2.5, 5, 10],
      slos: [
        { name: 'availability', objective: 99.9, window: '30d', reportingWindows: ['7d'], sli: { errorRatio: {} }, description: 'Requests answered without a 5xx' },
        { name: 'latency', objective: 99, window: '30d', sli: { latency: { below: '300ms' } }, description: 'Requests answered within 300ms' },
      ],
      alerts: {
        errorRatio: { name: 'HighErrorRate', above: 0.05, for: '2m', severity: 'critical' },
        latency: { name: 'SlowResponseTime', quantile: 0.95, above: '2s', for: '5m', severity: 'warning' },
      },
    }),
  ],
  mixins: [
    postgres({ targets: ['postgres-exporter:9187'], connections: { name: 'DatabaseConnectionsHigh', above: 0.8, for: '2m', severity: 'warning' } }),
    redis({ targets: ['redis-exporter:9121'], memory: { name: 'RedisMemoryUsageHigh', above: 0.9, for: '5m', severity: 'critical' } }),
  ],
  alerting: {
    receivers: {
      oncall: { pagerduty: { routingKeyFile: '/run/secrets/pagerduty_routing_key' } },
      team: { slack: { apiUrlFile: '/run/secrets/slack_api_url', channel: '#financial-api-alerts' } },
    },
    routes: [
      { match: { severity: 'critical' }, receiver: 'oncall', repeatInterval: '1h' },
      { match: { severity: 'warning' }, receiver: 'team', repeatInterval: '12h' },
    ],
  },
});
