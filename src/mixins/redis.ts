/**
 * redis mixin (redis_exporter, default port 9121): scrape job, alerts (down, memory vs
 * maxmemory guarded against maxmemory 0, replication link down, replica offset lag,
 * rejected connections, evictions), dashboard, runbooks and promtool scenarios.
 */
import { z } from 'zod';
import { defineComponent, type Component } from '../core/component.ts';
import { emptyContribution, type Rule } from '../core/model.ts';
import { alertName, duration, severity } from '../core/schema.ts';
import { evictionsAlert, memoryAlert, redisDownAlert, rejectedConnectionsAlert, replicaLagAlert, replicationLinkAlert, type RedisTarget } from '../alerts/redis.ts';
import { redisDashboard } from '../dashboards/redis.ts';
import { alertKnob, jobName, panelLinker } from './knobs.ts';
import { exporterScrapeJob, exporterTarget, fixtureInstance, mixinDashboardUid } from './exporter.ts';

const EXPORTER = 'redis_exporter';

export const redisSchema = z
  .object({
    /** redis_exporter targets, `host` or `host:port` (default port 9121). */
    targets: z.array(exporterTarget).min(1).optional(),
    /** @default 'redis' */
    job: jobName.default('redis'),
    /** Set to false when the job is defined elsewhere in the stack. @default true */
    ownJob: z.boolean().default(true),
    /** @default 'redis' */
    component: z.string().default('redis'),
    scrapeInterval: duration.optional(),
    /** redis_up == 0. Defaults: critical, for 2m. */
    down: alertKnob({ name: 'RedisDown', for: '2m', severity: 'critical' }, {}),
    memory: z
      .union([
        z
          .object({
            /** Share of maxmemory. @default 0.9 */
            above: z.number().gt(0).lt(1).default(0.9),
            /** @default '5m' */
            for: duration.default('5m'),
            /** @default 'critical' */
            severity: severity.default('critical'),
            /** @default 'RedisMemoryHigh' */
            name: alertName.default('RedisMemoryHigh'),
          })
          .strict(),
        z.literal(false),
      ])
      .default({ above: 0.9, for: '5m', severity: 'critical', name: 'RedisMemoryHigh' }),
    /** A replica's link to its primary is down. Defaults: critical, for 2m. */
    replicationLink: alertKnob({ name: 'RedisReplicationBroken', for: '2m', severity: 'critical' }, {}),
    /** Bytes a replica is behind the primary's offset. Defaults: above 10 MiB, warning, for 5m. */
    replicaLag: alertKnob({ name: 'RedisReplicaLagging', for: '5m', severity: 'warning' }, { aboveBytes: z.number().positive().default(10 * 1024 ** 2) }),
    /** Connections refused at maxclients. Defaults: window 5m, warning, for 1m. */
    rejectedConnections: alertKnob({ name: 'RedisRejectedConnections', for: '1m', severity: 'warning' }, { window: duration.default('5m') }),
    /** Keys evicted per second. Defaults: above 0, window 5m, warning, for 15m. */
    evictions: alertKnob({ name: 'RedisEvictingKeys', for: '15m', severity: 'warning' }, { above: z.number().nonnegative().default(0), window: duration.default('5m') }),
    /** Generate the dashboard. @default true */
    dashboard: z.boolean().default(true),
  })
  .strict();

export type RedisProps = z.input<typeof redisSchema>;
export type RedisConfig = z.output<typeof redisSchema>;

export const redis: (props: RedisProps) => Component<RedisConfig> = defineComponent('redis', redisSchema, (props, ctx) => {
  const out = emptyContribution();
  const job = exporterScrapeJob(props, EXPORTER, ctx, 'redis');
  if (job) out.scrapeJobs.push(job);
  const uid = mixinDashboardUid(ctx, 'redis', props.job);
  let panelIds: Map<string, number> | undefined;
  if (props.dashboard) {
    const d = redisDashboard({ uid, job: props.job, component: props.component, stack: ctx.stack.name, datasource: ctx.datasource, ...(props.memory ? { memory: props.memory.above } : {}), source: ctx.path });
    out.dashboards.push(d.file);
    panelIds = d.panelIds;
  }
  const t: RedisTarget = { component: props.component, job: props.job, instance: fixtureInstance(props.targets, EXPORTER, props.job), runbookUrl: ctx.runbookUrl, panelUrl: panelLinker(ctx, uid, panelIds) };
  const p = ctx.path;
  const rules: Rule[] = [];
  if (props.down) rules.push(redisDownAlert(t, props.down, `${p}.down`));
  if (props.memory) rules.push(memoryAlert(t, props.memory, `${p}.memory`));
  if (props.replicationLink) rules.push(replicationLinkAlert(t, props.replicationLink, `${p}.replicationLink`));
  if (props.replicaLag) rules.push(replicaLagAlert(t, props.replicaLag, `${p}.replicaLag`));
  if (props.rejectedConnections) rules.push(rejectedConnectionsAlert(t, props.rejectedConnections, `${p}.rejectedConnections`));
  if (props.evictions) rules.push(evictionsAlert(t, props.evictions, `${p}.evictions`));
  if (rules.length) out.ruleGroups.push({ name: props.job, rules, source: p });
  return out;
});
