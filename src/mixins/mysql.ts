/**
 * mysql mixin (mysqld_exporter, default port 9104): scrape job, alerts (down, replication
 * IO/SQL thread stopped, replication lag beyond SQL_Delay, connections vs max_connections),
 * dashboard, runbooks and promtool scenarios (MySQL 8.4 metric names included).
 */
import { z } from 'zod';
import { defineComponent, type Component } from '../core/component.ts';
import { durationMs } from '../core/duration.ts';
import { emptyContribution, type Rule } from '../core/model.ts';
import { duration } from '../core/schema.ts';
import { mysqlConnectionsAlert, mysqlDownAlert, mysqlReplicationLagAlert, replicationThreadAlert, type MysqlTarget } from '../alerts/mysql.ts';
import { mysqlDashboard } from '../dashboards/mysql.ts';
import { alertKnob, jobName, ratio } from './knobs.ts';
import { exporterScrapeJob, exporterTarget, fixtureInstance, mixinDashboardUid, mixinTarget } from './exporter.ts';

const EXPORTER = 'mysqld_exporter';

export const mysqlSchema = z
  .object({
    /** mysqld_exporter targets, `host` or `host:port` (default port 9104). Omit with `ownJob: false`. */
    targets: z.array(exporterTarget).min(1).optional(),
    /** @default 'mysql' */
    job: jobName.default('mysql'),
    /** @default true */
    ownJob: z.boolean().default(true),
    /** `service` label of the alerts. @default 'mysql' */
    component: z.string().min(1).default('mysql'),
    scrapeInterval: duration.optional(),
    /** mysql_up == 0. Defaults: critical, for 1m. */
    down: alertKnob({ name: 'MysqlDown', for: '1m', severity: 'critical' }, {}),
    /** Replication IO thread not running. Defaults: critical, for 2m. */
    replicationIoThread: alertKnob({ name: 'MysqlReplicationIoThreadStopped', for: '2m', severity: 'critical' }, {}),
    /** Replication SQL thread not running. Defaults: critical, for 2m. */
    replicationSqlThread: alertKnob({ name: 'MysqlReplicationSqlThreadStopped', for: '2m', severity: 'critical' }, {}),
    /** Seconds behind the source minus SQL_Delay. Defaults: above 30s, warning, for 5m. */
    replicationLag: alertKnob({ name: 'MysqlReplicationLag', for: '5m', severity: 'warning' }, { above: duration.default('30s') }),
    /** Peak connected threads over max_connections. Defaults: above 0.8, warning, for 5m. */
    connections: alertKnob({ name: 'MysqlConnectionsHigh', for: '5m', severity: 'warning' }, { above: ratio.default(0.8) }),
    /** @default true */
    dashboard: z.boolean().default(true),
  })
  .strict();

export type MysqlProps = z.input<typeof mysqlSchema>;
export type MysqlConfig = z.output<typeof mysqlSchema>;

export const mysql: (props: MysqlProps) => Component<MysqlConfig> = defineComponent('mysql', mysqlSchema, (props, ctx) => {
  const out = emptyContribution();
  const job = exporterScrapeJob(props, EXPORTER, ctx, 'mysql');
  if (job) out.scrapeJobs.push(job);
  const uid = mixinDashboardUid(ctx, 'mysql', props.job);
  const lagS = props.replicationLag ? durationMs(props.replicationLag.above) / 1000 : undefined;
  let panelIds: Map<string, number> | undefined;
  if (props.dashboard) {
    const d = mysqlDashboard({
      uid,
      job: props.job,
      component: props.component,
      stack: ctx.stack.name,
      datasource: ctx.datasource,
      ...(props.connections ? { connections: props.connections.above } : {}),
      ...(lagS !== undefined ? { replicationLag: lagS } : {}),
      source: ctx.path,
    });
    out.dashboards.push(d.file);
    panelIds = d.panelIds;
  }
  const t: MysqlTarget = { ...mixinTarget(ctx, props.component, props.job, uid, panelIds), instance: fixtureInstance(props.targets, EXPORTER, props.job) };
  const p = ctx.path;
  const rules: Rule[] = [];
  if (props.down) rules.push(mysqlDownAlert(t, props.down, `${p}.down`));
  if (props.replicationIoThread) rules.push(replicationThreadAlert(t, props.replicationIoThread, 'io', `${p}.replicationIoThread`));
  if (props.replicationSqlThread) rules.push(replicationThreadAlert(t, props.replicationSqlThread, 'sql', `${p}.replicationSqlThread`));
  if (props.replicationLag) rules.push(mysqlReplicationLagAlert(t, { ...props.replicationLag, above: lagS! }, `${p}.replicationLag`));
  if (props.connections) rules.push(mysqlConnectionsAlert(t, props.connections, `${p}.connections`));
  if (rules.length) out.ruleGroups.push({ name: props.job, rules, source: p });
  return out;
});
