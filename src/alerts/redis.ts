/** Redis alerts (redis_exporter metrics). */
import { formatNumber } from '../core/decimal.ts';
import { durationMs, formatDuration } from '../core/duration.ts';
import type { AlertRule, Severity } from '../core/model.ts';
import { gaugeValues, seriesSelector } from './series.ts';
import { counter, fireAt, firingChecks, gauge, mixinAlert, quiet, sel, stepsFor, type AlertKnobs, type MixinTarget } from './rulekit.ts';

export interface RedisTarget {
  component: string;
  job: string;
  instance: string;
  runbookUrl: (alert: string) => string;
  dashboardUrl?: string;
  /** dashboard_url of a panel of the mixin dashboard, by title (overrides dashboardUrl). */
  panelUrl?: (title: string) => string | undefined;
}

export interface MemoryAlertProps {
  name: string;
  /** Share of maxmemory, 0-1. */
  above: number;
  for: string;
  severity: Severity;
}

const STEPS = 40;
const MAXMEMORY = 2 * 1024 ** 3;

export function memoryAlert(t: RedisTarget, p: MemoryAlertProps, source: string): AlertRule {
  const sel = `job=${JSON.stringify(t.job)}`;
  const labels = { instance: t.instance, job: t.job };
  const at = formatDuration(durationMs(p.for) + 2 * 60_000);
  const series = (used: number, max: number) => [
    { series: seriesSelector('redis_memory_used_bytes', labels), values: gaugeValues(used, STEPS) },
    { series: seriesSelector('redis_memory_max_bytes', labels), values: gaugeValues(max, STEPS) },
  ];
  const share = Math.min(1, (1 + p.above) / 2);
  const used = Math.round(MAXMEMORY * share);
  return {
    kind: 'alert',
    name: p.name,
    // maxmemory 0 means "no limit": the guard drops it instead of dividing by zero.
    expr: `redis_memory_used_bytes{${sel}}\n  / on (instance, job)\n(redis_memory_max_bytes{${sel}} > 0)\n> ${formatNumber(p.above)}`,
    for: p.for,
    labels: { severity: p.severity, service: t.component },
    annotations: {
      summary: `${t.component}: memory above ${formatNumber(p.above * 100)}% of maxmemory`,
      description: `Redis {{ $labels.instance }} uses {{ $value | humanizePercentage }} of its maxmemory.`,
      runbook_url: t.runbookUrl(p.name),
      ...((t.panelUrl?.(REDIS_PANELS.memory) ?? t.dashboardUrl) ? { dashboard_url: (t.panelUrl?.(REDIS_PANELS.memory) ?? t.dashboardUrl)! } : {}),
    },
    runbook: {
      meaning: 'Redis is close to its maxmemory limit.',
      impact: 'At the limit Redis evicts keys (allkeys-lru) or refuses writes (noeviction): cache hit rate drops or writes fail.',
      diagnosis: [
        { title: 'Memory used vs limit', query: `redis_memory_used_bytes{${sel}} / redis_memory_max_bytes{${sel}}` },
        { title: 'Evictions', query: `rate(redis_evicted_keys_total{${sel}}[5m])` },
        { title: 'Keys per db', query: `redis_db_keys{${sel}}` },
      ],
      mitigation: ['Check for keys without TTL and large keys.', 'Raise maxmemory if the host has room, or shard.', 'Check the eviction policy matches the use (cache vs store).'],
    },
    tests: [
      { name: 'fires near maxmemory', series: series(used, MAXMEMORY), checks: [{ at, firing: [{ labels, value: used / MAXMEMORY }] }] },
      { name: 'stays quiet with room left', series: series(Math.round(MAXMEMORY * p.above * 0.5), MAXMEMORY), checks: [{ at, firing: [] }] },
      { name: 'stays quiet when maxmemory is 0 (no limit)', series: series(used, 0), checks: [{ at, firing: [] }] },
    ],
    source,
  };
}


export const REDIS_PANELS = {
  up: 'Redis up',
  memory: 'Memory used of maxmemory',
  replication: 'Replication link up (replicas)',
  replicaLag: 'Replica offset lag',
  rejected: 'Rejected connections',
  evictions: 'Evicted keys',
} as const;

function mt(t: RedisTarget): MixinTarget {
  return { component: t.component, job: t.job, runbookUrl: t.runbookUrl, panelUrl: (title) => t.panelUrl?.(title) ?? t.dashboardUrl };
}

export function redisDownAlert(t: RedisTarget, k: AlertKnobs, source: string): AlertRule {
  const labels = { instance: t.instance, job: t.job };
  const at = fireAt(k.for);
  const n = stepsFor(at);
  return mixinAlert(
    mt(t),
    k,
    {
      expr: `redis_up{${sel(t.job)}} == 0`,
      summary: `${t.component}: Redis is down`,
      description: 'redis_exporter at {{ $labels.instance }} cannot reach Redis.',
      panel: REDIS_PANELS.up,
      runbook: {
        meaning: 'The exporter runs but cannot connect to or authenticate with Redis.',
        impact: 'Clients of this Redis fail or fall back to the slow path (cache misses on every request).',
        diagnosis: [{ title: 'Exporter and server up', query: `up{${sel(t.job)}} or redis_up{${sel(t.job)}}` }, { title: 'Exporter errors', query: `redis_exporter_last_scrape_error{${sel(t.job)}}` }],
        mitigation: ['Check redis-server and its log (OOM kill, crash on disk full during BGSAVE).', 'With a replica, promote it (Sentinel or manually) if the primary is gone.'],
      },
      tests: [
        { name: 'fires when Redis is unreachable', series: [gauge('redis_up', labels, 0, n)], checks: firingChecks(k.for, at, [{ labels, value: 0 }]) },
        quiet('stays quiet when it is up', [gauge('redis_up', labels, 1, n)], at),
      ],
    },
    source,
  );
}

export function replicationLinkAlert(t: RedisTarget, k: AlertKnobs, source: string): AlertRule {
  const labels = { instance: t.instance, job: t.job, master_host: 'redis-primary', master_port: '6379' };
  const at = fireAt(k.for);
  const n = stepsFor(at);
  return mixinAlert(
    mt(t),
    k,
    {
      expr: `redis_master_link_up{${sel(t.job)}} == 0`,
      summary: `${t.component}: a replica lost its link to the primary`,
      description: 'Replica {{ $labels.instance }} is not connected to its primary {{ $labels.master_host }}:{{ $labels.master_port }}.',
      panel: REDIS_PANELS.replication,
      runbook: {
        meaning: 'The replica\'s replication link is down (only replicas export redis_master_link_up).',
        impact: 'The replica serves ever staler data and cannot take over without data loss.',
        diagnosis: [{ title: 'Link and last I/O', query: `redis_master_link_up{${sel(t.job)}} or redis_master_last_io_seconds_ago{${sel(t.job)}}` }, { title: 'Full syncs in progress', query: `redis_master_sync_in_progress{${sel(t.job)}}` }],
        mitigation: ['Check the primary is up and reachable from the replica.', 'Check client-output-buffer-limit replica: a too small buffer loops full resyncs.'],
      },
      tests: [
        { name: 'fires when the link is down', series: [gauge('redis_master_link_up', labels, 0, n)], checks: firingChecks(k.for, at, [{ labels, value: 0 }]) },
        quiet('stays quiet while the link is up', [gauge('redis_master_link_up', labels, 1, n)], at),
        quiet('stays quiet on a primary (no link series)', [gauge('redis_connected_slaves', { instance: t.instance, job: t.job }, 1, n)], at),
      ],
    },
    source,
  );
}

export function replicaLagAlert(t: RedisTarget, k: AlertKnobs & { aboveBytes: number }, source: string): AlertRule {
  const s = sel(t.job);
  const base = { instance: t.instance, job: t.job };
  const replica = { ...base, slave_ip: '10.0.0.12', slave_port: '6379', slave_state: 'online' };
  const at = fireAt(k.for);
  const n = stepsFor(at);
  const offset = 50 * 1024 ** 3;
  const behind = Math.round(k.aboveBytes * 2);
  const series = (lagBytes: number) => [gauge('redis_master_repl_offset', base, offset, n), gauge('redis_connected_slave_offset_bytes', replica, offset - lagBytes, n)];
  return mixinAlert(
    mt(t),
    k,
    {
      expr: `redis_master_repl_offset{${s}}\n  - ignoring (slave_ip, slave_port, slave_state) group_right\nredis_connected_slave_offset_bytes{${s}}\n> ${formatNumber(k.aboveBytes)}`,
      summary: `${t.component}: a replica lags behind the primary`,
      description: 'Replica {{ $labels.slave_ip }}:{{ $labels.slave_port }} of {{ $labels.instance }} is {{ $value | humanize1024 }}B behind the primary\'s replication offset.',
      panel: REDIS_PANELS.replicaLag,
      runbook: {
        meaning: 'The primary has sent replication data the replica has not acknowledged.',
        impact: 'Reads from the replica are stale; a failover loses the unacknowledged writes.',
        diagnosis: [{ title: 'Bytes behind per replica', query: `redis_master_repl_offset{${s}} - ignoring (slave_ip, slave_port, slave_state) group_right redis_connected_slave_offset_bytes{${s}}` }, { title: 'Seconds since last ACK', query: `redis_connected_slave_lag_seconds{${s}}` }],
        mitigation: ['Check the network between primary and replica.', 'Check the replica is not saturated (CPU, slow disk with appendfsync always).'],
      },
      tests: [
        { name: 'fires when a replica is far behind', series: series(behind), checks: firingChecks(k.for, at, [{ labels: replica, value: behind }]) },
        quiet('stays quiet when the replica keeps up', series(0), at),
      ],
    },
    source,
  );
}

export function rejectedConnectionsAlert(t: RedisTarget, k: AlertKnobs & { window: string }, source: string): AlertRule {
  const labels = { instance: t.instance, job: t.job };
  const at = fireAt(k.for, k.window);
  const n = stepsFor(at);
  const perMin = 2;
  const rejected = perMin * (durationMs(k.window) / 60_000);
  return mixinAlert(
    mt(t),
    k,
    {
      expr: `increase(redis_rejected_connections_total{${sel(t.job)}}[${k.window}]) > 0`,
      summary: `${t.component}: Redis rejects connections`,
      description: `Redis {{ $labels.instance }} rejected {{ $value | humanize }} connections in the last ${k.window} (maxclients reached).`,
      panel: REDIS_PANELS.rejected,
      runbook: {
        meaning: 'Redis refused new clients because maxclients was reached.',
        impact: 'Clients fail to connect; requests that need the cache error or take the slow path.',
        diagnosis: [{ title: 'Clients vs limit', query: `redis_connected_clients{${sel(t.job)}} / redis_max_clients{${sel(t.job)}}` }],
        mitigation: ['Find clients that leak connections (CLIENT LIST, group by addr/name).', 'Use connection pools with bounded size; raise maxclients (and the file descriptor limit).'],
      },
      tests: [
        { name: `fires on ${rejected} rejected connections`, series: [counter('redis_rejected_connections_total', labels, perMin / 60, n)], checks: firingChecks(k.for, at, [{ labels, value: rejected }]) },
        quiet('stays quiet when none are rejected', [counter('redis_rejected_connections_total', labels, 0, n)], at),
      ],
    },
    source,
  );
}

export function evictionsAlert(t: RedisTarget, k: AlertKnobs & { above: number; window: string }, source: string): AlertRule {
  const labels = { instance: t.instance, job: t.job };
  const at = fireAt(k.for, k.window);
  const n = stepsFor(at);
  const rate = Math.max(1, Math.ceil(k.above * 2));
  return mixinAlert(
    mt(t),
    k,
    {
      expr: `rate(redis_evicted_keys_total{${sel(t.job)}}[${k.window}]) > ${formatNumber(k.above)}`,
      summary: `${t.component}: Redis evicts keys`,
      description: 'Redis {{ $labels.instance }} evicts {{ $value | humanize }} keys/s to stay under maxmemory.',
      panel: REDIS_PANELS.evictions,
      runbook: {
        meaning: 'Redis is at maxmemory and its eviction policy removes keys to make room.',
        impact: 'Cache hit ratio falls and load moves to the backing store; with volatile-* policies, keys with TTL go first.',
        diagnosis: [{ title: 'Evictions/s', query: `rate(redis_evicted_keys_total{${sel(t.job)}}[5m])` }, { title: 'Hit ratio', query: `rate(redis_keyspace_hits_total{${sel(t.job)}}[5m]) / (rate(redis_keyspace_hits_total{${sel(t.job)}}[5m]) + rate(redis_keyspace_misses_total{${sel(t.job)}}[5m]))` }],
        mitigation: ['Raise maxmemory or shard if the working set outgrew it.', 'Shorten TTLs of bulky keys; find big keys (redis-cli --bigkeys).'],
      },
      tests: [
        { name: `fires at ${rate} evictions/s`, series: [counter('redis_evicted_keys_total', labels, rate, n)], checks: firingChecks(k.for, at, [{ labels, value: rate }]) },
        quiet('stays quiet without evictions', [counter('redis_evicted_keys_total', labels, 0, n)], at),
      ],
    },
    source,
  );
}
