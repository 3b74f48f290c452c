/**
 * log-capturer (seed 000): a Go log shipper, three replicas behind HAProxy, tailing
 * /var/log and the Docker socket and shipping to Loki, with a 50k lines/s target.
 * Metrics on :8001, health and admin API on :8401, buffers on the /app/buffer volume,
 * positions and the dead-letter queue under /app/data.
 *
 * What an SRE adds where the seed is thin (it names no metrics and no alerts):
 * - the shipper's metric names are obsgen's assumption (see the logShipper mixin docs);
 *   override `metrics` in one place when the real names differ;
 * - node_exporter on each replica host, with a dedicated alert on the buffer volume,
 *   which fills first when Loki slows down;
 * - the health endpoint probed through blackbox_exporter, Loki's own health, and the
 *   targets mixin (up, absent jobs, Watchdog);
 * - an SLO on delivery: lines sent over lines read, 99.9% over 30 days.
 */
import { defineStack, haproxy, host, logShipper, loki, probes, slo, targets } from 'obsgen';

const replicas = ['log-capturer-1', 'log-capturer-2', 'log-capturer-3'];

export default defineStack({
  name: 'log-capturer',
  description: 'Go log shipper: 3 replicas behind HAProxy, shipping to Loki at up to 50k lines/s',
  prometheus: { scrapeInterval: '15s', evaluationInterval: '15s', externalLabels: { system: 'log-capturer' } },
  // Absolute links for notifications: the seed names no domain: example.com placeholders, replace them.
  links: {
    grafanaUrl: 'https://grafana.log-capturer.example.com',
    runbookBaseUrl: 'https://ops.log-capturer.example.com/runbooks',
    prometheusUrl: 'https://prometheus.log-capturer.example.com',
    alertmanagerUrl: 'https://alertmanager.log-capturer.example.com',
  },
  mixins: [
    logShipper({ targets: replicas.map((r) => `${r}:8001`), targetLinesPerSecond: 50_000 }),
    haproxy({ targets: ['haproxy:8404'], errorRatio: { above: 0.05 } }),
    loki({ targets: ['loki:3100'] }),
    host({
      targets: replicas.map((r) => `${r}:9100`),
      disk: { warning: 70, critical: 85 },
      memory: { warning: 80, critical: 90 },
    }),
    probes({ targets: replicas.map((r) => `http://${r}:8401/health`) }),
    targets({ jobs: ['log-capturer', 'haproxy', 'loki', 'node'] }),
  ],
  slos: [
    slo({
      name: 'delivery',
      service: 'log-capturer',
      objective: 99.9,
      description: 'Lines read from sources are delivered to Loki',
      sli: {
        events: {
          good: 'log_capturer_lines_sent_total{job="log-capturer"}',
          total: 'log_capturer_lines_in_total{job="log-capturer"}',
        },
      },
    }),
  ],
  alerts: [
    {
      name: 'LogBufferVolumeFilling',
      group: 'log-capturer-buffer',
      expr:
        '(1 - node_filesystem_avail_bytes{job="node",mountpoint="/app/buffer"} / (node_filesystem_size_bytes{job="node",mountpoint="/app/buffer"} > 0)) * 100 > 80',
      for: '10m',
      severity: 'warning',
      service: 'log-capturer',
      summary: 'log-capturer buffer volume above 80%',
      description: 'The /app/buffer volume on {{ $labels.instance }} is {{ $value | humanize }}% full: Loki is not keeping up and lines will be dropped when it fills.',
      runbook: {
        meaning: 'The shipper buffers lines on /app/buffer while the sink is slow or down; the volume is nearly full.',
        impact: 'When the buffer is full the shipper drops lines or stops reading sources.',
        diagnosis: [
          { title: 'Buffer volume usage', query: '1 - node_filesystem_avail_bytes{mountpoint="/app/buffer"} / node_filesystem_size_bytes{mountpoint="/app/buffer"}' },
          { title: 'Sink latency p99', query: 'histogram_quantile(0.99, sum by (le) (rate(log_capturer_sink_request_duration_seconds_bucket[5m])))' },
        ],
        mitigation: ['Check Loki ingestion (LokiRequestErrors, LokiDiscardingLines).', 'Check the network path to Loki.', 'Grow the volume or lower the sources feeding this replica.'],
      },
      tests: [
        {
          name: 'fires at 90% used',
          series: [
            { series: 'node_filesystem_avail_bytes{job="node",instance="log-capturer-1:9100",mountpoint="/app/buffer",device="/dev/sdb",fstype="ext4"}', values: '1000x30' },
            { series: 'node_filesystem_size_bytes{job="node",instance="log-capturer-1:9100",mountpoint="/app/buffer",device="/dev/sdb",fstype="ext4"}', values: '10000x30' },
          ],
          at: '15m',
          firing: [{ labels: { job: 'node', instance: 'log-capturer-1:9100', mountpoint: '/app/buffer', device: '/dev/sdb', fstype: 'ext4' }, value: 90 }],
        },
        {
          name: 'stays quiet at 50% used',
          series: [
            { series: 'node_filesystem_avail_bytes{job="node",instance="log-capturer-1:9100",mountpoint="/app/buffer",device="/dev/sdb",fstype="ext4"}', values: '5000x30' },
            { series: 'node_filesystem_size_bytes{job="node",instance="log-capturer-1:9100",mountpoint="/app/buffer",device="/dev/sdb",fstype="ext4"}', values: '10000x30' },
          ],
          at: '15m',
          firing: [],
        },
      ],
    },
  ],
  alerting: {
    receivers: {
      oncall: { pagerduty: { routingKeyFile: '/run/secrets/pagerduty_routing_key' } },
      logging: { slack: { apiUrlFile: '/run/secrets/slack_api_url', channel: '#log-pipeline' } },
    },
    routes: [
      { match: { severity: 'critical' }, receiver: 'oncall' },
      { match: { severity: 'warning' }, receiver: 'logging' },
    ],
  },
});
