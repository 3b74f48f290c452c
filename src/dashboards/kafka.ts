/** The Kafka dashboard (kafka_exporter): consumer lag, produce rate, partitions, brokers. */
import type { DatasourceRef } from '../core/component.ts';
import { KAFKA_PANELS, produceRateRecord } from '../alerts/kafka.ts';
import { mixinBoard } from './mixinboard.ts';

export function kafkaDashboard(p: { uid: string; job: string; component: string; stack: string; datasource: DatasourceRef; lag?: number; lagSeconds?: number; source: string }) {
  const j = `job=${JSON.stringify(p.job)}`;
  const g = `${j},consumergroup=~"$consumergroup",topic=~"$topic"`;
  const tp = `${j},topic=~"$topic"`;
  return mixinBoard({
    uid: p.uid,
    title: `${p.component} / Kafka`,
    tags: ['kafka'],
    stack: p.stack,
    folder: p.stack,
    datasource: p.datasource,
    variables: [
      { name: 'consumergroup', label: 'Consumer group', query: `label_values(kafka_consumergroup_lag_sum{${j}}, consumergroup)` },
      { name: 'topic', label: 'Topic', query: `label_values(kafka_topic_partitions{${j}}, topic)` },
    ],
    rows: [
      {
        title: 'Cluster',
        panels: [
          { title: KAFKA_PANELS.brokers, kind: 'stat', unit: 'short', queries: [{ expr: `max(kafka_brokers{${j}})` }] },
          { title: KAFKA_PANELS.underReplicated, kind: 'stat', unit: 'short', queries: [{ expr: `sum(kafka_topic_partition_under_replicated_partition{${tp}})` }], thresholds: [{ value: 1, color: 'red' }] },
          {
            title: KAFKA_PANELS.leaderless,
            kind: 'stat',
            unit: 'short',
            thresholds: [{ value: 1, color: 'red' }],
            queries: [{ expr: `sum(count by (topic) (kafka_topic_partition_replicas{${tp}}) - (count by (topic) (kafka_topic_partition_leader{${tp}}) or count by (topic) (kafka_topic_partition_replicas{${tp}}) * 0))` }],
          },
          { title: 'Messages in/s', kind: 'stat', unit: 'short', queries: [{ expr: `sum(${produceRateRecord()}{${tp}})` }] },
        ],
      },
      {
        title: 'Consumers',
        panels: [
          { title: KAFKA_PANELS.lag, kind: 'timeseries', unit: 'short', min: 0, thresholds: p.lag !== undefined ? [{ value: p.lag, color: 'red' }] : undefined, queries: [{ expr: `max by (consumergroup, topic) (kafka_consumergroup_lag_sum{${g}})`, legend: '{{consumergroup}} / {{topic}}' }] },
          {
            title: KAFKA_PANELS.lagSeconds,
            kind: 'timeseries',
            unit: 's',
            min: 0,
            thresholds: p.lagSeconds !== undefined ? [{ value: p.lagSeconds, color: 'red' }] : undefined,
            description: 'Messages behind over the topic produce rate of the last 5m.',
            queries: [{ expr: `max by (consumergroup, job, topic) (kafka_consumergroup_lag_sum{${g}}) / on (job, topic) group_left () (${produceRateRecord()}{${tp}} > 0)`, legend: '{{consumergroup}} / {{topic}}' }],
          },
          { title: 'Consumer group members', kind: 'timeseries', unit: 'short', min: 0, queries: [{ expr: `max by (consumergroup) (kafka_consumergroup_members{${j},consumergroup=~"$consumergroup"})`, legend: '{{consumergroup}}' }] },
          { title: 'Produce rate per topic', kind: 'timeseries', unit: 'short', min: 0, queries: [{ expr: `${produceRateRecord()}{${tp}}`, legend: '{{topic}}' }] },
        ],
      },
    ],
    source: p.source,
  });
}
