/** The Redis dashboard (redis_exporter). */
import type { DatasourceRef } from '../core/component.ts';
import { REDIS_PANELS } from '../alerts/redis.ts';
import { mixinBoard } from './mixinboard.ts';

export function redisDashboard(p: { uid: string; job: string; component: string; stack: string; datasource: DatasourceRef; memory?: number; source: string }) {
  const s = `job=${JSON.stringify(p.job)},instance=~"$instance"`;
  return mixinBoard({
    uid: p.uid,
    title: `${p.component} / Redis`,
    tags: ['redis'],
    stack: p.stack,
    folder: p.stack,
    datasource: p.datasource,
    variables: [{ name: 'instance', label: 'Instance', query: `label_values(redis_up{job=${JSON.stringify(p.job)}}, instance)` }],
    rows: [
      {
        title: 'Health',
        panels: [
          { title: REDIS_PANELS.up, kind: 'stat', unit: 'short', queries: [{ expr: `sum(redis_up{${s}})` }], thresholds: [{ value: 1, color: 'green' }] },
          { title: 'Commands/s', kind: 'stat', unit: 'ops', queries: [{ expr: `sum(rate(redis_commands_processed_total{${s}}[5m]))` }] },
          { title: 'Hit ratio (5m)', kind: 'stat', unit: 'percentunit', queries: [{ expr: `sum(rate(redis_keyspace_hits_total{${s}}[5m])) / (sum(rate(redis_keyspace_hits_total{${s}}[5m])) + sum(rate(redis_keyspace_misses_total{${s}}[5m])) > 0)` }] },
          { title: 'Connected clients', kind: 'stat', unit: 'short', queries: [{ expr: `sum(redis_connected_clients{${s}})` }] },
        ],
      },
      {
        title: 'Memory',
        panels: [
          {
            title: REDIS_PANELS.memory,
            kind: 'timeseries',
            unit: 'percentunit',
            min: 0,
            max: 1,
            thresholds: p.memory !== undefined ? [{ value: p.memory, color: 'red' }] : undefined,
            description: 'used_memory over maxmemory; instances without a limit (maxmemory 0) are not shown.',
            queries: [{ expr: `redis_memory_used_bytes{${s}} / (redis_memory_max_bytes{${s}} > 0)`, legend: '{{instance}}' }],
          },
          { title: REDIS_PANELS.evictions, kind: 'timeseries', unit: 'ops', min: 0, queries: [{ expr: `rate(redis_evicted_keys_total{${s}}[$__rate_interval])`, legend: '{{instance}}' }] },
          { title: 'Memory used', kind: 'timeseries', unit: 'bytes', min: 0, queries: [{ expr: `redis_memory_used_bytes{${s}}`, legend: '{{instance}}' }] },
          { title: REDIS_PANELS.rejected, kind: 'timeseries', unit: 'short', min: 0, queries: [{ expr: `increase(redis_rejected_connections_total{${s}}[$__rate_interval])`, legend: '{{instance}}' }] },
        ],
      },
      {
        title: 'Replication',
        panels: [
          { title: REDIS_PANELS.replication, kind: 'timeseries', unit: 'short', min: 0, max: 1, queries: [{ expr: `redis_master_link_up{${s}}`, legend: '{{instance}}' }] },
          { title: REDIS_PANELS.replicaLag, kind: 'timeseries', unit: 'bytes', min: 0, queries: [{ expr: `redis_master_repl_offset{${s}} - ignoring (slave_ip, slave_port, slave_state) group_right redis_connected_slave_offset_bytes{${s}}`, legend: '{{instance}} -> {{slave_ip}}' }] },
        ],
      },
    ],
    source: p.source,
  });
}
