/** HA stacks the unit tests and test/e2e/ha.test.ts build: small, with targets the native runner can start. */
import { defineStack, type StackProps } from '../../src/index.ts';

/** Targets of the `nodes` job: node exporters the runner starts (host port 9100 means node exporter). */
export const NODE_TARGETS = ['node-a:9100', 'node-b:9100', 'node-c:9100', 'node-d:9100', 'node-e:9100', 'node-f:9100'];

/** Two replicas, one shard, three Alertmanager peers, VictoriaMetrics as the long-term store. */
export function haProps(over: Partial<StackProps> = {}): StackProps {
  return {
    name: 'ha-pair',
    prometheus: { scrapeInterval: '15s', evaluationInterval: '15s', externalLabels: { env: 'test' }, replicas: 2, longTermStore: { kind: 'victoriametrics' } },
    scrapeJobs: [{ name: 'nodes', targets: NODE_TARGETS }],
    recordingRules: [{ group: 'nodes-recording', rules: [{ record: 'job:up:sum', expr: 'sum by (job) (up{job="nodes"})' }] }],
    alerts: [
      {
        name: 'NodeDown',
        expr: 'up{job="nodes"} == 0',
        for: '1m',
        severity: 'warning',
        summary: 'Node {{ $labels.instance }} is down',
        description: 'The node exporter at {{ $labels.instance }} does not answer scrapes.',
        runbook: { meaning: 'A node exporter is down.', impact: 'No host metrics from it.', diagnosis: [], mitigation: ['Restart it.'] },
        tests: [
          { name: 'fires when a node is down', series: [{ series: 'up{job="nodes",instance="node-a:9100"}', values: '0x10' }], at: '5m', firing: [{ labels: { job: 'nodes', instance: 'node-a:9100' }, value: 0 }] },
          { name: 'stays quiet while it is up', series: [{ series: 'up{job="nodes",instance="node-a:9100"}', values: '1x10' }], at: '5m', firing: [] },
        ],
      },
    ],
    alerting: {
      peers: 3,
      receivers: { team: { webhook: { url: 'http://sink.example:9000/alertmanager' } } },
      routes: [{ match: { severity: 'warning' }, receiver: 'team' }],
      groupBy: ['alertname', 'instance'],
    },
    ...over,
  } as StackProps;
}

export const haStack = (over: Partial<StackProps> = {}) => defineStack(haProps(over));

/** Three shards of one server each; rules on vmalert over VictoriaMetrics. */
export const shardedStack = () =>
  defineStack(
    haProps({
      name: 'ha-shards',
      prometheus: { scrapeInterval: '15s', externalLabels: { env: 'test' }, shards: 3, longTermStore: { kind: 'victoriametrics' } },
    }),
  );

/** Two shards of an HA pair each; NodeDown (group `custom`) on the shards, the recording rules on a pair of vmalerts over VictoriaMetrics. */
export const shardedPairsStack = () =>
  defineStack(
    haProps({
      name: 'ha-shards',
      prometheus: { scrapeInterval: '15s', externalLabels: { env: 'test' }, replicas: 2, shards: 2, longTermStore: { kind: 'victoriametrics' }, shardLocalRules: ['custom'] },
    }),
  );
