/**
 * Kafka alerts over kafka_exporter: consumer group lag in messages, lag as an estimate in
 * seconds (messages behind over the topic's produce rate), lag growing, under-replicated
 * partitions, partitions without a leader, and the broker count. kafka_exporter writes
 * -1 lag for partitions without a committed offset; `kafka_consumergroup_lag_sum` leaves
 * them out, so the rules read it. It has no offline-partition metric: a partition without
 * a leader is one whose `kafka_topic_partition_leader` series is missing.
 */
import { formatNumber } from '../core/decimal.ts';
import { durationMs } from '../core/duration.ts';
import { re2Regexp } from '../core/re2.ts';
import type { AlertRule, InputSeries, RecordingRule } from '../core/model.ts';
import { fireAt, firingChecks, gauge, mixinAlert, quiet, sel, stepsFor, type AlertKnobs, type MixinTarget } from './rulekit.ts';
import { seriesSelector } from './series.ts';

export const KAFKA_PANELS = {
  lag: 'Consumer group lag (messages)',
  lagSeconds: 'Consumer group lag (estimated seconds)',
  underReplicated: 'Under-replicated partitions',
  leaderless: 'Partitions without a leader',
  brokers: 'Brokers',
} as const;

export interface KafkaTarget extends MixinTarget {
  instance: string;
  /** Regex of consumer groups judged. */
  groups: string;
}

/** Messages produced per second per topic (recorded; read by the seconds estimate and the dashboard). */
export function produceRateRecord(): string {
  return 'job_topic:kafka_topic_partition_current_offset:rate5m';
}

export function kafkaRecordingRules(t: KafkaTarget, source: string): RecordingRule[] {
  return [{ kind: 'record', name: produceRateRecord(), expr: `sum by (job, topic) (rate(kafka_topic_partition_current_offset{${sel(t.job)}}[5m]))`, source }];
}

function groupSel(t: KafkaTarget): string {
  return sel(t.job, ...(t.groups !== '.+' ? [`consumergroup=~${JSON.stringify(t.groups)}`] : []));
}

const GROUP = 'orders-consumer';

/** The groups regex as Prometheus matches it; a pattern obsgen cannot evaluate matches only the fixture's own group. */
function groupRegexp(regex: string): { test: (s: string) => boolean } {
  const re = re2Regexp(regex);
  return typeof re === 'string' ? { test: (s) => s === GROUP } : re;
}

/** A consumer group name the groups regex matches, for the fixtures. */
export function fixtureGroup(regex: string): string {
  const re = groupRegexp(regex);
  const literal = regex.replace(/\.\*|\.\+/g, 'consumer').replace(/[\\^$()|?*+[\]{}]/g, '');
  return [GROUP, literal, `${literal}-consumer`, 'consumer'].find((c) => re.test(c)) ?? GROUP;
}

function unwatchedGroup(regex: string): string | undefined {
  const re = groupRegexp(regex);
  return ['zz-unwatched-group', 'other', 'x'].find((c) => !re.test(c));
}
const TOPIC = 'orders';

export function consumerLagAlert(t: KafkaTarget, k: AlertKnobs & { above: number }, source: string): AlertRule {
  const group = fixtureGroup(t.groups);
  const labels = { consumergroup: group, job: t.job, topic: TOPIC };
  const at = fireAt(k.for);
  const n = stepsFor(at);
  const lag = Math.floor(k.above) * 2 + 10;
  const series = (l: number, g = group) => [gauge('kafka_consumergroup_lag_sum', { consumergroup: g, instance: t.instance, job: t.job, topic: TOPIC }, l, n)];
  return mixinAlert(
    t,
    k,
    {
      expr: `max by (consumergroup, job, topic) (kafka_consumergroup_lag_sum{${groupSel(t)}}) > ${formatNumber(k.above)}`,
      summary: `${t.component}: a consumer group lags more than ${formatNumber(k.above)} messages`,
      description: 'Consumer group {{ $labels.consumergroup }} is {{ $value | humanize }} messages behind on topic {{ $labels.topic }}.',
      panel: KAFKA_PANELS.lag,
      runbook: {
        meaning: 'The committed offsets of the group are far behind the end of the topic\'s partitions.',
        impact: 'Events are processed late; downstream state is stale.',
        diagnosis: [
          { title: 'Lag per partition (-1: nothing committed)', query: `kafka_consumergroup_lag{${groupSel(t)}} >= 0` },
          { title: 'Members of the group', query: `kafka_consumergroup_members{${groupSel(t)}}` },
        ],
        mitigation: ['Check the consumers run and are not crash-looping or rebalancing.', 'Scale consumers up to the partition count.', 'Look for a slow dependency of the consumer or a poison message.'],
      },
      tests: [
        { name: `fires at ${lag} messages behind`, series: series(lag), checks: firingChecks(k.for, at, [{ labels, value: lag }]) },
        quiet('stays quiet when the group keeps up', series(Math.floor(k.above / 2)), at),
        ...(t.groups !== '.+' && unwatchedGroup(t.groups) ? [quiet('leaves other consumer groups out', series(lag, unwatchedGroup(t.groups)), at)] : []),
      ],
    },
    source,
  );
}

export function consumerLagSecondsAlert(t: KafkaTarget, k: AlertKnobs & { above: number; minRate: number }, source: string): AlertRule {
  const group = fixtureGroup(t.groups);
  const labels = { consumergroup: group, job: t.job, topic: TOPIC };
  const at = fireAt(k.for, '5m');
  const n = stepsFor(at);
  const rate = Math.max(100, Math.ceil(k.minRate * 4));
  const seconds = Math.ceil(k.above * 2) + 1;
  const offsets = (perSec: number): InputSeries[] =>
    [0, 1].map((p) => ({ series: seriesSelector('kafka_topic_partition_current_offset', { instance: t.instance, job: t.job, partition: String(p), topic: TOPIC }), values: `1000000+${(perSec / 2) * 60}x${n}` }));
  const lagSeries = (l: number) => gauge('kafka_consumergroup_lag_sum', { consumergroup: group, instance: t.instance, job: t.job, topic: TOPIC }, l, n);
  return mixinAlert(
    t,
    k,
    {
      expr:
        `max by (consumergroup, job, topic) (kafka_consumergroup_lag_sum{${groupSel(t)}})\n  / on (job, topic) group_left ()\n` +
        `(${produceRateRecord()}{${sel(t.job)}} > ${formatNumber(k.minRate)})\n> ${formatNumber(k.above)}`,
      summary: `${t.component}: a consumer group is more than ${formatNumber(k.above)}s behind`,
      description: 'Consumer group {{ $labels.consumergroup }} is about {{ $value | humanizeDuration }} behind on topic {{ $labels.topic }} (messages behind over the produce rate of the last 5m).',
      panel: KAFKA_PANELS.lagSeconds,
      runbook: {
        meaning: `Messages behind divided by the topic's produce rate estimates how old the oldest unprocessed event is; it is above ${formatNumber(k.above)}s. Topics producing ${formatNumber(k.minRate)} messages/s or less are not judged (the estimate is meaningless without traffic; the message-lag alert still covers them).`,
        impact: 'Events are processed late; anything that reads the consumers\' output is stale by about this much.',
        diagnosis: [
          { title: 'Produce rate per topic', query: `${produceRateRecord()}{${sel(t.job)}}` },
          { title: 'Consume rate per group', query: `sum by (consumergroup, topic) (rate(kafka_consumergroup_current_offset_sum{${groupSel(t)}}[5m]))` },
        ],
        mitigation: ['Compare consume and produce rates: scale consumers if they are slower.', 'Check for rebalances (members count changing) and consumer errors.'],
      },
      tests: [
        { name: `fires when ${seconds}s behind`, series: [...offsets(rate), lagSeries(rate * seconds)], checks: firingChecks(k.for, at, [{ labels, value: seconds }]) },
        quiet('stays quiet when the group is close behind', [...offsets(rate), lagSeries(Math.floor((rate * k.above) / 2))], at),
        quiet('stays quiet when nothing is produced (no division by zero)', [...offsets(0), lagSeries(rate * seconds)], at),
      ],
    },
    source,
  );
}

export function lagGrowingAlert(t: KafkaTarget, k: AlertKnobs & { window: string; minLag: number }, source: string): AlertRule {
  const group = fixtureGroup(t.groups);
  const labels = { consumergroup: group, job: t.job, topic: TOPIC };
  const at = fireAt(k.for, k.window);
  const n = stepsFor(at);
  const atMin = Math.round(durationMs(at) / 60_000);
  const step = Math.ceil((k.minLag * 2) / atMin) + 1;
  const lagSeries = (values: string) => [{ series: seriesSelector('kafka_consumergroup_lag_sum', { consumergroup: group, instance: t.instance, job: t.job, topic: TOPIC }), values }];
  const g = groupSel(t);
  return mixinAlert(
    t,
    k,
    {
      expr: `max by (consumergroup, job, topic) (kafka_consumergroup_lag_sum{${g}}) > ${formatNumber(k.minLag)}\nand\nmax by (consumergroup, job, topic) (delta(kafka_consumergroup_lag_sum{${g}}[${k.window}])) > 0`,
      summary: `${t.component}: a consumer group's lag keeps growing`,
      description: `The lag of consumer group {{ $labels.consumergroup }} on topic {{ $labels.topic }} grew over the last ${k.window} to {{ $value | humanize }} messages.`,
      panel: KAFKA_PANELS.lag,
      runbook: {
        meaning: `The group's lag is above ${formatNumber(k.minLag)} messages and has been growing for ${k.window} and more: consumers are slower than producers or stopped.`,
        impact: 'Processing delay grows without bound until consumers catch up; with short retention, messages are deleted before being read.',
        diagnosis: [
          { title: 'Lag trend', query: `max by (consumergroup, topic) (kafka_consumergroup_lag_sum{${g}})` },
          { title: 'Members', query: `kafka_consumergroup_members{${g}}` },
        ],
        mitigation: ['Restart or scale the consumers; check they commit offsets.', 'Check topic retention against the growing delay.'],
      },
      tests: [
        { name: `fires while the lag grows by ${step} a minute`, series: lagSeries(`0+${step}x${n}`), checks: firingChecks(k.for, at, [{ labels, value: step * atMin }]) },
        quiet('stays quiet on a high but steady lag', lagSeries(`${k.minLag * 3}x${n}`), at),
        quiet('stays quiet while a small lag grows', lagSeries(`0+${Math.max(0, Math.floor(k.minLag / (2 * atMin)))}x${n}`), at),
      ],
    },
    source,
  );
}

export function underReplicatedAlert(t: KafkaTarget, k: AlertKnobs, source: string): AlertRule {
  const at = fireAt(k.for);
  const n = stepsFor(at);
  const part = (p: number, v: number) => gauge('kafka_topic_partition_under_replicated_partition', { instance: t.instance, job: t.job, partition: String(p), topic: TOPIC }, v, n);
  return mixinAlert(
    t,
    k,
    {
      expr: `sum by (job, topic) (kafka_topic_partition_under_replicated_partition{${sel(t.job)}}) > 0`,
      summary: `${t.component}: under-replicated partitions`,
      description: 'Topic {{ $labels.topic }} has {{ $value }} partitions whose in-sync replicas are fewer than their replicas.',
      panel: KAFKA_PANELS.underReplicated,
      runbook: {
        meaning: 'Some replicas fell out of the ISR: a broker is down, slow, or its disk or network fails.',
        impact: 'Less redundancy: one more broker failure can make the partitions unavailable; producers with acks=all and min.insync.replicas may fail.',
        diagnosis: [
          { title: 'ISR vs replicas', query: `kafka_topic_partition_in_sync_replica{${sel(t.job)}} < kafka_topic_partition_replicas{${sel(t.job)}}` },
          { title: 'Brokers', query: `kafka_brokers{${sel(t.job)}}` },
        ],
        mitigation: ['Find the broker missing from the ISRs (kafka-topics --describe --under-replicated-partitions) and check it.', 'Check broker disk, network and GC pauses.'],
      },
      tests: [
        { name: 'fires when a partition is under-replicated', series: [part(0, 1), part(1, 0)], checks: firingChecks(k.for, at, [{ labels: { job: t.job, topic: TOPIC }, value: 1 }]) },
        quiet('stays quiet when every partition is in sync', [part(0, 0), part(1, 0)], at),
      ],
    },
    source,
  );
}

export function leaderlessAlert(t: KafkaTarget, k: AlertKnobs, source: string): AlertRule {
  const s = sel(t.job);
  const at = fireAt(k.for);
  const n = stepsFor(at);
  const series = (partitions: number, withLeader: number) => {
    const out: InputSeries[] = [];
    for (let p = 0; p < partitions; p++) {
      const l = { instance: t.instance, job: t.job, partition: String(p), topic: TOPIC };
      out.push(gauge('kafka_topic_partition_replicas', l, 2, n));
      if (p < withLeader) out.push(gauge('kafka_topic_partition_leader', l, (p % 3) + 1, n));
    }
    return out;
  };
  const labels = { job: t.job, topic: TOPIC };
  return mixinAlert(
    t,
    k,
    {
      expr:
        `count by (job, topic) (kafka_topic_partition_replicas{${s}})\n  -\n` +
        `(count by (job, topic) (kafka_topic_partition_leader{${s}}) or count by (job, topic) (kafka_topic_partition_replicas{${s}}) * 0)\n> 0`,
      summary: `${t.component}: partitions without a leader`,
      description: 'Topic {{ $labels.topic }} has {{ $value }} partitions without a leader (offline).',
      panel: KAFKA_PANELS.leaderless,
      runbook: {
        meaning: 'kafka_exporter found partitions for which no broker is leader: every replica of them is offline or out of the ISR with unclean election off.',
        impact: 'Producing to and consuming from these partitions fails.',
        diagnosis: [
          { title: 'Partitions vs partitions with a leader', query: `count by (topic) (kafka_topic_partition_replicas{${s}}) - count by (topic) (kafka_topic_partition_leader{${s}})` },
          { title: 'Brokers', query: `kafka_brokers{${s}}` },
        ],
        mitigation: ['Bring the brokers holding the replicas back.', 'As a last resort, an unclean leader election restores availability and loses data.'],
      },
      tests: [
        { name: 'fires when one partition lost its leader', series: series(3, 2), checks: firingChecks(k.for, at, [{ labels, value: 1 }]) },
        { name: 'fires when every partition of a topic lost its leader', series: series(3, 0), checks: [{ at, firing: [{ labels, value: 3 }] }] },
        quiet('stays quiet when every partition has a leader', series(3, 3), at),
      ],
    },
    source,
  );
}

export function brokerCountAlert(t: KafkaTarget, k: AlertKnobs & { expected?: number; lookback: string }, source: string): AlertRule {
  const s = sel(t.job);
  const labels = { instance: t.instance, job: t.job };
  const at = fireAt(k.for);
  const n = stepsFor(at);
  const expected = k.expected ?? 3;
  const expr = k.expected !== undefined ? `kafka_brokers{${s}} < ${formatNumber(k.expected)}` : `kafka_brokers{${s}} < max_over_time(kafka_brokers{${s}}[${k.lookback}])`;
  const fewer = expected - 1;
  const series = (values: string) => [{ series: seriesSelector('kafka_brokers', labels), values }];
  return mixinAlert(
    t,
    k,
    {
      expr,
      summary: `${t.component}: fewer Kafka brokers than expected`,
      description:
        k.expected !== undefined
          ? `The cluster seen by {{ $labels.instance }} has {{ $value }} brokers; ${formatNumber(k.expected)} are expected.`
          : `The cluster seen by {{ $labels.instance }} has {{ $value }} brokers, fewer than in the last ${k.lookback}.`,
      panel: KAFKA_PANELS.brokers,
      runbook: {
        meaning: k.expected !== undefined ? `kafka_exporter sees fewer than ${formatNumber(k.expected)} brokers in the cluster metadata.` : `kafka_exporter sees fewer brokers than at some point in the last ${k.lookback} (set \`expected\` for a fixed count).`,
        impact: 'Partitions led by the missing broker move or go offline; replication factor is not met.',
        diagnosis: [{ title: 'Brokers', query: `kafka_brokers{${s}}` }, { title: 'Broker list', query: `kafka_broker_info{${s}}` }],
        mitigation: ['Find the missing broker (kafka_broker_info) and check its process, disk and logs.', 'Check ZooKeeper/KRaft controller health.'],
      },
      tests: [
        { name: `fires with ${fewer} brokers`, series: series(`${expected} ${fewer}x${n}`), checks: firingChecks(k.for, at, [{ labels, value: fewer }]) },
        quiet(`stays quiet with ${expected} brokers`, series(`${expected}x${n}`), at),
      ],
    },
    source,
  );
}
