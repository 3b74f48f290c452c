/**
 * MySQL alerts (mysqld_exporter): down, replication IO and SQL threads stopped, replication
 * lag (minus an intentional SQL_Delay), connections against max_connections (guarded).
 * Replication rules read both the pre-8.4 (`slave_*`, `*_master`) and the 8.4+
 * (`replica_*`, `*_source`) metric names, so an upgrade does not silence them.
 */
import { formatNumber } from '../core/decimal.ts';
import type { AlertRule } from '../core/model.ts';
import { fireAt, firingChecks, gauge, mixinAlert, quiet, sel, stepsFor, type AlertKnobs, type MixinTarget } from './rulekit.ts';

export const MYSQL_PANELS = {
  up: 'MySQL up',
  connections: 'Connections used',
  replicationLag: 'Replication lag',
  threads: 'Replication threads running',
} as const;

export interface MysqlTarget extends MixinTarget {
  instance: string;
}

export function mysqlDownAlert(t: MysqlTarget, k: AlertKnobs, source: string): AlertRule {
  const labels = { instance: t.instance, job: t.job };
  const at = fireAt(k.for);
  const n = stepsFor(at);
  return mixinAlert(
    t,
    k,
    {
      expr: `mysql_up{${sel(t.job)}} == 0`,
      summary: `${t.component}: MySQL is down`,
      description: 'mysqld_exporter at {{ $labels.instance }} cannot connect to MySQL.',
      panel: MYSQL_PANELS.up,
      runbook: {
        meaning: 'The exporter runs but its connection to mysqld fails: the server is down, out of connections, or the exporter\'s credentials changed.',
        impact: 'Clients of this server fail.',
        diagnosis: [{ title: 'Exporter and server up', query: `up{${sel(t.job)}} or mysql_up{${sel(t.job)}}` }],
        mitigation: ['Check mysqld and its error log.', 'Check disk space and max_connections (the exporter needs a connection too).'],
      },
      tests: [
        { name: 'fires when MySQL is unreachable', series: [gauge('mysql_up', labels, 0, n)], checks: firingChecks(k.for, at, [{ labels, value: 0 }]) },
        quiet('stays quiet when it is up', [gauge('mysql_up', labels, 1, n)], at),
      ],
    },
    source,
  );
}

function replicaLabels(t: MysqlTarget) {
  return { instance: t.instance, job: t.job, master_host: 'mysql-primary', master_uuid: '3e11fa47-71ca-11e1-9e33-c80aa9429562' };
}

export function replicationThreadAlert(t: MysqlTarget, k: AlertKnobs, thread: 'io' | 'sql', source: string): AlertRule {
  const s = sel(t.job);
  const labels = replicaLabels(t);
  const at = fireAt(k.for);
  const n = stepsFor(at);
  const legacy = `mysql_slave_status_slave_${thread}_running`;
  const current = `mysql_slave_status_replica_${thread}_running`;
  const what = thread === 'io' ? 'IO thread (receives the binlog from the source)' : 'SQL thread (applies the relay log)';
  return mixinAlert(
    t,
    k,
    {
      expr: `${legacy}{${s}} == 0\nor\n${current}{${s}} == 0`,
      summary: `${t.component}: replication ${thread.toUpperCase()} thread stopped`,
      description: `The replication ${thread.toUpperCase()} thread of {{ $labels.instance }} (source {{ $labels.master_host }}) is not running.`,
      panel: MYSQL_PANELS.threads,
      runbook: {
        meaning: `The replica's ${what} stopped. Only replicas export these series.`,
        impact: thread === 'io' ? 'The replica receives no new changes and falls behind.' : 'The replica stops applying changes; its lag series disappears (Seconds_Behind_Source is NULL), so this alert stands in for the lag alert.',
        diagnosis: [
          { title: 'Thread states', query: `${legacy}{${s}} or ${current}{${s}}` },
          { title: 'Lag', query: `mysql_slave_status_seconds_behind_master{${s}} or mysql_slave_status_seconds_behind_source{${s}}` },
        ],
        mitigation: ['Run SHOW REPLICA STATUS\\G and read Last_IO_Error / Last_SQL_Error.', thread === 'io' ? 'Check network and credentials to the source; check the source still has the binlogs.' : 'Fix the failing statement (duplicate key, missing row) and START REPLICA SQL_THREAD; rebuild the replica if data diverged.'],
      },
      tests: [
        { name: 'fires when the thread stopped', series: [gauge(legacy, labels, 0, n)], checks: firingChecks(k.for, at, [{ labels, value: 0 }]) },
        { name: 'fires with MySQL 8.4 metric names', series: [gauge(current, labels, 0, n)], checks: [{ at, firing: [{ labels, value: 0 }] }] },
        quiet('stays quiet while it runs', [gauge(legacy, labels, 1, n)], at),
      ],
    },
    source,
  );
}

export function mysqlReplicationLagAlert(t: MysqlTarget, k: AlertKnobs & { above: number }, source: string): AlertRule {
  const s = sel(t.job);
  const labels = replicaLabels(t);
  const at = fireAt(k.for);
  const n = stepsFor(at);
  const th = formatNumber(k.above);
  const lag = Math.max(2, Math.ceil(k.above * 4));
  const series = (behind: number, delay: number, newNames = false) => [
    gauge(newNames ? 'mysql_slave_status_seconds_behind_source' : 'mysql_slave_status_seconds_behind_master', labels, behind, n),
    gauge('mysql_slave_status_sql_delay', labels, delay, n),
  ];
  return mixinAlert(
    t,
    k,
    {
      expr:
        `(mysql_slave_status_seconds_behind_master{${s}} - mysql_slave_status_sql_delay{${s}}) > ${th}\nor\n` +
        `(mysql_slave_status_seconds_behind_source{${s}} - mysql_slave_status_sql_delay{${s}}) > ${th}`,
      summary: `${t.component}: a replica lags more than ${th}s`,
      description: 'Replica {{ $labels.instance }} is {{ $value | humanizeDuration }} behind its source (beyond any configured SQL_Delay).',
      panel: MYSQL_PANELS.replicationLag,
      runbook: {
        meaning: `Seconds_Behind_Source minus the intentional SQL_Delay is above ${th}s.`,
        impact: 'Reads from the replica are stale; a failover to it waits or loses data.',
        diagnosis: [
          { title: 'Lag', query: `mysql_slave_status_seconds_behind_master{${s}} or mysql_slave_status_seconds_behind_source{${s}}` },
          { title: 'Write load on the replica', query: `rate(mysql_global_status_innodb_row_ops_total{${s}}[5m])` },
        ],
        mitigation: ['Check the replica\'s disk I/O and CPU.', 'Enable parallel replication (replica_parallel_workers).', 'Look for a large transaction being applied.'],
      },
      tests: [
        { name: `fires when a replica lags ${lag}s`, series: series(lag, 0), checks: firingChecks(k.for, at, [{ labels, value: lag }]) },
        { name: 'fires with MySQL 8.4 metric names', series: series(lag, 0, true), checks: [{ at, firing: [{ labels, value: lag }] }] },
        quiet('stays quiet when the lag is the configured SQL_Delay', series(3600 + Math.floor(k.above / 2), 3600), at),
        quiet('stays quiet when the replica keeps up', series(0, 0), at),
      ],
    },
    source,
  );
}

export function mysqlConnectionsAlert(t: MysqlTarget, k: AlertKnobs & { above: number }, source: string): AlertRule {
  const s = sel(t.job);
  const labels = { instance: t.instance, job: t.job };
  const at = fireAt(k.for, '5m');
  const n = stepsFor(at);
  const max = 1000;
  const used = Math.min(max, Math.round(max * ((1 + k.above) / 2)));
  const series = (connected: number, maxConn: number) => [gauge('mysql_global_status_threads_connected', labels, connected, n), gauge('mysql_global_variables_max_connections', labels, maxConn, n)];
  return mixinAlert(
    t,
    k,
    {
      expr: `max_over_time(mysql_global_status_threads_connected{${s}}[5m])\n  /\n(mysql_global_variables_max_connections{${s}} > 0)\n> ${formatNumber(k.above)}`,
      summary: `${t.component}: connections above ${formatNumber(k.above * 100)}% of max_connections`,
      description: '{{ $labels.instance }} uses {{ $value | humanizePercentage }} of max_connections.',
      panel: MYSQL_PANELS.connections,
      runbook: {
        meaning: 'Connected threads approach max_connections.',
        impact: 'At the limit new clients get "Too many connections" (only one extra SUPER connection is allowed).',
        diagnosis: [
          { title: 'Connected and running threads', query: `mysql_global_status_threads_connected{${s}} or mysql_global_status_threads_running{${s}}` },
          { title: 'Aborted connects', query: `rate(mysql_global_status_aborted_connects{${s}}[5m])` },
        ],
        mitigation: ['Find the clients holding connections (SHOW PROCESSLIST) and idle ones.', 'Use a connection pool; lower pool sizes per app instance.', 'Raise max_connections if memory allows.'],
      },
      tests: [
        { name: `fires at ${used} of ${max} connections`, series: series(used, max), checks: firingChecks(k.for, at, [{ labels, value: used / max }]) },
        quiet('stays quiet with few connections', series(Math.floor(max * k.above * 0.5), max), at),
        quiet('stays quiet when max_connections reads 0', series(used, 0), at),
      ],
    },
    source,
  );
}
