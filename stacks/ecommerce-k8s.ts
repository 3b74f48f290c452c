/**
 * ecommerce-k8s (seed 003): the backend API (Node, port 3000) on EKS behind an ALB,
 * PostgreSQL on RDS and Redis on ElastiCache. Prometheus discovers pods through the
 * `prometheus.io/scrape` annotation, as in the seed's ConfigMap.
 *
 * The seed's alerts, made sound: error rate > 5% (a ratio, traffic-guarded, critical),
 * p99 > 1s (critical), pod crash loop (critical), CPU > 80% and memory > 85% of limits
 * (warning). What an SRE adds where the seed is thin:
 * - a dedicated pod job for backend-api (annotation + app label) so its RED alerts select
 *   exactly its pods; the generic annotation job leaves those pods to it;
 * - kube-state-metrics and cAdvisor for the crash-loop and limit alerts;
 * - postgres_exporter and redis_exporter for the managed database and cache, with the
 *   seed's "database connection pool" and "cache hit rate" on a business dashboard;
 * - an availability SLO (99.9%) on the API.
 * kubernetes_sd_configs is not compiled into Debian's promtool: `obsgen build` validates
 * those jobs with its own schema and runs promtool on the rest, and says so.
 *
 * Under compose, Prometheus runs outside the cluster, so in-cluster discovery would find
 * nothing (obsgen leaves such jobs out of a compose bundle, with a warning). This stack
 * therefore names the cluster's API server and credential files (`cluster`, mounted into the
 * compose Prometheus as secrets): pods are discovered through the API server and scraped at
 * their pod IPs (routable from inside the VPC with the EKS VPC CNI; run the compose stack
 * there), while cAdvisor and kube-state-metrics are scraped through the API server's proxy,
 * so the token needs get on nodes/proxy and services/proxy. Set API_SERVER to the endpoint
 * of `aws eks describe-cluster --name ecommerce-production`. Links use the seed's domain
 * (example.com: api.example.com in its Ingress).
 *
 * Most EKS teams run kube-prometheus-stack instead: the kubernetes target writes
 * out/ecommerce-k8s/kubernetes/ for it (docs/kubernetes.md): the pod jobs as PodMonitors
 * (backend-api's selecting its pods by label), cAdvisor and kube-state-metrics as
 * ServiceMonitors, the RDS and ElastiCache exporters as ScrapeConfigs.
 */
import { dashboard, defineStack, httpService, kubernetes, kubernetesPodsJob, postgres, redis, row, stat, targets, timeseries } from 'obsgen';

/** The EKS endpoint of ecommerce-production (us-east-1): replace with the cluster's. */
const API_SERVER = 'https://ecommerce-production.eks.example.com';
const cluster = {
  apiServer: API_SERVER,
  bearerTokenFile: '/run/secrets/k8s_prometheus_token',
  tls: { caFile: '/run/secrets/k8s_ca_crt' },
};
const podsJob = kubernetesPodsJob({ namespaces: ['production'], cluster });

export default defineStack({
  name: 'ecommerce-k8s',
  description: 'E-commerce backend on Kubernetes (EKS), PostgreSQL (RDS), Redis (ElastiCache)',
  prometheus: { scrapeInterval: '15s', evaluationInterval: '15s', externalLabels: { cluster: 'ecommerce-production' } },
  targets: ['compose', 'kubernetes'],
  kubernetes: { namespace: 'monitoring', ruleLabels: { release: 'kube-prometheus-stack' }, monitorLabels: { release: 'kube-prometheus-stack' } },
  links: {
    grafanaUrl: 'https://grafana.example.com',
    runbookBaseUrl: 'https://ops.example.com/runbooks',
    prometheusUrl: 'https://prometheus.example.com',
    alertmanagerUrl: 'https://alertmanager.example.com',
  },
  services: [
    httpService({
      name: 'backend-api',
      scrape: {
        kubernetesSd: { role: 'pod', namespaces: ['production'], ...cluster },
        // Under prometheus-operator: a PodMonitor selecting the app's pods by label (namespaces from kubernetesSd).
        kubernetes: { kind: 'PodMonitor', selector: { app: 'backend-api' } },
        relabel: [
          { sourceLabels: ['__meta_kubernetes_pod_label_app'], action: 'keep', regex: 'backend-api' },
          ...podsJob.relabel!.filter((r) => r.action !== 'keep'),
        ],
      },
      metrics: { requests: 'http_requests_total', duration: 'http_request_duration_seconds', codeLabel: 'code', errorCodes: '5..' },
      alerts: {
        errorRatio: { above: 0.05, for: '5m', severity: 'critical' },
        latency: { quantile: 0.99, above: '1s', for: '5m', severity: 'critical' },
      },
      slos: [{ name: 'availability', objective: 99.9, window: '30d', sli: { errorRatio: {} } }],
    }),
  ],
  scrapeJobs: [
    {
      ...podsJob,
      // backend-api pods are scraped by their own job above.
      relabel: [...podsJob.relabel!, { sourceLabels: ['app'], action: 'drop', regex: 'backend-api' }],
    },
  ],
  mixins: [
    kubernetes({
      cluster,
      kubeStateMetrics: { service: 'kube-system/kube-state-metrics:http-metrics' },
      cpu: { above: 0.8 },
      memory: { above: 0.85 },
      crashLooping: { severity: 'critical' },
    }),
    postgres({ targets: ['postgres-exporter:9187'], connections: { above: 0.8 } }),
    redis({ targets: ['redis-exporter:9121'], memory: { above: 0.9 } }),
    targets({ jobs: ['backend-api', 'kube-state-metrics', 'postgres', 'redis'] }),
  ],
  dashboards: [
    dashboard({
      title: 'E-commerce / Backend resources',
      tags: ['business'],
      panels: [
        row('Database connection pool', [
          timeseries({ title: 'Connections by state', query: 'sum by (state) (pg_stat_activity_count{job="postgres"})', legend: '{{state}}' }),
          stat({ title: 'Connections used', query: 'sum(pg_stat_activity_count{job="postgres"}) / sum(pg_settings_max_connections{job="postgres"})', unit: 'percentunit', thresholds: [{ value: 0.8, color: 'orange' }] }),
        ]),
        row('Cache', [
          timeseries({
            title: 'Cache hit rate',
            query: 'sum(rate(redis_keyspace_hits_total{job="redis"}[$__rate_interval])) / (sum(rate(redis_keyspace_hits_total{job="redis"}[$__rate_interval])) + sum(rate(redis_keyspace_misses_total{job="redis"}[$__rate_interval])) > 0)',
            legend: 'hit rate',
            unit: 'percentunit',
            min: 0,
            max: 1,
          }),
          stat({ title: 'Redis memory used', query: 'sum(redis_memory_used_bytes{job="redis"})', unit: 'bytes' }),
        ]),
      ],
    }),
  ],
  alerting: {
    receivers: {
      oncall: { pagerduty: { routingKeyFile: '/run/secrets/pagerduty_routing_key' } },
      platform: { slack: { apiUrlFile: '/run/secrets/slack_api_url', channel: '#ecommerce-alerts' } },
    },
    routes: [
      { match: { severity: 'critical' }, receiver: 'oncall', repeatInterval: '1h' },
      { match: { severity: 'warning' }, receiver: 'platform', repeatInterval: '12h' },
    ],
  },
});
