/** The PostgreSQL / TimescaleDB dashboard (postgres_exporter). */
import type { DatasourceRef } from '../core/component.ts';
import { POSTGRES_PANELS } from '../alerts/postgres.ts';
import { mixinBoard } from './mixinboard.ts';

export function postgresDashboard(p: { uid: string; job: string; component: string; stack: string; datasource: DatasourceRef; connections?: number; replicationLag?: number; source: string }) {
  const s = `job=${JSON.stringify(p.job)},instance=~"$instance"`;
  const db = `${s},datname!~"template.*"`;
  return mixinBoard({
    uid: p.uid,
    title: `${p.component} / PostgreSQL`,
    tags: ['postgres'],
    stack: p.stack,
    folder: p.stack,
    datasource: p.datasource,
    variables: [{ name: 'instance', label: 'Instance', query: `label_values(pg_up{job=${JSON.stringify(p.job)}}, instance)` }],
    rows: [
      {
        title: 'Health',
        panels: [
          { title: POSTGRES_PANELS.up, kind: 'stat', unit: 'short', queries: [{ expr: `sum(pg_up{${s}})` }], thresholds: [{ value: 1, color: 'green' }] },
          { title: 'Replicas', kind: 'stat', unit: 'short', queries: [{ expr: `sum(pg_replication_is_replica{${s}})` }] },
          { title: 'Transactions/s', kind: 'stat', unit: 'ops', queries: [{ expr: `sum(rate(pg_stat_database_xact_commit{${db}}[5m]) + rate(pg_stat_database_xact_rollback{${db}}[5m]))` }] },
          { title: 'Database size', kind: 'stat', unit: 'bytes', queries: [{ expr: `sum(pg_database_size_bytes{${s}})` }] },
        ],
      },
      {
        title: 'Connections',
        panels: [
          {
            title: POSTGRES_PANELS.connections,
            kind: 'timeseries',
            unit: 'percentunit',
            min: 0,
            max: 1,
            thresholds: p.connections !== undefined ? [{ value: p.connections, color: 'red' }] : undefined,
            description: 'Client connections over max_connections minus superuser_reserved_connections.',
            queries: [{ expr: `sum by (instance) (pg_stat_activity_count{${s}}) / on (instance) (max by (instance) (pg_settings_max_connections{${s}}) - max by (instance) (pg_settings_superuser_reserved_connections{${s}}))`, legend: '{{instance}}' }],
          },
          { title: 'Connections by state', kind: 'timeseries', unit: 'short', min: 0, queries: [{ expr: `sum by (state) (pg_stat_activity_count{${s}})`, legend: '{{state}}' }] },
          { title: 'Longest transaction', kind: 'timeseries', unit: 's', min: 0, queries: [{ expr: `max by (instance) (pg_stat_activity_max_tx_duration{${s}})`, legend: '{{instance}}' }] },
          { title: POSTGRES_PANELS.deadlocks, kind: 'timeseries', unit: 'short', min: 0, description: 'Deadlocks per minute.', queries: [{ expr: `sum by (datname) (rate(pg_stat_database_deadlocks{${db}}[$__rate_interval])) * 60`, legend: '{{datname}}' }] },
        ],
      },
      {
        title: 'Replication',
        panels: [
          {
            title: POSTGRES_PANELS.replicationLag,
            kind: 'timeseries',
            unit: 's',
            min: 0,
            thresholds: p.replicationLag !== undefined ? [{ value: p.replicationLag, color: 'red' }] : undefined,
            queries: [{ expr: `pg_replication_lag_seconds{${s}} and on (instance, job) pg_replication_is_replica{${s}} == 1`, legend: '{{instance}}' }],
          },
          { title: POSTGRES_PANELS.slots, kind: 'timeseries', unit: 'short', min: 0, queries: [{ expr: `pg_replication_slots_active{${s}}`, legend: '{{slot_name}}' }] },
          { title: POSTGRES_PANELS.walRetained, kind: 'timeseries', unit: 'bytes', min: 0, queries: [{ expr: `pg_replication_slots_pg_wal_lsn_diff{${s}}`, legend: '{{slot_name}}' }] },
          { title: 'Cache hit ratio', kind: 'timeseries', unit: 'percentunit', min: 0, max: 1, queries: [{ expr: `sum by (datname) (rate(pg_stat_database_blks_hit{${db}}[$__rate_interval])) / (sum by (datname) (rate(pg_stat_database_blks_hit{${db}}[$__rate_interval]) + rate(pg_stat_database_blks_read{${db}}[$__rate_interval])) > 0)`, legend: '{{datname}}' }] },
        ],
      },
    ],
    source: p.source,
  });
}
