/** The alerts of probe.test.ts and probe-promtool.test.ts: one of each shape the engine probe finds inputs for. */
// [name, expr, for, summary]: most summaries show no value; where one does, it must print alike on both engines.
export const alerts: [string, string, string?, string?][] = [
  ['ErrorsIncreasing', 'increase(app_errors_total{job="app"}[10m]) > 5', '5m', '{{ $value | humanize }} errors on {{ $labels.job }}'],
  ['RequestRateHigh', 'sum by (instance) (rate(app_requests_total{job="app"}[5m])) > 100', '2m'],
  ['ErrorRatio', 'sum(rate(app_requests_total{job="app",code=~"5.."}[5m])) / sum(rate(app_requests_total{job="app"}[5m])) > 0.05', '10m'],
  ['LatencyHigh', 'histogram_quantile(0.99, sum by (le) (rate(app_duration_seconds_bucket{job="app"}[5m]))) > 0.5', '5m'],
  ['DiskFull', 'node_filesystem_avail_bytes{fstype!="tmpfs"} / node_filesystem_size_bytes{fstype!="tmpfs"} * 100 < 10', '30m'],
  ['ErrorRatioWithTraffic', '(sum(rate(app_requests_total{code=~"5.."}[5m])) / sum(rate(app_requests_total[5m])) > 0.05) and sum(rate(app_requests_total[5m])) > 1', '5m'],
  ['TargetDown', 'up{job=~"app|web"} == 0', '1m', '{{ $labels.job }} is down ({{ $value }})'],
  ['Restarting', 'changes(process_start_time_seconds{job="app"}[15m]) > 2'],
  ['Pinned', 'app_last_seen @ 1700000000 < 5'],
];
export const text = `groups:\n  - name: app\n    rules:\n${alerts
  .map(([name, expr, f, summary]) => `      - alert: ${name}\n        expr: ${JSON.stringify(expr)}\n${f ? `        for: ${f}\n` : ''}        labels:\n          severity: warning\n        annotations:\n          summary: ${JSON.stringify(summary ?? name)}\n`)
  .join('')}`;
