/**
 * freeagentics (seed 004): the FreeAgentics multi-agent platform: three API servers
 * (metrics on :9090), PostgreSQL with a cross-region replica (via postgres_exporter) and
 * Redis (via redis_exporter), scraped at the seed's intervals (15s, 30s, 15s).
 *
 * The seed's alerting, made sound:
 * - critical pages at once: API down, database down, disk > 90%, security breach (a
 *   failed-authentication rate far above normal);
 * - warnings to email and Slack: CPU > 80%, memory > 85%, error rate > 5%; response time
 *   > 1s to email only;
 * - replication lag < 1s; the latency targets p50 < 100ms, p95 < 300ms, p99 < 500ms as
 *   SLOs (share of requests under each threshold);
 * - cost: daily spend > $500 to the finance team, from a cost exporter's
 *   `cloud_cost_dollars_total` counter (an assumption: the seed names no metric).
 * The six dashboards it lists: System Overview (host), API Performance (service),
 * Database Performance (postgres), Redis Performance (redis), Business Metrics and
 * Security (below; their metric names are obsgen's assumption where the seed names none).
 */
import { dashboard, defineStack, host, httpService, postgres, redis, row, stat, table, targets, timeseries } from 'obsgen';

const api = ['api1:9090', 'api2:9090', 'api3:9090'];

export default defineStack({
  name: 'freeagentics',
  description: 'FreeAgentics multi-agent platform: API servers, PostgreSQL, Redis',
  prometheus: { scrapeInterval: '15s', evaluationInterval: '15s', retention: '30d', externalLabels: { region: 'us-east-1' } },
  // Absolute links for notifications: the seed's domain (api.freeagentics.com, app.freeagentics.com).
  links: {
    grafanaUrl: 'https://grafana.freeagentics.com',
    runbookBaseUrl: 'https://ops.freeagentics.com/runbooks',
    prometheusUrl: 'https://prometheus.freeagentics.com',
    alertmanagerUrl: 'https://alertmanager.freeagentics.com',
  },
  services: [
    httpService({
      name: 'api',
      job: 'api-servers',
      targets: api,
      scrapeInterval: '15s',
      buckets: [0.025, 0.05, 0.1, 0.25, 0.3, 0.5, 1, 2.5, 5, 10],
      alerts: {
        errorRatio: { name: 'ApiHighErrorRate', above: 0.05, for: '5m', severity: 'warning' },
        latency: { name: 'ApiSlowResponses', quantile: 0.95, above: '1s', for: '5m', severity: 'warning' },
      },
      slos: [
        {
          // A 50% objective leaves a burn rate of at most 2x: the default pairs (14.4x, 6x, 3x)
          // could never fire, so this SLO opens tickets on slow, long burns only.
          name: 'latency-p50',
          objective: 50,
          sli: { latency: { below: '100ms' } },
          alerting: {
            pairs: [
              { long: '1d', short: '2h', budget: 5, severity: 'warning' },
              { long: '3d', short: '6h', budget: 10, severity: 'warning' },
            ],
          },
        },
        { name: 'latency-p95', objective: 95, sli: { latency: { below: '300ms' } } },
        { name: 'latency-p99', objective: 99, sli: { latency: { below: '500ms' } } },
      ],
    }),
  ],
  mixins: [
    postgres({ job: 'database', targets: ['postgres-exporter:9187'], scrapeInterval: '30s', connections: { above: 0.8 }, replicationLag: { above: '1s', for: '2m' } }),
    redis({ targets: ['redis-exporter:9121'], scrapeInterval: '15s', memory: { above: 0.9 } }),
    host({ targets: ['api1:9100', 'api2:9100', 'api3:9100'], cpu: { warning: 80 }, memory: { warning: 85, critical: false }, disk: { warning: 80, critical: 90 } }),
    targets({ jobs: ['api-servers', 'database', 'redis', 'node'] }),
  ],
  alerts: [
    {
      name: 'ApiDown',
      group: 'freeagentics',
      expr: 'sum by (job) (up{job="api-servers"}) == 0',
      for: '1m',
      severity: 'critical',
      service: 'api',
      summary: 'All API servers are down',
      description: 'No target of job {{ $labels.job }} answers its scrape: the API is down.',
      runbook: {
        meaning: 'Prometheus cannot scrape any API server.',
        impact: 'The platform is unavailable to users and agents.',
        diagnosis: [{ title: 'API targets', query: 'up{job="api-servers"}' }],
        mitigation: ['Check the load balancer and the API processes.', 'Roll back the last deploy if the outage started with it.'],
      },
      tests: [
        {
          name: 'fires when every API server is down',
          series: api.map((t) => ({ series: `up{job="api-servers",instance="${t}"}`, values: '0x10' })),
          at: '5m',
          firing: [{ labels: { job: 'api-servers' }, value: 0 }],
        },
        {
          name: 'stays quiet while one server is up',
          series: api.map((t, i) => ({ series: `up{job="api-servers",instance="${t}"}`, values: i === 0 ? '1x10' : '0x10' })),
          at: '5m',
          firing: [],
        },
      ],
    },
    {
      name: 'SecurityBreachSuspected',
      group: 'security',
      expr:
        'sum(rate(auth_failures_total{job="api-servers"}[5m])) > 10\nand\nsum(rate(auth_failures_total{job="api-servers"}[5m])) > 5 * sum(rate(auth_failures_total{job="api-servers"}[1d] offset 1d))',
      for: '2m',
      severity: 'critical',
      service: 'security',
      summary: 'Failed authentications far above normal',
      description: '{{ $value | humanize }} failed authentications per second, more than 5 times yesterday\'s rate: a credential-stuffing or brute-force attack is likely.',
      runbook: {
        meaning: 'The failed-login rate is over 10/s and more than five times the same rate a day earlier.',
        impact: 'Accounts may be compromised; the auth endpoints are under load.',
        diagnosis: [
          { title: 'Failures by reason', query: 'sum by (reason) (rate(auth_failures_total[5m]))' },
          { title: 'Failures by instance', query: 'sum by (instance) (rate(auth_failures_total[5m]))' },
        ],
        mitigation: ['Tighten the auth rate limit (nginx auth_limit zone).', 'Block the offending sources at the load balancer.', 'Force password resets for targeted accounts.'],
      },
      tests: [
        {
          name: 'fires on a burst of failed logins (50/s against 1/s a day earlier)',
          series: [{ series: 'auth_failures_total{job="api-servers",instance="api1:9090"}', values: '0+60x2880 172860+3000x60' }],
          at: '48h30m',
          firing: [{ labels: {}, value: 50 }],
        },
        {
          name: 'stays quiet at the usual failure rate',
          series: [{ series: 'auth_failures_total{job="api-servers",instance="api1:9090"}', values: '0+60x2950' }],
          at: '48h30m',
          firing: [],
        },
      ],
    },
    {
      name: 'DailySpendHigh',
      group: 'cost',
      expr: 'sum(increase(cloud_cost_dollars_total[1d])) > 500',
      for: '30m',
      severity: 'warning',
      service: 'cost',
      labels: { team: 'finance' },
      summary: 'Cloud spend over the last day above $500',
      description: 'The last 24 hours cost ${{ $value | printf "%.0f" }}.',
      runbook: {
        meaning: 'The cost exporter reports more than $500 spent in the last 24 hours.',
        impact: 'The monthly projection exceeds budget.',
        diagnosis: [{ title: 'Spend by service', query: 'sum by (service) (increase(cloud_cost_dollars_total[1d]))' }],
        mitigation: ['Look for runaway autoscaling or forgotten resources.', 'Review with the finance team.'],
      },
      tests: [
        {
          name: 'fires at $720 a day',
          interval: '1h',
          series: [{ series: 'cloud_cost_dollars_total{job="cost-exporter"}', values: '0+30x30' }],
          at: '26h',
          firing: [{ labels: {}, value: 720 }],
        },
        {
          name: 'stays quiet at $240 a day',
          interval: '1h',
          series: [{ series: 'cloud_cost_dollars_total{job="cost-exporter"}', values: '0+10x30' }],
          at: '26h',
          firing: [],
        },
      ],
    },
  ],
  scrapeJobs: [{ name: 'cost-exporter', targets: ['cost-exporter:9100'], scrapeInterval: '5m', scrapeTimeout: '30s' }],
  dashboards: [
    dashboard({
      title: 'FreeAgentics / Business Metrics',
      tags: ['business'],
      panels: [
        row('Usage', [
          timeseries({ title: 'Active users', query: 'sum(freeagentics_active_users{job="api-servers"})', legend: 'active users' }),
          timeseries({ title: 'Transactions/s', query: 'sum(rate(freeagentics_transactions_total{job="api-servers"}[$__rate_interval]))', legend: 'transactions', unit: 'ops' }),
        ]),
        row('Cost', [stat({ title: 'Spend, last 24h', query: 'sum(increase(cloud_cost_dollars_total[1d]))', unit: 'currencyUSD', thresholds: [{ value: 500, color: 'red' }] })]),
      ],
    }),
    dashboard({
      title: 'FreeAgentics / Security',
      tags: ['security'],
      panels: [
        row('Authentication', [
          timeseries({ title: 'Failed authentications/s', query: 'sum by (reason) (rate(auth_failures_total{job="api-servers"}[$__rate_interval]))', legend: '{{reason}}', unit: 'ops', thresholds: [{ value: 10, color: 'red' }] }),
          table({ title: 'Failures by instance (1h)', query: 'sum by (instance) (increase(auth_failures_total{job="api-servers"}[1h]))' }),
        ]),
        row('Suspicious activity', [
          timeseries({ title: 'Rate-limited requests/s', query: 'sum(rate(http_requests_total{job="api-servers",code="429"}[$__rate_interval]))', legend: '429', unit: 'reqps' }),
        ]),
      ],
    }),
  ],
  alerting: {
    smtp: { smarthost: 'smtp.freeagentics.example:587', from: 'alerts@freeagentics.example', authUsername: 'alerts', authPasswordFile: '/run/secrets/smtp_password' },
    receivers: {
      pager: { pagerduty: { routingKeyFile: '/run/secrets/pagerduty_routing_key' } },
      'email-slack': {
        email: { to: 'oncall@freeagentics.example' },
        slack: { apiUrlFile: '/run/secrets/slack_api_url', channel: '#freeagentics-alerts' },
      },
      email: { email: { to: 'oncall@freeagentics.example' } },
      finance: { email: { to: 'finance@freeagentics.example' } },
    },
    routes: [
      { match: { severity: 'critical' }, receiver: 'pager', groupWait: '10s', repeatInterval: '1h' },
      { match: { team: 'finance' }, receiver: 'finance', repeatInterval: '24h' },
      { match: { alertname: 'ApiSlowResponses' }, receiver: 'email', repeatInterval: '12h' },
      { match: { severity: 'warning' }, receiver: 'email-slack', repeatInterval: '12h' },
    ],
  },
});
