/** The RabbitMQ dashboard: health, resources against their limits, message flow. */
import { mixinBoard, type DatasourceRef } from 'obsgen';
import { PANELS } from './alerts.ts';

export function rabbitmqDashboard(p: { uid: string; job: string; component: string; stack: string; datasource: DatasourceRef; memory?: number; fds?: number; source: string }) {
  const s = `job=${JSON.stringify(p.job)},instance=~"$instance"`;
  return mixinBoard({
    uid: p.uid,
    title: `${p.component} / RabbitMQ`,
    tags: ['rabbitmq'],
    stack: p.stack,
    folder: p.stack,
    datasource: p.datasource,
    variables: [{ name: 'instance', label: 'Node', query: `label_values(rabbitmq_identity_info{job=${JSON.stringify(p.job)}}, instance)` }],
    rows: [
      {
        title: 'Health',
        panels: [
          { title: PANELS.up, kind: 'stat', unit: 'short', queries: [{ expr: `sum(up{${s}})` }], thresholds: [{ value: 1, color: 'green' }] },
          {
            title: PANELS.alarms,
            kind: 'stat',
            unit: 'short',
            description: 'Memory, disk and file descriptor alarms set; publishers block while any is.',
            queries: [{ expr: `sum(rabbitmq_alarms_memory_used_watermark{${s}}) + sum(rabbitmq_alarms_free_disk_space_watermark{${s}}) + sum(rabbitmq_alarms_file_descriptor_limit{${s}})` }],
            thresholds: [{ value: 1, color: 'red' }],
          },
          { title: 'Connections', kind: 'stat', unit: 'short', queries: [{ expr: `sum(rabbitmq_connections{${s}})` }] },
          { title: 'Queues', kind: 'stat', unit: 'short', queries: [{ expr: `sum(rabbitmq_queues{${s}})` }] },
        ],
      },
      {
        title: 'Resources',
        panels: [
          {
            title: PANELS.memory,
            kind: 'timeseries',
            unit: 'percentunit',
            min: 0,
            max: 1,
            thresholds: p.memory !== undefined ? [{ value: p.memory, color: 'red' }] : undefined,
            queries: [{ expr: `rabbitmq_process_resident_memory_bytes{${s}} / (rabbitmq_resident_memory_limit_bytes{${s}} > 0)`, legend: '{{instance}}' }],
          },
          { title: PANELS.disk, kind: 'timeseries', unit: 'bytes', min: 0, queries: [{ expr: `rabbitmq_disk_space_available_bytes{${s}}`, legend: '{{instance}}' }, { expr: `rabbitmq_disk_space_available_limit_bytes{${s}}`, legend: '{{instance}} limit' }] },
          {
            title: PANELS.fds,
            kind: 'timeseries',
            unit: 'percentunit',
            min: 0,
            max: 1,
            thresholds: p.fds !== undefined ? [{ value: p.fds, color: 'red' }] : undefined,
            queries: [{ expr: `rabbitmq_process_open_fds{${s}} / (rabbitmq_process_max_fds{${s}} > 0)`, legend: '{{instance}}' }],
          },
        ],
      },
      {
        title: 'Messages',
        panels: [
          { title: PANELS.ready, kind: 'timeseries', unit: 'short', min: 0, queries: [{ expr: `sum by (instance) (rabbitmq_queue_messages_ready{${s}})`, legend: '{{instance}}' }] },
          { title: PANELS.unacked, kind: 'timeseries', unit: 'short', min: 0, queries: [{ expr: `sum by (instance) (rabbitmq_queue_messages_unacked{${s}})`, legend: '{{instance}}' }] },
          {
            title: PANELS.unroutable,
            kind: 'timeseries',
            unit: 'short',
            min: 0,
            queries: [
              { expr: `sum by (instance) (rate(rabbitmq_global_messages_unroutable_dropped_total{${s}}[$__rate_interval]))`, legend: '{{instance}} dropped' },
              { expr: `sum by (instance) (rate(rabbitmq_global_messages_unroutable_returned_total{${s}}[$__rate_interval]))`, legend: '{{instance}} returned' },
            ],
          },
        ],
      },
    ],
    source: p.source,
  });
}
