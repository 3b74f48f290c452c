/** The MySQL dashboard (mysqld_exporter). */
import type { DatasourceRef } from '../core/component.ts';
import { MYSQL_PANELS } from '../alerts/mysql.ts';
import { mixinBoard } from './mixinboard.ts';

export function mysqlDashboard(p: { uid: string; job: string; component: string; stack: string; datasource: DatasourceRef; connections?: number; replicationLag?: number; source: string }) {
  const s = `job=${JSON.stringify(p.job)},instance=~"$instance"`;
  return mixinBoard({
    uid: p.uid,
    title: `${p.component} / MySQL`,
    tags: ['mysql'],
    stack: p.stack,
    folder: p.stack,
    datasource: p.datasource,
    variables: [{ name: 'instance', label: 'Instance', query: `label_values(mysql_up{job=${JSON.stringify(p.job)}}, instance)` }],
    rows: [
      {
        title: 'Health',
        panels: [
          { title: MYSQL_PANELS.up, kind: 'stat', unit: 'short', queries: [{ expr: `sum(mysql_up{${s}})` }], thresholds: [{ value: 1, color: 'green' }] },
          { title: 'Queries/s', kind: 'stat', unit: 'ops', queries: [{ expr: `sum(rate(mysql_global_status_queries{${s}}[5m]))` }] },
          { title: 'Slow queries (1h)', kind: 'stat', unit: 'short', queries: [{ expr: `sum(increase(mysql_global_status_slow_queries{${s}}[1h]))` }], thresholds: [{ value: 1, color: 'orange' }] },
          { title: 'Uptime', kind: 'stat', unit: 's', queries: [{ expr: `min(mysql_global_status_uptime{${s}})` }] },
        ],
      },
      {
        title: 'Connections and load',
        panels: [
          {
            title: MYSQL_PANELS.connections,
            kind: 'timeseries',
            unit: 'percentunit',
            min: 0,
            max: 1,
            thresholds: p.connections !== undefined ? [{ value: p.connections, color: 'red' }] : undefined,
            queries: [{ expr: `mysql_global_status_threads_connected{${s}} / (mysql_global_variables_max_connections{${s}} > 0)`, legend: '{{instance}}' }],
          },
          { title: 'Threads running', kind: 'timeseries', unit: 'short', min: 0, queries: [{ expr: `mysql_global_status_threads_running{${s}}`, legend: '{{instance}}' }] },
          { title: 'Commands/s', kind: 'timeseries', unit: 'ops', min: 0, queries: [{ expr: `topk(8, sum by (command) (rate(mysql_global_status_commands_total{${s}}[$__rate_interval])))`, legend: '{{command}}' }] },
        ],
      },
      {
        title: 'Replication',
        panels: [
          {
            title: MYSQL_PANELS.replicationLag,
            kind: 'timeseries',
            unit: 's',
            min: 0,
            thresholds: p.replicationLag !== undefined ? [{ value: p.replicationLag, color: 'red' }] : undefined,
            queries: [{ expr: `mysql_slave_status_seconds_behind_master{${s}} or mysql_slave_status_seconds_behind_source{${s}}`, legend: '{{instance}}' }],
          },
          {
            title: MYSQL_PANELS.threads,
            kind: 'timeseries',
            unit: 'short',
            min: 0,
            max: 1,
            queries: [
              { expr: `mysql_slave_status_slave_io_running{${s}} or mysql_slave_status_replica_io_running{${s}}`, legend: '{{instance}} IO' },
              { expr: `mysql_slave_status_slave_sql_running{${s}} or mysql_slave_status_replica_sql_running{${s}}`, legend: '{{instance}} SQL' },
            ],
          },
        ],
      },
    ],
    source: p.source,
  });
}
