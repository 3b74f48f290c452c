/**
 * Metrics of the Go log capturer of seed 000 (log_capturer_go): Prometheus metrics on
 * :8001, health and admin API on :8401, 50k lines/s target, a dead-letter queue and a
 * positions file on /app/data. The seed names the ports, the DLQ, the positions file and
 * the throughput target, but NOT the metric names: every name below is obsgen's
 * assumption of how the shipper instruments its pipeline (sources -> queue -> sink),
 * in Prometheus naming style. A shipper that names them differently overrides `metrics`
 * in the logShipper mixin; these entries make the catalog check pass for the defaults.
 */
import { registerExporter } from './index.ts';

export const LOG_CAPTURER_EXPORTER = 'log_capturer_go';

/** Default metric names of the logShipper mixin (all obsgen's assumption, see above). */
export const LOG_CAPTURER_METRICS = {
  /** Lines read from sources (files, docker): counter. */
  linesIn: 'log_capturer_lines_in_total',
  /** Lines the sink (Loki) acknowledged: counter. */
  linesSent: 'log_capturer_lines_sent_total',
  /** Lines given up on (queue full, too large, rejected): counter. */
  linesDropped: 'log_capturer_lines_dropped_total',
  /** Entries waiting in the dead-letter queue: gauge. */
  dlqEntries: 'log_capturer_dlq_entries',
  /** Sink request latency: histogram (seconds). */
  sinkDuration: 'log_capturer_sink_request_duration_seconds',
  /** Unix time the positions file was last written: gauge. */
  positionsSaved: 'log_capturer_positions_last_save_timestamp_seconds',
  /** Lines in the in-memory queue between sources and sink: gauge. */
  queueEntries: 'log_capturer_queue_entries',
} as const;

const M = LOG_CAPTURER_METRICS;

registerExporter({
  key: LOG_CAPTURER_EXPORTER,
  defaultPort: 8001,
  path: '/metrics',
  jobHint: 'log-capturer',
  metrics: [
    { name: M.linesIn, type: 'counter', labels: ['source_type'], note: 'obsgen assumption (seed 000 names no metrics)' },
    { name: M.linesSent, type: 'counter', labels: ['sink'], note: 'obsgen assumption' },
    { name: M.linesDropped, type: 'counter', labels: ['reason'], note: 'obsgen assumption' },
    { name: M.dlqEntries, type: 'gauge', labels: [], note: 'obsgen assumption' },
    { name: M.sinkDuration, type: 'histogram', labels: ['sink', 'status'], unit: 'seconds', note: 'obsgen assumption' },
    { name: M.positionsSaved, type: 'gauge', labels: [], unit: 'seconds', note: 'obsgen assumption; a unix timestamp' },
    { name: M.queueEntries, type: 'gauge', labels: [], note: 'obsgen assumption' },
  ],
});
