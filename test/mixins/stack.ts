/** A test stack that uses every mixin of the first half of the catalog, with the seeds' thresholds. */
import { defineStack } from '../../src/stack/define.ts';
import { targets } from '../../src/mixins/targets.ts';
import { host } from '../../src/mixins/host.ts';
import { postgres } from '../../src/mixins/postgres.ts';
import { mysql } from '../../src/mixins/mysql.ts';
import { redis } from '../../src/mixins/redis.ts';
import { kafka } from '../../src/mixins/kafka.ts';

export default defineStack({
  name: 'mixins-core',
  prometheus: { scrapeInterval: '15s', evaluationInterval: '15s' },
  mixins: [
    targets({ jobs: ['node', 'timescaledb', 'mysql', 'redis', { name: 'kafka', scrapeInterval: '30s' }] }),
    // Seed 001: disk alert at 70%, critical at 85%; memory 80/90.
    host({ targets: ['db-1', 'db-2:9100'], disk: { warning: 70, critical: 85 }, memory: { warning: 80, critical: 90 } }),
    // Seed 001: TimescaleDB replicas under 1s of lag.
    postgres({ targets: ['timescaledb-exporter'], job: 'timescaledb', component: 'timescaledb', replicationLag: { above: '1s', for: '2m' } }),
    mysql({ targets: ['mysql-exporter:9104'] }),
    redis({ targets: ['redis-exporter'], memory: { above: 0.9 } }),
    // Seed 001: Kafka consumers under 5s behind; 3 brokers.
    kafka({ targets: ['kafka-exporter'], consumerLagSeconds: { above: '5s', minRate: 1 }, brokers: { expected: 3 }, consumerGroups: 'trading-.*' }),
  ],
  alerting: {
    receivers: { team: { webhook: { url: 'http://127.0.0.1:9999/hook' } } },
    routes: [{ match: { severity: ['critical', 'warning'] }, receiver: 'team' }],
  },
});
