/**
 * postgres mixin (postgres_exporter, default port 9187; TimescaleDB is PostgreSQL to it):
 * scrape job, alerts (down, connections vs max minus reserved, replication lag on replicas
 * only, deadlocks, inactive replication slots, WAL retained by slots), dashboard, runbooks.
 */
import { z } from 'zod';
import { defineComponent, type Component } from '../core/component.ts';
import { durationMs } from '../core/duration.ts';
import { emptyContribution, type Rule } from '../core/model.ts';
import { alertName, duration, severity } from '../core/schema.ts';
import { connectionsAlert, deadlocksAlert, postgresDownAlert, replicationLagAlert, slotInactiveAlert, walRetainedAlert, type PostgresTarget } from '../alerts/postgres.ts';
import { postgresDashboard } from '../dashboards/postgres.ts';
import { alertKnob, jobName, panelLinker } from './knobs.ts';
import { exporterScrapeJob, exporterTarget, fixtureInstance, mixinDashboardUid } from './exporter.ts';

const EXPORTER = 'postgres_exporter';

export const postgresSchema = z
  .object({
    /** postgres_exporter targets, `host` or `host:port` (default port 9187). */
    targets: z.array(exporterTarget).min(1).optional(),
    /** @default 'postgres' */
    job: jobName.default('postgres'),
    /** Set to false when the job is defined elsewhere in the stack. @default true */
    ownJob: z.boolean().default(true),
    /** `service` label of the alerts. @default 'postgres' */
    component: z.string().default('postgres'),
    scrapeInterval: duration.optional(),
    /** The exporter cannot reach the database (pg_up == 0). Defaults: critical, for 1m. */
    down: alertKnob({ name: 'PostgresDown', for: '1m', severity: 'critical' }, {}),
    connections: z
      .union([
        z
          .object({
            /** Share of usable connections. @default 0.8 */
            above: z.number().gt(0).lt(1).optional(),
            /** Absolute connection count instead of a share. */
            aboveCount: z.number().int().positive().optional(),
            /** @default '5m' */
            for: duration.default('5m'),
            /** @default 'warning' */
            severity: severity.default('warning'),
            /** @default 'PostgresConnectionsHigh' */
            name: alertName.default('PostgresConnectionsHigh'),
          })
          .strict(),
        z.literal(false),
      ])
      .default({ for: '5m', severity: 'warning', name: 'PostgresConnectionsHigh' }),
    /** Replay lag of replicas (primaries are never judged). Defaults: above 30s, warning, for 5m. */
    replicationLag: alertKnob({ name: 'PostgresReplicationLag', for: '5m', severity: 'warning' }, { above: duration.default('30s') }),
    /** Deadlocks per database over a window. Defaults: above 5 in 5m, warning, for 2m. */
    deadlocks: alertKnob({ name: 'PostgresDeadlocks', for: '2m', severity: 'warning' }, { above: z.number().nonnegative().default(5), window: duration.default('5m') }),
    /** A replication slot without consumer. Defaults: warning, for 30m. */
    slotInactive: alertKnob({ name: 'PostgresReplicationSlotInactive', for: '30m', severity: 'warning' }, {}),
    /** WAL a slot holds back, in bytes. Defaults: above 10 GiB, warning, for 15m. */
    walRetained: alertKnob({ name: 'PostgresReplicationSlotWalRetained', for: '15m', severity: 'warning' }, { aboveBytes: z.number().positive().default(10 * 1024 ** 3) }),
    /** Generate the dashboard. @default true */
    dashboard: z.boolean().default(true),
  })
  .strict();

export type PostgresProps = z.input<typeof postgresSchema>;
export type PostgresConfig = z.output<typeof postgresSchema>;

export const postgres: (props: PostgresProps) => Component<PostgresConfig> = defineComponent('postgres', postgresSchema, (props, ctx) => {
  const out = emptyContribution();
  const job = exporterScrapeJob(props, EXPORTER, ctx, 'postgres');
  if (job) out.scrapeJobs.push(job);
  const uid = mixinDashboardUid(ctx, 'postgres', props.job);
  let panelIds: Map<string, number> | undefined;
  if (props.dashboard) {
    const d = postgresDashboard({
      uid,
      job: props.job,
      component: props.component,
      stack: ctx.stack.name,
      datasource: ctx.datasource,
      ...(props.connections && props.connections.aboveCount === undefined ? { connections: props.connections.above ?? 0.8 } : {}),
      ...(props.replicationLag ? { replicationLag: durationMs(props.replicationLag.above) / 1000 } : {}),
      source: ctx.path,
    });
    out.dashboards.push(d.file);
    panelIds = d.panelIds;
  }
  const t: PostgresTarget = {
    component: props.component,
    job: props.job,
    instance: fixtureInstance(props.targets, EXPORTER, props.job),
    runbookUrl: ctx.runbookUrl,
    panelUrl: panelLinker(ctx, uid, panelIds),
  };
  const p = ctx.path;
  const rules: Rule[] = [];
  if (props.down) rules.push(postgresDownAlert(t, props.down, `${p}.down`));
  if (props.connections) rules.push(connectionsAlert(t, props.connections, `${p}.connections`));
  if (props.replicationLag) rules.push(replicationLagAlert(t, { ...props.replicationLag, above: durationMs(props.replicationLag.above) / 1000 }, `${p}.replicationLag`));
  if (props.deadlocks) rules.push(deadlocksAlert(t, props.deadlocks, `${p}.deadlocks`));
  if (props.slotInactive) rules.push(slotInactiveAlert(t, props.slotInactive, `${p}.slotInactive`));
  if (props.walRetained) rules.push(walRetainedAlert(t, props.walRetained, `${p}.walRetained`));
  if (rules.length) out.ruleGroups.push({ name: props.job, rules, source: p });
  return out;
});
