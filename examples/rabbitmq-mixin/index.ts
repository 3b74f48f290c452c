/**
 * obsgen-rabbitmq: a RabbitMQ mixin for obsgen, installable next to obsgen and used like a
 * built-in one: `mixins: [rabbitmq({ targets: ['rabbitmq:15692'] })]`. Scrapes the
 * rabbitmq_prometheus plugin (port 15692), with alerts (node down, memory and disk alarms,
 * memory and file descriptors near their limits, unroutable and unacked messages), a dashboard,
 * runbooks, promtool scenarios and the plugin's metrics in obsgen's catalog.
 */
import {
  alertKnob,
  defineComponent,
  durationSchema,
  emptyContribution,
  exporterScrapeJob,
  exporterTarget,
  fixtureInstance,
  jobName,
  mixinDashboardUid,
  panelLinker,
  z,
  type Rule,
} from 'obsgen';
import { EXPORTER } from './catalog.ts';
import { alarmAlert, nodeDownAlert, unackedAlert, unroutableAlert, usageAlert, type RabbitTarget } from './alerts.ts';
import { rabbitmqDashboard } from './dashboard.ts';

export { RABBITMQ_METRICS } from './catalog.ts';

const share = z.number().gt(0).lt(1);

export const rabbitmqSchema = z
  .object({
    /** rabbitmq_prometheus endpoints, `host` or `host:port` (default port 15692). */
    targets: z.array(exporterTarget).min(1).optional(),
    /** @default 'rabbitmq' */
    job: jobName.default('rabbitmq'),
    /** Set to false when the job is defined elsewhere in the stack. @default true */
    ownJob: z.boolean().default(true),
    /** `service` label of the alerts. @default 'rabbitmq' */
    component: z.string().min(1).default('rabbitmq'),
    scrapeInterval: durationSchema.optional(),
    /** Generate the dashboard. @default true */
    dashboard: z.boolean().default(true),
    /** The node's metrics endpoint does not answer. Defaults: critical, for 2m. */
    nodeDown: alertKnob({ name: 'RabbitmqNodeDown', for: '2m', severity: 'critical' }, {}),
    /** Memory alarm set (publishers blocked). Defaults: critical, for 1m. */
    memoryAlarm: alertKnob({ name: 'RabbitmqMemoryAlarm', for: '1m', severity: 'critical' }, {}),
    /** Free disk space alarm set (publishers blocked). Defaults: critical, for 1m. */
    diskAlarm: alertKnob({ name: 'RabbitmqDiskAlarm', for: '1m', severity: 'critical' }, {}),
    /** Memory used of the high watermark. Defaults: above 0.9, warning, for 5m. */
    memory: alertKnob({ name: 'RabbitmqMemoryHigh', for: '5m', severity: 'warning' }, { above: share.default(0.9) }),
    /** File descriptors used of the process limit. Defaults: above 0.8, warning, for 5m. */
    fileDescriptors: alertKnob({ name: 'RabbitmqFileDescriptorsHigh', for: '5m', severity: 'warning' }, { above: share.default(0.8) }),
    /** Unroutable messages (dropped + returned) per second. Defaults: above 0, window 5m, warning, for 5m. */
    unroutable: alertKnob({ name: 'RabbitmqUnroutableMessages', for: '5m', severity: 'warning' }, { above: z.number().nonnegative().default(0), window: durationSchema.default('5m') }),
    /** Delivered, unacknowledged messages per node. Defaults: above 1000, warning, for 15m. */
    unacked: alertKnob({ name: 'RabbitmqTooManyUnackedMessages', for: '15m', severity: 'warning' }, { above: z.number().int().positive().default(1000) }),
  })
  .strict();

export type RabbitmqProps = z.input<typeof rabbitmqSchema>;

export const rabbitmq = defineComponent('rabbitmq', rabbitmqSchema, (props, ctx) => {
  const out = emptyContribution();
  const job = exporterScrapeJob(props, EXPORTER, ctx, 'rabbitmq');
  if (job) out.scrapeJobs.push(job);
  const uid = mixinDashboardUid(ctx, 'rabbitmq', props.job);
  let panelIds: Map<string, number> | undefined;
  if (props.dashboard) {
    const d = rabbitmqDashboard({
      uid,
      job: props.job,
      component: props.component,
      stack: ctx.stack.name,
      datasource: ctx.datasource,
      ...(props.memory ? { memory: props.memory.above } : {}),
      ...(props.fileDescriptors ? { fds: props.fileDescriptors.above } : {}),
      source: ctx.path,
    });
    out.dashboards.push(d.file);
    panelIds = d.panelIds;
  }
  const t: RabbitTarget = {
    component: props.component,
    job: props.job,
    instance: fixtureInstance(props.targets, EXPORTER, props.job),
    runbookUrl: ctx.runbookUrl,
    panelUrl: panelLinker(ctx, uid, panelIds),
  };
  const p = ctx.path;
  const rules: Rule[] = [];
  if (props.nodeDown) rules.push(nodeDownAlert(t, props.nodeDown, `${p}.nodeDown`));
  if (props.memoryAlarm) rules.push(alarmAlert(t, props.memoryAlarm, 'memory', `${p}.memoryAlarm`));
  if (props.diskAlarm) rules.push(alarmAlert(t, props.diskAlarm, 'disk', `${p}.diskAlarm`));
  if (props.memory) rules.push(usageAlert(t, props.memory, 'memory', `${p}.memory`));
  if (props.fileDescriptors) rules.push(usageAlert(t, props.fileDescriptors, 'fds', `${p}.fileDescriptors`));
  if (props.unroutable) rules.push(unroutableAlert(t, props.unroutable, `${p}.unroutable`));
  if (props.unacked) rules.push(unackedAlert(t, props.unacked, `${p}.unacked`));
  if (rules.length) out.ruleGroups.push({ name: props.job, rules, source: p });
  return out;
});
