/**
 * The rabbitmq_prometheus plugin's metrics (RabbitMQ 3.8+, port 15692, aggregated /metrics
 * endpoint) in obsgen's catalog, so lint knows them: a query of a misspelled metric or rate()
 * over a gauge is reported. Names and types as the plugin exposes them (rabbitmq-server
 * deps/rabbitmq_prometheus, and the metric names its RabbitMQ-Overview dashboard queries).
 */
import { registerExporter, type MetricInfo } from 'obsgen';

export const EXPORTER = 'rabbitmq_prometheus';

const m = (name: string, type: MetricInfo['type'], labels: string[] = [], unit?: string): MetricInfo => ({ name, type, labels, ...(unit ? { unit } : {}) });

export const RABBITMQ_METRICS: MetricInfo[] = [
  m('rabbitmq_identity_info', 'info', ['rabbitmq_node', 'rabbitmq_cluster', 'rabbitmq_cluster_permanent_id']),
  m('rabbitmq_build_info', 'info', ['rabbitmq_version', 'erlang_version', 'prometheus_plugin_version', 'prometheus_client_version']),
  m('rabbitmq_erlang_uptime_seconds', 'gauge', [], 'seconds'),
  m('rabbitmq_alarms_memory_used_watermark', 'gauge'),
  m('rabbitmq_alarms_free_disk_space_watermark', 'gauge'),
  m('rabbitmq_alarms_file_descriptor_limit', 'gauge'),
  m('rabbitmq_unreachable_cluster_peers_count', 'gauge'),
  m('rabbitmq_process_resident_memory_bytes', 'gauge', [], 'bytes'),
  m('rabbitmq_resident_memory_limit_bytes', 'gauge', [], 'bytes'),
  m('rabbitmq_disk_space_available_bytes', 'gauge', [], 'bytes'),
  m('rabbitmq_disk_space_available_limit_bytes', 'gauge', [], 'bytes'),
  m('rabbitmq_process_open_fds', 'gauge'),
  m('rabbitmq_process_max_fds', 'gauge'),
  m('rabbitmq_process_open_tcp_sockets', 'gauge'),
  m('rabbitmq_process_max_tcp_sockets', 'gauge'),
  m('rabbitmq_erlang_processes_used', 'gauge'),
  m('rabbitmq_erlang_processes_limit', 'gauge'),
  m('rabbitmq_connections', 'gauge'),
  m('rabbitmq_connections_opened_total', 'counter'),
  m('rabbitmq_connections_closed_total', 'counter'),
  m('rabbitmq_channels', 'gauge'),
  m('rabbitmq_consumers', 'gauge'),
  m('rabbitmq_queues', 'gauge'),
  m('rabbitmq_queue_messages', 'gauge'),
  m('rabbitmq_queue_messages_ready', 'gauge'),
  m('rabbitmq_queue_messages_unacked', 'gauge'),
  m('rabbitmq_global_messages_received_total', 'counter', ['protocol']),
  m('rabbitmq_global_messages_routed_total', 'counter', ['protocol']),
  m('rabbitmq_global_messages_delivered_total', 'counter', ['protocol']),
  m('rabbitmq_global_messages_acknowledged_total', 'counter', ['protocol']),
  m('rabbitmq_global_messages_unroutable_dropped_total', 'counter', ['protocol']),
  m('rabbitmq_global_messages_unroutable_returned_total', 'counter', ['protocol']),
  m('rabbitmq_global_messages_redelivered_total', 'counter', ['protocol']),
];

registerExporter({ key: EXPORTER, defaultPort: 15692, path: '/metrics', jobHint: 'rabbitmq', metrics: RABBITMQ_METRICS });
