/**
 * kafka mixin (kafka_exporter, default port 9308): scrape job, a produce-rate recording
 * rule, alerts (consumer lag in messages and in estimated seconds, lag growing,
 * under-replicated partitions, partitions without a leader, broker count), dashboard,
 * runbooks and promtool scenarios.
 */
import { z } from 'zod';
import { defineComponent, type Component } from '../core/component.ts';
import { durationMs } from '../core/duration.ts';
import { emptyContribution, type Rule } from '../core/model.ts';
import { duration } from '../core/schema.ts';
import { brokerCountAlert, consumerLagAlert, consumerLagSecondsAlert, kafkaRecordingRules, lagGrowingAlert, leaderlessAlert, underReplicatedAlert, type KafkaTarget } from '../alerts/kafka.ts';
import { kafkaDashboard } from '../dashboards/kafka.ts';
import { alertKnob, jobName } from './knobs.ts';
import { exporterScrapeJob, exporterTarget, fixtureInstance, mixinDashboardUid, mixinTarget } from './exporter.ts';

const EXPORTER = 'kafka_exporter';

export const kafkaSchema = z
  .object({
    /** kafka_exporter targets, `host` or `host:port` (default port 9308). Omit with `ownJob: false`. */
    targets: z.array(exporterTarget).min(1).optional(),
    /** @default 'kafka' */
    job: jobName.default('kafka'),
    /** @default true */
    ownJob: z.boolean().default(true),
    /** `service` label of the alerts. @default 'kafka' */
    component: z.string().min(1).default('kafka'),
    scrapeInterval: duration.optional(),
    /** Regex of the consumer groups the lag alerts judge. @default '.+' */
    consumerGroups: z.string().min(1).default('.+'),
    /** Messages behind per group and topic. Defaults: above 10000, warning, for 15m. */
    consumerLag: alertKnob({ name: 'KafkaConsumerGroupLag', for: '15m', severity: 'warning' }, { above: z.number().positive().default(10000) }),
    /** Lag in seconds, estimated as messages behind over the topic's produce rate. Defaults: above 60s, minRate 0 msg/s, warning, for 5m. */
    consumerLagSeconds: alertKnob({ name: 'KafkaConsumerGroupLagSeconds', for: '5m', severity: 'warning' }, { above: duration.default('60s'), minRate: z.number().nonnegative().default(0) }),
    /** Lag above minLag and growing over the window. Defaults: window 15m, minLag 1000, warning, for 15m. */
    lagGrowing: alertKnob({ name: 'KafkaConsumerGroupLagGrowing', for: '15m', severity: 'warning' }, { window: duration.default('15m'), minLag: z.number().nonnegative().default(1000) }),
    /** Partitions with fewer in-sync replicas than replicas. Defaults: warning, for 10m. */
    underReplicated: alertKnob({ name: 'KafkaUnderReplicatedPartitions', for: '10m', severity: 'warning' }, {}),
    /** Partitions without a leader (offline). Defaults: critical, for 2m. */
    offlinePartitions: alertKnob({ name: 'KafkaOfflinePartitions', for: '2m', severity: 'critical' }, {}),
    /** Fewer brokers than `expected` (or than in the last `lookback` when unset). Defaults: lookback 1h, critical, for 5m. */
    brokers: alertKnob({ name: 'KafkaBrokersMissing', for: '5m', severity: 'critical' }, { expected: z.number().int().positive().optional(), lookback: duration.default('1h') }),
    /** @default true */
    dashboard: z.boolean().default(true),
  })
  .strict();

export type KafkaProps = z.input<typeof kafkaSchema>;
export type KafkaConfig = z.output<typeof kafkaSchema>;

export const kafka: (props: KafkaProps) => Component<KafkaConfig> = defineComponent('kafka', kafkaSchema, (props, ctx) => {
  const out = emptyContribution();
  const job = exporterScrapeJob(props, EXPORTER, ctx, 'kafka');
  if (job) out.scrapeJobs.push(job);
  const uid = mixinDashboardUid(ctx, 'kafka', props.job);
  const lagS = props.consumerLagSeconds ? durationMs(props.consumerLagSeconds.above) / 1000 : undefined;
  let panelIds: Map<string, number> | undefined;
  if (props.dashboard) {
    const d = kafkaDashboard({
      uid,
      job: props.job,
      component: props.component,
      stack: ctx.stack.name,
      datasource: ctx.datasource,
      ...(props.consumerLag ? { lag: props.consumerLag.above } : {}),
      ...(lagS !== undefined ? { lagSeconds: lagS } : {}),
      source: ctx.path,
    });
    out.dashboards.push(d.file);
    panelIds = d.panelIds;
  }
  const t: KafkaTarget = { ...mixinTarget(ctx, props.component, props.job, uid, panelIds), instance: fixtureInstance(props.targets, EXPORTER, props.job), groups: props.consumerGroups };
  const p = ctx.path;
  const rules: Rule[] = [...kafkaRecordingRules(t, p)];
  if (props.consumerLag) rules.push(consumerLagAlert(t, props.consumerLag, `${p}.consumerLag`));
  if (props.consumerLagSeconds) rules.push(consumerLagSecondsAlert(t, { ...props.consumerLagSeconds, above: lagS! }, `${p}.consumerLagSeconds`));
  if (props.lagGrowing) rules.push(lagGrowingAlert(t, props.lagGrowing, `${p}.lagGrowing`));
  if (props.underReplicated) rules.push(underReplicatedAlert(t, props.underReplicated, `${p}.underReplicated`));
  if (props.offlinePartitions) rules.push(leaderlessAlert(t, props.offlinePartitions, `${p}.offlinePartitions`));
  if (props.brokers) rules.push(brokerCountAlert(t, props.brokers, `${p}.brokers`));
  out.ruleGroups.push({ name: props.job, rules, source: p });
  return out;
});
