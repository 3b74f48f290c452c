/** A test stack that uses every mixin of the second half of the catalog, with their defaults. */
import { defineStack } from '../../src/stack/define.ts';
import { haproxy } from '../../src/mixins/haproxy.ts';
import { ingressNginx, nginx } from '../../src/mixins/nginx.ts';
import { kubernetes, kubernetesPodsJob } from '../../src/mixins/kubernetes.ts';
import { gpu } from '../../src/mixins/gpu.ts';
import { logShipper, loki } from '../../src/mixins/logging.ts';
import { probes } from '../../src/mixins/probes.ts';

export default defineStack({
  name: 'mixins-extra',
  prometheus: { scrapeInterval: '15s', evaluationInterval: '15s' },
  mixins: [
    haproxy({ targets: ['haproxy:8404'] }),
    nginx({ targets: ['nginx-exporter:9113'] }),
    ingressNginx({ targets: ['ingress-nginx-controller:10254'] }),
    // The default kube-state-metrics:8080 is a name only the cluster answers: compose needs an address.
    kubernetes({ kubeStateMetrics: { targets: ['kube-state-metrics.example.com:8080'] } }),
    gpu({ targets: ['dcgm-exporter:9400'] }),
    loki({ targets: ['loki:3100'] }),
    logShipper({ targets: ['log-capturer:8001'] }),
    probes({ targets: ['https://shop.example.com/health', 'http://log-capturer:8401/health'] }),
  ],
  scrapeJobs: [kubernetesPodsJob()],
  alerting: {
    receivers: { team: { webhook: { url: 'http://127.0.0.1:9999/hook' } } },
    routes: [{ match: { severity: ['critical', 'warning'] }, receiver: 'team' }],
  },
});
