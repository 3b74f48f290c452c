/** PostgreSQL alerts (postgres_exporter metrics). */
import { formatNumber } from '../core/decimal.ts';
import { formatDuration, durationMs } from '../core/duration.ts';
import type { AlertRule, Severity } from '../core/model.ts';
import { gaugeValues, seriesSelector } from './series.ts';
import { counter, fireAt, firingChecks, gauge, mixinAlert, quiet, sel, stepsFor, type AlertKnobs, type MixinTarget } from './rulekit.ts';

export interface PostgresTarget {
  component: string;
  job: string;
  instance: string;
  runbookUrl: (alert: string) => string;
  dashboardUrl?: string;
  /** dashboard_url of a panel of the mixin dashboard, by title (overrides dashboardUrl). */
  panelUrl?: (title: string) => string | undefined;
}

export interface ConnectionsAlertProps {
  name: string;
  /** Share of usable connections (max_connections minus superuser-reserved), 0-1. */
  above?: number;
  /** Absolute number of connections, as an alternative to `above`. */
  aboveCount?: number;
  for: string;
  severity: Severity;
}

const STEPS = 40;

export function connectionsAlert(t: PostgresTarget, p: ConnectionsAlertProps, source: string): AlertRule {
  const sel = `job=${JSON.stringify(t.job)}`;
  const labels = { instance: t.instance, job: t.job };
  const at = formatDuration(durationMs(p.for) + 2 * 60_000);
  const activity = (n: number) => ({ series: seriesSelector('pg_stat_activity_count', { ...labels, datname: 'app', state: 'active' }), values: gaugeValues(n, STEPS) });
  const settings = (max: number, reserved: number) => [
    { series: seriesSelector('pg_settings_max_connections', labels), values: gaugeValues(max, STEPS) },
    { series: seriesSelector('pg_settings_superuser_reserved_connections', labels), values: gaugeValues(reserved, STEPS) },
  ];
  let expr: string;
  let fire: { used: number; value: number };
  let quietUsed: number;
  let summary: string;
  const max = 100;
  const reserved = 3;
  if (p.aboveCount !== undefined) {
    expr = `sum by (instance, job) (pg_stat_activity_count{${sel}}) > ${formatNumber(p.aboveCount)}`;
    const used = Math.floor(p.aboveCount) + 5;
    fire = { used, value: used };
    quietUsed = Math.max(0, Math.floor(p.aboveCount) - 5);
    summary = `${t.component}: more than ${formatNumber(p.aboveCount)} connections`;
  } else {
    const above = p.above ?? 0.8;
    expr =
      `sum by (instance, job) (pg_stat_activity_count{${sel}})\n  / on (instance, job)\n` +
      `(max by (instance, job) (pg_settings_max_connections{${sel}}) - max by (instance, job) (pg_settings_superuser_reserved_connections{${sel}}) > 0)\n> ${formatNumber(above)}`;
    const used = Math.min(max - reserved, Math.floor((max - reserved) * above) + 2);
    fire = { used, value: used / (max - reserved) };
    quietUsed = Math.floor((max - reserved) * above * 0.5);
    summary = `${t.component}: connections above ${formatNumber(above * 100)}% of max_connections`;
  }
  return {
    kind: 'alert',
    name: p.name,
    expr,
    for: p.for,
    labels: { severity: p.severity, service: t.component },
    annotations: {
      summary,
      description:
        p.aboveCount !== undefined
          ? `{{ $labels.instance }} has {{ $value }} client connections.`
          : `{{ $labels.instance }} uses {{ $value | humanizePercentage }} of its usable connections (max_connections minus superuser_reserved_connections).`,
      runbook_url: t.runbookUrl(p.name),
      ...((t.panelUrl?.(POSTGRES_PANELS.connections) ?? t.dashboardUrl) ? { dashboard_url: (t.panelUrl?.(POSTGRES_PANELS.connections) ?? t.dashboardUrl)! } : {}),
    },
    runbook: {
      meaning: 'The database is close to refusing new connections.',
      impact: 'When max_connections is reached, new clients get "too many connections" errors and requests fail.',
      diagnosis: [
        { title: 'Connections by database and state', query: `sum by (datname, state) (pg_stat_activity_count{${sel}})` },
        { title: 'Limit', query: `pg_settings_max_connections{${sel}}` },
      ],
      mitigation: [
        'Look for idle-in-transaction sessions and the clients holding them.',
        'Put or tune a connection pooler (PgBouncer) in front of the database.',
        'Raise max_connections only with memory to back it.',
      ],
    },
    tests: [
      {
        name: 'fires when connections are high',
        series: [activity(fire.used), ...settings(max, reserved)],
        checks: [{ at, firing: [{ labels, value: fire.value }] }],
      },
      { name: 'stays quiet when connections are low', series: [activity(quietUsed), ...settings(max, reserved)], checks: [{ at, firing: [] }] },
    ],
    source,
  };
}


export const POSTGRES_PANELS = {
  up: 'PostgreSQL up',
  connections: 'Connections used',
  replicationLag: 'Replication lag (replicas)',
  deadlocks: 'Deadlocks',
  slots: 'Replication slots active',
  walRetained: 'WAL retained by slots',
} as const;

function mt(t: PostgresTarget): MixinTarget {
  return { component: t.component, job: t.job, runbookUrl: t.runbookUrl, panelUrl: (title) => t.panelUrl?.(title) ?? t.dashboardUrl };
}

export function postgresDownAlert(t: PostgresTarget, k: AlertKnobs, source: string): AlertRule {
  const s = sel(t.job);
  const labels = { instance: t.instance, job: t.job };
  const at = fireAt(k.for);
  const n = stepsFor(at);
  return mixinAlert(
    mt(t),
    k,
    {
      expr: `pg_up{${s}} == 0`,
      summary: `${t.component}: PostgreSQL is down`,
      description: 'postgres_exporter at {{ $labels.instance }} cannot connect to PostgreSQL.',
      panel: POSTGRES_PANELS.up,
      runbook: {
        meaning: 'The exporter is up but its connection to the database fails: the server is down, refuses connections, or the exporter\'s credentials stopped working.',
        impact: 'Clients of this database fail. If it is the primary, every write fails.',
        diagnosis: [
          { title: 'Exporter and database up', query: `up{${s}} or pg_up{${s}}` },
          { title: 'Exporter errors', query: `pg_exporter_last_scrape_error{${s}}` },
        ],
        mitigation: [
          'Check the server process and its logs (pg_ctl status, journalctl -u postgresql).',
          'Check disk space: a full WAL volume stops PostgreSQL.',
          'If a primary is gone for good, fail over to a replica (patronictl failover).',
        ],
      },
      tests: [
        { name: 'fires when the database is unreachable', series: [gauge('pg_up', labels, 0, n)], checks: firingChecks(k.for, at, [{ labels, value: 0 }]) },
        quiet('stays quiet when it is up', [gauge('pg_up', labels, 1, n)], at),
      ],
    },
    source,
  );
}

export function replicationLagAlert(t: PostgresTarget, k: AlertKnobs & { above: number }, source: string): AlertRule {
  const s = sel(t.job);
  const replica = { instance: t.instance, job: t.job };
  const at = fireAt(k.for);
  const n = stepsFor(at);
  const lag = Math.max(2, Math.ceil(k.above * 3));
  const series = (l: typeof replica, lagS: number, isReplica: number) => [gauge('pg_replication_lag_seconds', l, lagS, n), gauge('pg_replication_is_replica', l, isReplica, n)];
  return mixinAlert(
    mt(t),
    k,
    {
      expr: `pg_replication_lag_seconds{${s}} > ${formatNumber(k.above)}\nand on (instance, job)\npg_replication_is_replica{${s}} == 1`,
      summary: `${t.component}: a replica lags more than ${formatNumber(k.above)}s behind the primary`,
      description: 'Replica {{ $labels.instance }} replays WAL {{ $value | humanizeDuration }} behind the primary.',
      panel: POSTGRES_PANELS.replicationLag,
      runbook: {
        meaning: `A streaming replica has not replayed WAL younger than ${formatNumber(k.above)}s (pg_replication_lag_seconds; 0 when received and replayed positions match, so idle replicas do not fire). Only replicas are judged.`,
        impact: 'Reads from the replica return stale data; a failover to it loses the unreplayed transactions or waits for them.',
        diagnosis: [
          { title: 'Lag per replica', query: `pg_replication_lag_seconds{${s}} and on (instance, job) pg_replication_is_replica{${s}} == 1` },
          { title: 'Bytes behind, seen from the primary', query: `max without (pid) (pg_stat_replication_pg_wal_lsn_diff{${s}})` },
        ],
        mitigation: [
          'Check the replica\'s disk and CPU: replay is single-threaded.',
          'Look for long queries on the replica that conflict with replay (max_standby_streaming_delay).',
          'Check the network between primary and replica.',
        ],
      },
      tests: [
        { name: `fires when a replica lags ${lag}s`, series: series(replica, lag, 1), checks: firingChecks(k.for, at, [{ labels: replica, value: lag }]) },
        quiet('stays quiet when the replica keeps up', series(replica, 0, 1), at),
        quiet('stays quiet on the primary even with a lag value', series(replica, lag, 0), at),
      ],
    },
    source,
  );
}

export function deadlocksAlert(t: PostgresTarget, k: AlertKnobs & { above: number; window: string }, source: string): AlertRule {
  const s = sel(t.job, 'datname!~"template.*"');
  const at = fireAt(k.for, k.window);
  const n = stepsFor(at);
  const labels = { datname: 'app', instance: t.instance, job: t.job };
  const winMin = durationMs(k.window) / 60_000;
  const perMin = Math.ceil((k.above + 1) / winMin) + 1;
  const series = (perMinute: number, db = 'app') => [counter('pg_stat_database_deadlocks', { datid: '16384', datname: db, instance: t.instance, job: t.job }, perMinute / 60, n)];
  return mixinAlert(
    mt(t),
    k,
    {
      expr: `sum by (datname, instance, job) (increase(pg_stat_database_deadlocks{${s}}[${k.window}])) > ${formatNumber(k.above)}`,
      summary: `${t.component}: deadlocks`,
      description: `Database {{ $labels.datname }} on {{ $labels.instance }} had {{ $value | humanize }} deadlocks in the last ${k.window}.`,
      panel: POSTGRES_PANELS.deadlocks,
      runbook: {
        meaning: `Transactions of one database deadlocked more than ${formatNumber(k.above)} times in ${k.window}; PostgreSQL aborted one side of each.`,
        impact: 'The aborted transactions fail with SQLSTATE 40P01; clients that do not retry surface errors.',
        diagnosis: [
          { title: 'Deadlocks per minute', query: `sum by (datname) (rate(pg_stat_database_deadlocks{${s}}[5m])) * 60` },
          { title: 'Locks by mode', query: `sum by (mode) (pg_locks_count{${sel(t.job)}})` },
        ],
        mitigation: ['Read the deadlock reports in the server log (log_lock_waits) for the statements involved.', 'Make the application take locks in a consistent order; keep transactions short.'],
      },
      tests: [
        { name: `fires at ${perMin} deadlocks a minute`, series: series(perMin), checks: firingChecks(k.for, at, [{ labels, value: perMin * winMin }]) },
        quiet('stays quiet without deadlocks', series(0), at),
        quiet('leaves template databases out', series(perMin, 'template1'), at),
      ],
    },
    source,
  );
}

export function slotInactiveAlert(t: PostgresTarget, k: AlertKnobs, source: string): AlertRule {
  const s = sel(t.job);
  const labels = { database: 'app', instance: t.instance, job: t.job, slot_name: 'replica_1' };
  const at = fireAt(k.for);
  const n = stepsFor(at);
  return mixinAlert(
    mt(t),
    k,
    {
      expr: `pg_replication_slots_active{${s}} == 0`,
      summary: `${t.component}: a replication slot is inactive`,
      description: 'Replication slot {{ $labels.slot_name }} on {{ $labels.instance }} has no consumer: it retains WAL until someone reads it or drops it.',
      panel: POSTGRES_PANELS.slots,
      runbook: {
        meaning: 'No replica or logical consumer is connected to the slot.',
        impact: 'The primary keeps every WAL segment since the slot\'s position: pg_wal grows until the disk is full and the primary stops.',
        diagnosis: [
          { title: 'Slots and activity', query: `pg_replication_slots_active{${s}}` },
          { title: 'WAL retained per slot', query: `pg_replication_slots_pg_wal_lsn_diff{${s}}` },
        ],
        mitigation: ['Bring the consumer (replica, CDC connector) back.', 'If it is gone for good, drop the slot: SELECT pg_drop_replication_slot(\'<slot>\').', 'Set max_slot_wal_keep_size to bound the damage.'],
      },
      tests: [
        { name: 'fires on an inactive slot', series: [gauge('pg_replication_slots_active', labels, 0, n)], checks: firingChecks(k.for, at, [{ labels, value: 0 }]) },
        quiet('stays quiet on an active slot', [gauge('pg_replication_slots_active', labels, 1, n)], at),
      ],
    },
    source,
  );
}

export function walRetainedAlert(t: PostgresTarget, k: AlertKnobs & { aboveBytes: number }, source: string): AlertRule {
  const s = sel(t.job);
  const labels = { database: 'app', instance: t.instance, job: t.job, slot_name: 'replica_1' };
  const at = fireAt(k.for);
  const n = stepsFor(at);
  const high = k.aboveBytes * 2;
  return mixinAlert(
    mt(t),
    k,
    {
      expr: `pg_replication_slots_pg_wal_lsn_diff{${s}} > ${formatNumber(k.aboveBytes)}`,
      summary: `${t.component}: a replication slot retains much WAL`,
      description: 'Replication slot {{ $labels.slot_name }} on {{ $labels.instance }} retains {{ $value | humanize1024 }}B of WAL.',
      panel: POSTGRES_PANELS.walRetained,
      runbook: {
        meaning: 'The slot\'s consumer is far behind (or gone): the primary keeps the WAL it has not confirmed.',
        impact: 'pg_wal grows; when its volume fills, the primary stops accepting writes.',
        diagnosis: [
          { title: 'WAL retained per slot', query: `pg_replication_slots_pg_wal_lsn_diff{${s}}` },
          { title: 'Slot active', query: `pg_replication_slots_active{${s}}` },
        ],
        mitigation: ['Find why the consumer is slow or disconnected and fix it.', 'Drop a slot nobody consumes; set max_slot_wal_keep_size.'],
      },
      tests: [
        { name: 'fires when a slot holds back WAL', series: [gauge('pg_replication_slots_pg_wal_lsn_diff', labels, high, n)], checks: firingChecks(k.for, at, [{ labels, value: high }]) },
        quiet('stays quiet when the consumer keeps up', [gauge('pg_replication_slots_pg_wal_lsn_diff', labels, 1024, n)], at),
      ],
    },
    source,
  );
}
