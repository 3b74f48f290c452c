/** Redis alerts (redis_exporter metrics). */
import { formatNumber } from '../core/decimal.ts';
import { durationMs, formatDuration } from '../core/duration.ts';
import type { AlertRule, Severity } from '../core/model.ts';
import { gaugeValues, seriesSelector } from './series.ts';

export interface RedisTarget {
  component: string;
  job: string;
  instance: string;
  runbookUrl: (alert: string) => string;
  dashboardUrl?: string;
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
      ...(t.dashboardUrl ? { dashboard_url: t.dashboardUrl } : {}),
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

