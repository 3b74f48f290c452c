/** PostgreSQL alerts (postgres_exporter metrics). */
import { formatNumber } from '../core/decimal.ts';
import { formatDuration, durationMs } from '../core/duration.ts';
import type { AlertRule, Severity } from '../core/model.ts';
import { gaugeValues, seriesSelector } from './series.ts';

export interface PostgresTarget {
  component: string;
  job: string;
  instance: string;
  runbookUrl: (alert: string) => string;
  dashboardUrl?: string;
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
      ...(t.dashboardUrl ? { dashboard_url: t.dashboardUrl } : {}),
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

