/**
 * trading-platform (seed 001): the ML trading system: inference API behind HAProxy and
 * Istio, a 3-node TimescaleDB cluster (replication lag < 1s), a 3-broker Kafka cluster
 * (consumer lag < 5s), Redis primary + replica (128GB maxmemory), two GPU training
 * servers (dcgm-exporter) and node exporters everywhere.
 *
 * The seed's thresholds: disk 70% warning / 85% critical, memory 80/90, p95 latency
 * between services < 10ms, replication lag < 1s (databases) and < 5s (Kafka), 99.9%
 * uptime during market hours. What an SRE adds where the seed is thin:
 * - an availability SLO on the inference API (99.9%, 30d) and its p95 < 10ms as an alert;
 * - warnings (tickets) only notify during market hours (NYSE, 09:30-16:00 New York time,
 *   Mon-Fri; the interval's location keeps it right across daylight saving time);
 *   pages notify at any time;
 * - the seed's three dashboards: "Training metrics" (GPU plus the trainer's own metrics,
 *   whose names are obsgen's assumption: ml_training_*), "System health" (the host mixin
 *   dashboard and the stack overview) and "Kafka overview" (the kafka mixin dashboard).
 */
import { dashboard, defineStack, gpu, haproxy, host, httpService, kafka, postgres, redis, row, stat, targets, timeseries } from 'obsgen';

const timescale = ['timescaledb-primary', 'timescaledb-replica-1', 'timescaledb-replica-2'];
const nodes = ['gpu-1', 'gpu-2', ...timescale, 'kafka-1', 'kafka-2', 'kafka-3', 'redis-primary', 'redis-replica'];

export default defineStack({
  name: 'trading-platform',
  description: 'ML trading platform: inference API, TimescaleDB, Kafka, Redis, GPU training servers',
  prometheus: { scrapeInterval: '15s', evaluationInterval: '15s', externalLabels: { system: 'trading' } },
  // Absolute links for notifications: the seed names no domain: example.com placeholders, replace them.
  links: {
    grafanaUrl: 'https://grafana.trading.example.com',
    runbookBaseUrl: 'https://ops.trading.example.com/runbooks',
    prometheusUrl: 'https://prometheus.trading.example.com',
    alertmanagerUrl: 'https://alertmanager.trading.example.com',
  },
  services: [
    httpService({
      name: 'inference-api',
      targets: ['inference-api:8000'],
      // The seed's inter-service target is p95 < 10ms: the buckets resolve it.
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      alerts: {
        errorRatio: { above: 0.01, for: '5m', severity: 'critical' },
        latency: { quantile: 0.95, above: '10ms', for: '10m', severity: 'warning' },
      },
      slos: [{ name: 'availability', objective: 99.9, window: '30d', reportingWindows: ['7d'], sli: { errorRatio: {} } }],
    }),
  ],
  mixins: [
    postgres({
      job: 'timescaledb',
      component: 'timescaledb',
      targets: timescale.map((h) => `${h}-exporter:9187`),
      replicationLag: { above: '1s', for: '2m' },
    }),
    kafka({ targets: ['kafka-exporter:9308'], consumerLagSeconds: { above: '5s', for: '5m' }, brokers: { expected: 3 } }),
    redis({ targets: ['redis-primary-exporter:9121', 'redis-replica-exporter:9121'], memory: { above: 0.9 } }),
    gpu({ targets: ['gpu-1:9400', 'gpu-2:9400'] }),
    host({
      targets: nodes.map((h) => `${h}:9100`),
      disk: { warning: 70, critical: 85 },
      memory: { warning: 80, critical: 90 },
    }),
    haproxy({ targets: ['haproxy:8404'] }),
    targets({ jobs: ['inference-api', 'timescaledb', 'kafka', 'redis', 'dcgm-exporter', 'node', 'haproxy'] }),
  ],
  dashboards: [
    dashboard({
      title: 'Trading / Training metrics',
      tags: ['training'],
      panels: [
        row('GPUs', [
          timeseries({ title: 'GPU utilisation', query: 'avg by (Hostname, gpu) (DCGM_FI_DEV_GPU_UTIL{job="dcgm-exporter"})', legend: '{{Hostname}} GPU {{gpu}}', unit: 'percent', min: 0, max: 100 }),
          timeseries({
            title: 'GPU framebuffer used',
            query: 'sum by (Hostname, gpu) (DCGM_FI_DEV_FB_USED{job="dcgm-exporter"}) / sum by (Hostname, gpu) (DCGM_FI_DEV_FB_USED{job="dcgm-exporter"} + DCGM_FI_DEV_FB_FREE{job="dcgm-exporter"})',
            legend: '{{Hostname}} GPU {{gpu}}',
            unit: 'percentunit',
            min: 0,
            max: 1,
          }),
        ]),
        row('Training', [
          timeseries({ title: 'Training loss', query: 'avg by (model) (ml_training_loss)', legend: '{{model}}' }),
          timeseries({ title: 'Samples/s', query: 'sum by (model) (rate(ml_training_samples_processed_total[$__rate_interval]))', legend: '{{model}}', unit: 'ops' }),
          stat({ title: 'Running training jobs', query: 'sum(ml_training_jobs_running)' }),
        ]),
      ],
    }),
  ],
  alerting: {
    receivers: {
      oncall: { pagerduty: { routingKeyFile: '/run/secrets/pagerduty_routing_key' } },
      trading: { slack: { apiUrlFile: '/run/secrets/slack_api_url', channel: '#trading-infra' } },
    },
    timeIntervals: {
      'market-hours': [{ weekdays: ['monday:friday'], times: [{ start: '09:30', end: '16:00' }], location: 'America/New_York' }],
    },
    routes: [
      { match: { severity: 'critical' }, receiver: 'oncall', repeatInterval: '1h' },
      { match: { severity: 'warning' }, receiver: 'trading', activeTimeIntervals: ['market-hours'], repeatInterval: '12h' },
    ],
  },
});
