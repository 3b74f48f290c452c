import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildStack, defineStack, synth, trySynth, type AlertRule, type Bundle } from 'obsgen';
import { runBundleTests } from '../../src/cli/runtests.ts';
import { metricNames } from '../../src/core/promql.ts';
import { lookupMetric } from '../../src/scrape/catalog/index.ts';
import { host } from '../../src/mixins/host.ts';
import { targets } from '../../src/mixins/targets.ts';
import { postgres } from '../../src/mixins/postgres.ts';
import { redis } from '../../src/mixins/redis.ts';
import { kafka } from '../../src/mixins/kafka.ts';
import { checkName, tempDir, unavailable } from '../helpers.ts';
import stack from './stack.ts';

const bundle = synth(stack);
const rules = bundle.ruleGroups.flatMap((g) => g.rules);
const alerts = rules.filter((r): r is AlertRule => r.kind === 'alert');
const alert = (name: string, severity?: string) => alerts.find((a) => a.name === name && (!severity || a.labels.severity === severity))!;

const base = () => ({
  name: 'guards',
  alerting: { receivers: { team: { webhook: { url: 'http://127.0.0.1:9999/hook' } } }, routes: [{ match: { severity: 'critical' }, receiver: 'team' }] },
});
const one = (component: { kind: string }): Bundle => synth(defineStack({ ...base(), mixins: [component as ReturnType<typeof host>] }));

/** Every query text of a dashboard model. */
function dashboardExprs(model: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.expr === 'string') out.push(o.expr);
      Object.values(o).forEach(walk);
    }
  };
  walk(model);
  return out;
}

describe('mixin catalog stack (targets, host, postgres, mysql, redis, kafka)', () => {
  it('names only metrics the catalog knows (recording rule outputs aside)', () => {
    const recorded = new Set(rules.filter((r) => r.kind === 'record').map((r) => r.name));
    const unknown = new Set<string>();
    const exprs = [...rules.map((r) => r.expr), ...bundle.dashboards.filter((d) => !d.uid.endsWith('-overview')).flatMap((d) => dashboardExprs(d.model))];
    for (const expr of exprs) for (const m of metricNames(expr.replace(/\$__rate_interval/g, '5m'))) if (!recorded.has(m) && !lookupMetric(m)) unknown.add(m);
    expect([...unknown]).toEqual([]);
    expect(exprs.length).toBeGreaterThan(100);
  });

  it('gives every alert severity, service, summary, description, runbook and dashboard links', () => {
    expect(alerts.length).toBeGreaterThanOrEqual(35);
    for (const a of alerts) {
      expect(['critical', 'warning', 'info', 'none'], a.name).toContain(a.labels.severity);
      expect(a.labels.service, a.name).toBeTruthy();
      expect(a.annotations.summary, a.name).toBeTruthy();
      expect(a.annotations.runbook_url, a.name).toMatch(new RegExp(`/${a.name}\\.md$`));
      expect(a.runbook?.diagnosis.length, a.name).toBeGreaterThan(0);
      expect(a.runbook?.mitigation.length, a.name).toBeGreaterThan(0);
      if (a.name !== 'Watchdog') expect(a.annotations.dashboard_url, a.name).toMatch(/\/d\/mixins-core-[a-z]+-[a-z-]+\?viewPanel=\d+$/);
    }
    const services = new Set(alerts.map((a) => a.labels.service));
    expect([...services].sort()).toEqual(['host', 'kafka', 'mysql', 'prometheus', 'redis', 'timescaledb']);
  });

  it('only uses {{ $labels.x }} for labels the expression keeps (the fixtures prove it)', () => {
    for (const a of alerts) {
      const used = [...a.annotations.description!.matchAll(/\$labels\.(\w+)/g)].map((m) => m[1]!);
      const firing = a.tests.flatMap((t) => t.checks.flatMap((c) => c.firing.filter((f) => !f.rule)));
      expect(firing.length, a.name).toBeGreaterThan(0);
      for (const f of firing) for (const l of used) expect(Object.keys(f.labels), `${a.name} ${l}`).toContain(l);
    }
  });

  it('uses the catalog default ports for bare hosts and the seeds thresholds', () => {
    const jobs = Object.fromEntries(bundle.scrapeJobs.map((j) => [j.name, j]));
    expect(jobs.node?.staticConfigs?.[0]?.targets).toEqual(['db-1:9100', 'db-2:9100']);
    expect(jobs.timescaledb?.staticConfigs?.[0]?.targets).toEqual(['timescaledb-exporter:9187']);
    expect(jobs.redis?.staticConfigs?.[0]?.targets).toEqual(['redis-exporter:9121']);
    expect(jobs.kafka?.staticConfigs?.[0]?.targets).toEqual(['kafka-exporter:9308']);
    expect(jobs.kafka?.exporter).toBe('kafka_exporter');
    expect(alert('HostDiskUsageHigh', 'warning').expr).toMatch(/> 70\nand/);
    expect(alert('HostDiskUsageHigh', 'critical').expr).toMatch(/> 85\nand/);
    expect(alert('PostgresReplicationLag').expr).toMatch(/^pg_replication_lag_seconds\{job="timescaledb"\} > 1\n/);
    expect(alert('KafkaConsumerGroupLagSeconds').expr).toMatch(/> 5$/);
    expect(alert('KafkaBrokersMissing').expr).toBe('kafka_brokers{job="kafka"} < 3');
  });

  describe('on disk', () => {
    let out: string;
    let outcome: ReturnType<typeof buildStack>;
    beforeAll(() => {
      out = tempDir();
      outcome = buildStack(stack, out);
    }, 60_000);

    it('passes promtool check rules and check config, amtool and docker-compose', () => {
      expect(outcome.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(outcome.ok).toBe(true);
      expect(outcome.verify?.missing).toEqual(unavailable('promtool', 'amtool'));
      expect(outcome.verify?.ran.map((r) => `${r.tool}: ${r.ok}`)).toContain(`${checkName('promtool check rules')}: true`);
      expect(outcome.verify?.ran.every((r) => r.ok)).toBe(true);
    });

    it('passes every generated rule test through promtool', () => {
      const s = runBundleTests(join(out, 'mixins-core'), 'mixins-core');
      expect(s.missing).toEqual([]);
      expect(s.ruleFailures).toEqual([]);
      expect(s.routeFailures).toEqual([]);
      expect(s.ruleCases).toBeGreaterThanOrEqual(2 * alerts.length);
    }, 120_000);
  });
});

describe('guards', () => {
  it('postgres judges replication lag on replicas only, with a primary scenario', () => {
    const a = alert('PostgresReplicationLag');
    expect(a.expr).toContain('and on (instance, job)\npg_replication_is_replica{job="timescaledb"} == 1');
    const primary = a.tests.find((t) => t.name.includes('primary'))!;
    expect(primary.series.find((s) => s.series.startsWith('pg_replication_is_replica'))?.values).toMatch(/^0x/);
    expect(primary.checks.every((c) => c.firing.length === 0)).toBe(true);
  });

  it('redis memory divides only by a maxmemory above 0', () => {
    const a = alert('RedisMemoryHigh');
    expect(a.expr).toContain('(redis_memory_max_bytes{job="redis"} > 0)');
    const t = a.tests.find((x) => x.name.includes('maxmemory is 0'))!;
    expect(t.series.find((s) => s.series.startsWith('redis_memory_max_bytes'))?.values).toBe('0x40');
    expect(t.checks[0]!.firing).toEqual([]);
  });

  it('host filesystem alerts skip read-only mounts and excluded types', () => {
    for (const a of alerts.filter((x) => /^Host(Disk|Inode)/.test(x.name))) {
      expect(a.expr, a.name).toContain('fstype!~"tmpfs|ramfs|devtmpfs|overlay|squashfs|nsfs|fuse.*"');
      expect(a.expr, a.name).toMatch(/node_filesystem_readonly\{[^}]+\} == 0/);
    }
    const top = alert('HostDiskUsageHigh', 'critical');
    expect(top.tests.map((t) => t.name)).toEqual(expect.arrayContaining(['stays quiet on a read-only filesystem', 'stays quiet on an excluded filesystem type (tmpfs)']));
    const m = one(host({ targets: ['h'], mountpointExclude: '/boot.*', fstypeExclude: 'tmpfs|overlay' }));
    expect(m.ruleGroups[0]!.rules.find((r) => r.name === 'HostDiskUsageHigh')!.expr).toContain('fstype!~"tmpfs|overlay",mountpoint!~"/boot.*"');
  });

  it('ratios are guarded against low traffic and division by zero', () => {
    expect(alert('HostNetworkErrors').expr).toMatch(/rate\(node_network_transmit_packets_total\{[^}]+\}\[5m\]\) > 1\n\)\n> 0\.01$/);
    expect(alert('HostNetworkErrors').tests.map((t) => t.name)).toContain('stays quiet under the minimum packet rate even when every packet fails');
    expect(alert('KafkaConsumerGroupLagSeconds').expr).toContain('(job_topic:kafka_topic_partition_current_offset:rate5m{job="kafka"} > 1)');
    expect(alert('KafkaConsumerGroupLagSeconds').tests.map((t) => t.name)).toContain('stays quiet when nothing is produced (no division by zero)');
    expect(alert('MysqlConnectionsHigh').expr).toContain('(mysql_global_variables_max_connections{job="mysql"} > 0)');
    expect(alert('KafkaConsumerGroupLag').expr).toContain('consumergroup=~"trading-.*"');
  });

  it('warning and critical tiers share a name and differ in severity and threshold', () => {
    const w = alert('HostMemoryUsageHigh', 'warning');
    const c = alert('HostMemoryUsageHigh', 'critical');
    expect(w.expr.replace('> 80', '> X')).toBe(c.expr.replace('> 90', '> X'));
    const both = c.tests.find((t) => t.name.startsWith('fires'))!;
    expect(both.checks.at(-1)!.firing.map((f) => f.rule?.labels.severity ?? 'critical')).toEqual(['warning', 'critical']);
    const cpu = one(host({ targets: ['h'], cpu: { critical: 95 }, memory: false, disk: { critical: false } }));
    const names = cpu.ruleGroups[0]!.rules.map((r) => `${r.name}/${(r as AlertRule).labels.severity}`);
    expect(names).toEqual(expect.arrayContaining(['HostHighCpuUsage/warning', 'HostHighCpuUsage/critical', 'HostDiskUsageHigh/warning']));
    expect(names.some((n) => n.startsWith('HostMemoryUsageHigh'))).toBe(false);
    expect(names).not.toContain('HostDiskUsageHigh/critical');
  });

  it('absent() waits at least two scrape intervals and reports a shorter for', () => {
    const a = alert('JobAbsent');
    expect(a.for).toBe('5m');
    expect(a.expr).toContain('absent(up{job="kafka"})');
    const slow = one(targets({ jobs: [{ name: 'batch', scrapeInterval: '5m' }] }));
    expect(slow.ruleGroups[0]!.rules.find((r) => r.name === 'JobAbsent')).toMatchObject({ for: '10m' });
    const bad = trySynth(defineStack({ ...base(), mixins: [targets({ jobs: [{ name: 'batch', scrapeInterval: '5m' }], jobAbsent: { for: '5m' } })] }));
    expect(bad.diagnostics.errors.map((e) => `${e.path} ${e.code}`)).toEqual(['mixins[0].jobAbsent.for absent-for']);
    const nothingScraped = trySynth(defineStack({ ...base(), prometheus: { selfMonitoring: false }, mixins: [targets({})] }));
    expect(nothingScraped.diagnostics.errors.map((e) => e.code)).toEqual(['absent-needs-jobs']);
  });

  it('without jobs, watches every scrape job of the stack, also those of later mixins, with the slowest interval', () => {
    const all = synth(
      defineStack({
        ...base(),
        mixins: [targets({ excludeJobs: 'alertmanager' }), host({ targets: ['n1:9100'] }), redis({ targets: ['r:9121'], scrapeInterval: '4m' })],
      }),
    );
    const absent = all.ruleGroups.flatMap((g) => g.rules).find((r) => r.name === 'JobAbsent')! as AlertRule;
    expect(absent.expr.match(/job="[^"]+"/g)).toEqual(['job="node"', 'job="prometheus"', 'job="redis"']);
    expect(absent.for).toBe('8m');
  });

  it('the Watchdog always fires with severity none and reaches no receiver by default', () => {
    const w = alert('Watchdog');
    expect(w.expr).toBe('vector(1)');
    expect(w.labels.severity).toBe('none');
    expect(bundle.routeTests.find((t) => t.labels.severity === 'none')?.receivers).toEqual(['default']);
    expect(bundle.inhibitRules.some((r) => r.sourceMatchers[0]?.value === 'JobTargetsDown' && r.targetMatchers[0]?.value === 'TargetDown')).toBe(true);
  });

  it('every alert can be turned off with false, and bad knobs are reported with their path', () => {
    const off = one(redis({ targets: ['r'], down: false, memory: false, replicationLink: false, replicaLag: false, rejectedConnections: false, evictions: false }));
    expect(off.ruleGroups).toEqual([]);
    const pg = one(postgres({ targets: ['p'], down: false, deadlocks: false, slotInactive: false, walRetained: false, replicationLag: false }));
    expect(pg.ruleGroups[0]!.rules.map((r) => r.name)).toEqual(['PostgresConnectionsHigh']);
    const errors = trySynth(defineStack({ ...base(), mixins: [host({ targets: ['h'], disk: { warning: 90, critical: 80 } }), kafka({ targets: ['k:x'] })] })).diagnostics.errors;
    expect(errors.map((e) => e.path)).toEqual(expect.arrayContaining(['mixins[0].disk.warning', 'mixins[1].targets[0]']));
  });

  it('keeps the foundation props of postgres and redis working', () => {
    const b = synth(defineStack({ ...base(), mixins: [postgres({ targets: ['postgres-exporter:9187'], connections: { name: 'DatabaseConnectionsHigh', above: 0.8, for: '2m', severity: 'warning' } }), redis({ targets: ['redis-exporter:9121'], memory: { name: 'RedisMemoryUsageHigh', above: 0.9, for: '5m', severity: 'critical' } })] }));
    const names = b.ruleGroups.flatMap((g) => g.rules.map((r) => r.name));
    expect(names).toEqual(expect.arrayContaining(['DatabaseConnectionsHigh', 'RedisMemoryUsageHigh']));
    const db = b.ruleGroups.flatMap((g) => g.rules).find((r) => r.name === 'DatabaseConnectionsHigh') as AlertRule;
    expect(db.annotations.dashboard_url).toMatch(/\/d\/guards-postgres-postgres\?viewPanel=\d+$/);
  });
});
