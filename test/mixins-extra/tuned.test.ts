/** A stack with every knob of the mixins-extra mixins moved off its default: it builds and its generated tests pass promtool. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildStack } from '../../src/stack/build.ts';
import { synth } from '../../src/stack/synth.ts';
import { defineStack } from '../../src/stack/define.ts';
import { runBundleTests } from '../../src/cli/runtests.ts';
import { haproxy } from '../../src/mixins/haproxy.ts';
import { ingressNginx, nginx } from '../../src/mixins/nginx.ts';
import { kubernetes } from '../../src/mixins/kubernetes.ts';
import { gpu } from '../../src/mixins/gpu.ts';
import { logShipper, loki } from '../../src/mixins/logging.ts';
import { probes } from '../../src/mixins/probes.ts';
import { tempDir } from '../helpers.ts';
import { alertsOf } from './helpers.ts';

describe('a stack with every knob moved', () => {
  const tuned = defineStack({
    name: 'mixins-tuned',
    prometheus: { scrapeInterval: '30s', evaluationInterval: '30s' },
    mixins: [
      haproxy({ targets: ['lb:8404'], job: 'edge', component: 'edge-lb', backendDown: { proxyExclude: 'stats', for: '3m' }, errorRatio: { above: 0.02, minRate: 5, window: '10m', for: '10m' }, queue: { above: 3, severity: 'critical' } }),
      nginx({ targets: ['nginx:9113'], droppedConnections: { above: 1, window: '10m' }, down: false }),
      ingressNginx({ ownJob: false, job: 'kubernetes-pods', errorRatio: { above: 0.1, minRate: 0.5 }, reloadFailed: false }),
      kubernetes({ kubeStateMetrics: { job: 'ksm', targets: ['ksm:8080'] }, cadvisor: { job: 'kubelet-cadvisor' }, crashLooping: { for: '5m', window: '10m' }, cpu: { above: 0.9, window: '2m', for: '5m' }, memory: { above: 0.5 }, oomKilled: { window: '30m', for: '2m' }, replicasMismatch: { window: '5m', for: '5m' } }),
      gpu({ targets: ['gpu1:9400'], idle: { below: 20, window: '30m', for: '1h', onlyAllocated: true }, memory: { above: 0.8 }, temperature: { above: 80 }, temperatureCritical: false, xidCritical: { codes: ['79', '48'] } }),
      loki({ targets: ['loki:3100'], requestErrors: { above: 0.2, minRate: 2, window: '2m', for: '5m' }, discarded: { above: 10 }, panics: { window: '30m' } }),
      logShipper({
        targets: ['shipper:8001'],
        job: 'shipper',
        targetLinesPerSecond: 20_000,
        metrics: { linesIn: 'promtail_read_lines_total', linesSent: 'promtail_sent_entries_total', linesDropped: 'promtail_dropped_entries_total' },
        buckets: [0.1, 0.5, 2, 8],
        sinkLatency: { quantile: 0.9, above: 0.4 },
        nearCapacity: { share: 0.5 },
        fallingBehind: { below: 0.5, minRate: 10 },
        positionsStale: { olderThan: '15m', for: '10m' },
        dlq: { above: 5 },
      }),
      probes({ targets: ['db:5432'], module: 'tcp_connect', job: 'tcp-probes', certificate: { within: '30d' }, certificateCritical: { within: '7d' }, slow: { above: 0.25, window: '10m' } }),
    ],
  });

  it('builds and passes its own generated rule tests through promtool', () => {
    const out = tempDir();
    const outcome = buildStack(tuned, out, { verify: true });
    expect(outcome.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(outcome.ok).toBe(true);
    const s = runBundleTests(join(out, 'mixins-tuned'), 'mixins-tuned');
    expect(s.ruleFailures).toEqual([]);
    expect(s.ruleCases).toBeGreaterThanOrEqual(2 * alertsOf(synth(tuned).ruleGroups).length);
  });
});
